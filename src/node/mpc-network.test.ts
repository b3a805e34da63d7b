import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createHost, type NodeHost } from './host.ts'
import { MpcNetwork, type MpcMember, type MpcNetworkEvent } from './mpc-network.ts'
import { transportContractSuite } from '../engine/transport-contract-suite.ts'

const hosts: NodeHost[] = []
const nets: MpcNetwork[] = []
const events: MpcNetworkEvent[] = []

async function node(): Promise<{ host: NodeHost; net: MpcNetwork; member: MpcMember }> {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  const net = new MpcNetwork(host, { defaultTimeoutMs: 5_000, onEvent: (e) => events.push(e) })
  await net.start()
  hosts.push(host); nets.push(net)
  return { host, net, member: { peerId: host.peerId.toString(), multiaddrs: host.getMultiaddrs().map(String) } }
}

after(async () => {
  for (const n of nets) await n.stop()
  for (const h of hosts) await h.stop()
})

const nodes = await Promise.all([node(), node(), node(), node()])
const committee = nodes.map((n) => n.member)

test('four hosts exchange labelled frames in two concurrent sessions over one stream per pair', async () => {
  const sessions = ['0x' + 'aa'.repeat(32), '0x' + 'bb'.repeat(32)]
  const transports = sessions.map((s) => nodes.map((n) => n.net.openSession({ session: s, committee })))
  await Promise.all(transports.flatMap((ts, si) => ts.map(async (t) => {
    for (let round = 0; round < 20; round++) {
      for (let j = 0; j < t.n; j++) if (j !== t.self) t.send(j, `r${round}`, new Uint8Array([si, t.self, j, round]))
      for (let j = 0; j < t.n; j++) {
        if (j === t.self) continue
        const got = await t.receive(j, `r${round}`)
        assert.deepEqual([...got], [si, j, t.self, round])
      }
    }
  })))
  // 6 pairs: one stream each, seen from both ends (a second one per pair only if a dial took
  // longer than the 2 s fallback, which a heavily loaded machine can cause).
  const total = nodes.reduce((s, n) => s + n.net.streamCount(), 0)
  assert.ok(total >= 12 && total <= 24, `streams per end: ${nodes.map((n) => n.net.streamCount())}`)
  assert.equal(transports[0]![0]!.stats.framesSent, 60)
  assert.equal(transports[0]![0]!.stats.framesReceived, 60)
  for (const ts of transports) for (const t of ts) await t.close()
})

test('a large payload arrives intact (back-pressure through the stream)', async () => {
  const s = 'big-session'
  const [a, b] = [nodes[0]!.net.openSession({ session: s, committee }), nodes[1]!.net.openSession({ session: s, committee })]
  const payload = new Uint8Array(8 * 1024 * 1024)
  for (let i = 0; i < payload.length; i += 4096) payload[i] = i & 0xff
  for (let k = 0; k < 4; k++) a.send(1, `chunk${k}`, payload)
  for (let k = 0; k < 4; k++) {
    const got = await b.receive(0, `chunk${k}`)
    assert.equal(got.length, payload.length)
    assert.equal(got[4096 * 3], (4096 * 3) & 0xff)
  }
  await a.close(); await b.close()
})

test('a silent peer makes receive fail with MPC_TIMEOUT naming the party', async () => {
  const t = nodes[0]!.net.openSession({ session: 'silent', committee, timeoutMs: 300 })
  await assert.rejects(t.receive(2, 'never'), (e: any) => e.code === 'MPC_TIMEOUT' && e.meta.party === 2 && /party 2/.test(e.message))
  await t.close()
  await assert.rejects(t.receive(1, 'after-close'), { code: 'MPC_TRANSPORT_CLOSED' } as object)
})

