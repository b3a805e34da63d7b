/**
 * Restart without harm, state holders (issue #12 item 4; docs/state.md "Limits"): a holder killed while
 * dealing its share of a state version into a task's hand-off, and restarted from its data directory,
 * deals again under the same session (its set of dealt sessions was in memory). Here, over real libp2p
 * hosts and real StateKeepers: the holder's first life reaches only member A (B and C get nothing, as
 * when the process dies mid-send) and dies without a word; its second life (same key, same port, same
 * store) deals to everyone. A therefore holds the first dealing, B and C the second. With fresh
 * randomness per dealing they are two different polynomials and the malicious hand-off aborts with
 * MPC_CHEATING_DETECTED (semi-honest would even hand on a wrong sharing); with the dealing randomness a
 * PRF of the holder's key and the session (dealing-random.ts) both dealings are the same, the hand-off
 * completes, and the members' shares reconstruct the version.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract } from '../lang/index.ts'
import { getField } from '../field/index.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { stateLength } from '../engine/circuit-state.ts'
import { createHost, type NodeHost } from './host.ts'
import { MpcNetwork } from './mpc-network.ts'
import { loadOrCreateIdentity, type NodeIdentity } from './identity.ts'
import { silentLogger } from './log.ts'
import { StateStore } from './state-store.ts'
import { StateKeeper, type MemberState } from './state-handoff.ts'
import { stateTypeHash } from './state-type.ts'
import { dealingRandom } from './dealing-random.ts'
import type { StateSource } from './state-source.ts'
import type { Transport } from '../protocols/transport.ts'
import type { CommitteeMember, Hex, TaskSpec } from './task-source.ts'
import ballot from '../../examples/running-ballot.ts'

const S = `0x${'5a'.repeat(32)}` as Hex
/** The task that wrote version 1 (its committee holds it), and the task bound to version 1 now. */
const WROTE = `0x${'01'.repeat(32)}` as Hex
const TASK = `0x${'02'.repeat(32)}` as Hex
const circuit = compileContract(ballot, { voters: 2, candidates: 3 }).circuit
const field = getField(circuit.field)

const cleanup: (() => Promise<unknown>)[] = []
after(async () => { for (const c of cleanup.reverse()) await c().catch(() => {}) })

interface Party { identity: NodeIdentity; store: StateStore; host: NodeHost; net: MpcNetwork; member: CommitteeMember }

async function party(root: string, name: string, index: number, port = 0): Promise<Party> {
  const dir = join(root, name)
  const { identity } = await loadOrCreateIdentity(dir)
  const store = new StateStore(dir, identity)
  await store.open()
  cleanup.push(() => store.close())
  return { identity, store, ...(await online(identity, index, port)) }
}

/** A (re)started process's network: the node's own key, on `port` (0: any). */
async function online(identity: NodeIdentity, index: number, port: number) {
  const host = await createHost({ privateKey: identity.libp2pKey, listen: [`/ip4/127.0.0.1/tcp/${port}`] })
  const net = new MpcNetwork(host, { defaultTimeoutMs: 10_000 })
  await net.start()
  cleanup.push(async () => host.stop(), async () => net.stop())
  const member: CommitteeMember = { index, peerId: identity.peerId, encryptionKey: `0x${Buffer.from(identity.encryptionPublicKey).toString('hex')}`, account: identity.account.address, multiaddrs: host.getMultiaddrs().map(String) } as CommitteeMember
  return { host, net, member }
}

function keeper(p: { identity: NodeIdentity; store: StateStore }, net: MpcNetwork, source: StateSource): StateKeeper {
  const k = new StateKeeper({ peerId: p.identity.peerId, dealingKey: p.identity.encryptionSecretKey, net, source, store: p.store, log: silentLogger, timeoutMs: 60_000, pollMs: 50 })
  cleanup.push(async () => k.stop())
  return k
}

