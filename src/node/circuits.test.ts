/**
 * Circuits by code hash: a node that lacks a circuit finds a provider through the DHT (it is not
 * connected to it beforehand) and accepts the bytes only if they hash to the code hash.
 *
 * kad-dht dials peers by itself (self-query, routing-table pings, KEEP_ALIVE tags on the closest
 * peers), so "C is not connected to A" cannot be left to timing: C's connection gater refuses A in
 * both directions until the moment of the request (issue #9, defect 8).
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import { compileContract } from '../lang/index.ts'
import millionaires from '../../examples/millionaires.ts'
import { createHost, dialBootstrap, type NodeHost } from './host.ts'
import { NodeStore } from './store.ts'
import { CircuitProvider } from './circuits.ts'

const hosts: NodeHost[] = []
const stores: NodeStore[] = []
const providers: CircuitProvider[] = []
let root: string

after(async () => {
  for (const p of providers) await p.stop()
  await Promise.all(hosts.map((h) => h.stop()))
  for (const s of stores) await s.close()
  if (root) await rm(root, { recursive: true, force: true })
})

async function member(i: number, connectionGater?: ConnectionGater) {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519'), ...(connectionGater ? { connectionGater } : {}) })
  await host.start()
  const store = new NodeStore(join(root, `n${i}`))
  await store.open()
  const provider = new CircuitProvider(host, store, { fetchTimeoutMs: 15_000 })
  await provider.start()
  hosts.push(host); stores.push(store); providers.push(provider)
  return { host, store, provider }
}

test('a circuit is found through the DHT from a node we were not connected to, and checked against its hash', async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-circuits-'))
  // A and C refuse every connection with each other (dialled by either side) until the gate opens. Both
  // sides gate: with only C gating, A briefly lists a connection that C is about to refuse.
  const gate = { open: false, refused: 0 }
  let cPeer: PeerId | undefined
  const refuseC = (peer: PeerId): boolean => {
    if (gate.open || cPeer === undefined || !peer.equals(cPeer)) return false
    gate.refused++
    return true
  }
  const a = await member(0, { denyDialPeer: refuseC, denyInboundEncryptedConnection: refuseC, denyOutboundEncryptedConnection: refuseC })
  const b = await member(1)
  const refuseA = (peer: PeerId): boolean => {
    if (gate.open || !peer.equals(a.host.peerId)) return false
    gate.refused++
    return true
  }
  const c = await member(2, {
    denyDialPeer: refuseA,
    denyInboundEncryptedConnection: refuseA,
    denyOutboundEncryptedConnection: refuseA,
  })
  cPeer = c.host.peerId
  // A — B — C: C knows only B.
  await dialBootstrap(b.host, [a.host.getMultiaddrs()[0]!.toString()])
  await dialBootstrap(c.host, [b.host.getMultiaddrs()[0]!.toString()])
  const compiled = compileContract(millionaires, {})
  await a.provider.add(compiled.encoding, compiled.codeHash)
  // Wait until A's provider record is on the DHT (B is A's only DHT peer).
  for (let i = 0; i < 100; i++) {
    let found = false
    for await (const p of b.host.contentRouting.findProviders((await import('./circuits.ts')).circuitCid(compiled.codeHash), { signal: AbortSignal.timeout(2_000) })) {
      if (p.id.equals(a.host.peerId)) { found = true; break }
    }
    if (found) break
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.ok(!c.host.getConnections().some((x) => x.remotePeer.equals(a.host.peerId)), 'C starts unconnected to A')
  assert.ok(!a.host.getConnections().some((x) => x.remotePeer.equals(c.host.peerId)), 'A starts unconnected to C')
  assert.equal(await c.store.getCircuit(compiled.codeHash), undefined, 'C does not have the circuit yet')
  // Open the gate and ask in the same tick: no connection to A can exist when the request starts.
  gate.open = true
  const circuit = await c.provider.get(compiled.codeHash)
  assert.ok(c.host.getConnections().some((x) => x.remotePeer.equals(a.host.peerId)), 'C reached A to fetch the circuit')
  assert.equal(circuit.name, compiled.circuit.name)
  assert.deepEqual(await c.store.getCircuit(compiled.codeHash), compiled.encoding)
  // Bytes that do not hash to the code hash are refused.
  await assert.rejects(c.provider.add(compiled.encoding, `0x${'00'.repeat(32)}`), { code: 'NODE_CIRCUIT_MISMATCH' } as object)
  await assert.rejects(c.provider.get(`0x${'ab'.repeat(32)}`, { signal: AbortSignal.timeout(3_000) }), { code: 'NODE_CIRCUIT_UNAVAILABLE' } as object)
})