test('a peer that is not in the committee is refused and its frames are never delivered', async () => {
  const stranger = await node()
  const small = committee.slice(0, 3)
  const victim = nodes[1]!.net.openSession({ session: 'closed-club', committee: small, timeoutMs: 1_000 })
  // The stranger pretends to be party 0 by opening its own session view with itself at index 0.
  const fake = [stranger.member, small[1]!, small[2]!]
  const evil = stranger.net.openSession({ session: 'closed-club', committee: fake })
  evil.send(1, 'r0', new Uint8Array([6, 6, 6]))
  await assert.rejects(victim.receive(0, 'r0'), { code: 'MPC_TIMEOUT' } as object)
  // The stranger may dial only after its fallback delay (2 s): wait for its frame to be judged.
  for (let i = 0; i < 120 && !events.some((e) => e.kind === 'refused'); i++) await new Promise((r) => setTimeout(r, 50))
  await assert.rejects(victim.receive(0, 'r0', { timeoutMs: 100 }), { code: 'MPC_TIMEOUT' } as object)
  assert.ok(events.some((e) => e.kind === 'refused' && e.peer === stranger.member.peerId), 'refusal was reported')
  assert.ok(nodes[1]!.net.totals.refused >= 1)
  await victim.close(); await evil.close()
})

test('frames that arrive before the session is opened wait for it', async () => {
  const s = 'early-bird'
  const a = nodes[2]!.net.openSession({ session: s, committee })
  a.send(3, 'x', new Uint8Array([42]))
  await new Promise((r) => setTimeout(r, 200))
  const b = nodes[3]!.net.openSession({ session: s, committee })
  assert.deepEqual([...(await b.receive(2, 'x'))], [42])
  await a.close(); await b.close()
})

test('a member that never opened the session (it gave up at the ready barrier) still tells the others, who do not wait for their deadline', async () => {
  const s = 'gave-up-at-the-barrier'
  for (const n of nodes) n.net.expect(s, committee)
  const computing = nodes[0]!.net.openSession({ session: s, committee, timeoutMs: 8_000 })
  const started = Date.now()
  const got = computing.receive(2, 'mul#0').then(() => undefined, (e: unknown) => e)
  // Node 2 passed no barrier and opened nothing: its task ends naming a third member.
  nodes[2]!.net.closeSession(s, "timeout: party 3 sent nothing for 'node-ready' within 10000 ms")
  const e = await got as { code?: string; message?: string }
  assert.equal(e?.code, 'MPC_PEER_DISCONNECTED', String(e))
  // A messenger's notice, before our deadline: culpritOf (evidence.ts) gives it no vote.
  assert.match((e as { shortMessage?: string }).shortMessage ?? '', /^party 2 disconnected before sending 'mul#0': closed the session \(timeout: party 3 /)
  assert.ok(Date.now() - started < 6_000, `took ${Date.now() - started} ms`)
  for (const n of nodes) n.net.closeSession(s)
})

test('frames no dial could deliver for undeliverableMs are dropped: a dead member is not dialled for ever', async () => {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  const dials: string[] = []
  const net = new MpcNetwork(host, { defaultTimeoutMs: 1_000, undeliverableMs: 600, dialTimeoutMs: 200, fallbackDialMs: 100, onEvent: (e) => { if (e.kind === 'dial-failed') dials.push(e.peer) } })
  await net.start()
  hosts.push(host); nets.push(net)
  // A member that never comes up (no address, no process): our close notice to it cannot be delivered.
  const deadHost = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  const dead = deadHost.peerId.toString()
  await deadHost.stop()
  const members = [{ peerId: host.peerId.toString(), multiaddrs: [] }, { peerId: dead, multiaddrs: [] }]
  net.openSession({ session: 'to-the-dead', committee: members })
  net.closeSession('to-the-dead', 'done')
  await new Promise((r) => setTimeout(r, 2_000))
  const settled = dials.length
  assert.ok(settled >= 1, 'the notice was tried')
  await new Promise((r) => setTimeout(r, 1_500))
  assert.equal(dials.length, settled, `still dialling the dead member after ${settled} failed dials`)
})

// The engine's Transport contract suite, run against libp2p sessions among the hosts above.
let sessionCounter = 0
transportContractSuite('libp2p', async (n, options) => {
  const session = `contract-${sessionCounter++}`
  const members = committee.slice(0, n)
  return nodes.slice(0, n).map((nd) => nd.net.openSession({ session, committee: members, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }))
})