/** The network of a process that dies mid-dealing: its frames reach only `reach` (party indices of the hand-off), and it never closes a session. */
function dyingNet(net: MpcNetwork, reach: ReadonlySet<number>, onSent: () => void): MpcNetwork {
  return new Proxy(net, {
    get(target, prop) {
      if (prop === 'openSession') {
        return (o: Parameters<MpcNetwork['openSession']>[0]) => {
          const t = target.openSession(o) as Transport
          return new Proxy(t, {
            get(tt, q) {
              if (q === 'send') return (to: number, label: string, payload: Uint8Array) => { if (reach.has(to)) { tt.send(to, label, payload); onSent() } }
              const v = Reflect.get(tt, q, tt) as unknown
              return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(tt) : v
            },
          })
        }
      }
      if (prop === 'closeSession') return () => {}
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

test('dealing randomness: the same key and session give the same stream; another session or key another one', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-redeal-prf-'))
  cleanup.push(() => rm(root, { recursive: true, force: true }))
  const { identity: a } = await loadOrCreateIdentity(join(root, 'a'))
  const { identity: b } = await loadOrCreateIdentity(join(root, 'b'))
  const draw = (id: NodeIdentity, session: string) => field.toBigInts(field.random(8, dealingRandom(id.encryptionSecretKey, 'state', session)))
  assert.deepEqual(draw(a, 's1'), draw(a, 's1'))
  assert.notDeepEqual(draw(a, 's1'), draw(a, 's2'))
  assert.notDeepEqual(draw(a, 's1'), draw(b, 's1'))
  assert.notDeepEqual(field.toBigInts(field.random(8, dealingRandom(a.encryptionSecretKey, 'other', 's1'))), draw(a, 's1'))
})

test('a state holder killed mid-dealing and restarted deals the same again: the malicious hand-off completes, no abort, the version intact', { timeout: 120_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-redeal-'))
  cleanup.push(() => rm(root, { recursive: true, force: true }))
  const holders = await Promise.all(['h0', 'h1', 'h2'].map((n, i) => party(root, n, i)))
  const members = await Promise.all(['a', 'b', 'c'].map((n, i) => party(root, n, i)))
  // Version 1 of the state, shared t = 1 among the three holders (the committee of the task that wrote it).
  const secret = field.fromBigInts(Array.from({ length: stateLength(circuit) }, (_, i) => BigInt(1000 + 7 * i)))
  const shares = split(field, secret, 3, 1)
  await Promise.all(holders.map((h, i) => h.store.put({ stateId: S, version: 1n, taskId: WROTE }, field, shares[i]!)))
  const committee = members.map((m) => m.member)
  const source: StateSource = {
    bindingOf: async (id) => id === TASK ? { stateId: S, version: 1n, typeHash: stateTypeHash(circuit), holders: { taskId: WROTE, t: 1, members: holders.map((h) => h.member) } } : undefined,
    stateOf: async (id) => id === S ? { stateId: S, version: 1n, versionTask: WROTE, bound: { taskId: TASK, committee, t: 1, security: 'malicious' } } : undefined,
  }

  // The members open the hand-off first (as the runner does when it takes the task) and wait for the dealings.
  const spec = { taskId: TASK, committee, t: 1, security: 'malicious' } as unknown as TaskSpec
  const obtained = Promise.allSettled(members.map((m) => keeper(m, m.net, source).forTask(spec, circuit, AbortSignal.timeout(100_000))))

  // Life 1 of holder 0: its dealing reaches member A only (hand-off party 3 = the first new member), then it dies.
  const victim = holders[0]!
  let sent = false
  const first = keeper(victim, dyingNet(victim.net, new Set([3]), () => { sent = true }), source)
  first.start()
  // Dead only once A really has the frame (on the wire, then a moment to be read).
  const framesAtA = () => members[0]!.net.totals.framesReceived
  const before = framesAtA()
  while (!sent || victim.net.totals.framesSent === 0 || framesAtA() === before) await new Promise((r) => setTimeout(r, 20))
  first.stop()
  await victim.host.stop()
  // Life 2: same key, same store, same port (its peers know that address); it deals again.
  const port = Number(/\/tcp\/(\d+)/.exec(victim.member.multiaddrs![0]!)![1])
  const second = await online(victim.identity, 0, port)
  keeper(victim, second.net, source).start()
  for (const h of holders.slice(1)) keeper(h, h.net, source).start()

  const got = await obtained
  for (const g of got) if (g.status === 'rejected') throw g.reason
  const fresh = got.map((g) => (g as PromiseFulfilledResult<MemberState>).value.shares)
  for (const pair of [[0, 1], [1, 2], [0, 2]] as const) {
    assert.deepEqual(field.toBigInts(reconstruct(field, pair.map((i) => fresh[i]!), [...pair], 1)), field.toBigInts(secret))
  }
})
