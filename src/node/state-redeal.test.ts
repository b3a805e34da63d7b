/**
 * Restart without harm, state holders (issue #12 item 4; docs/state.md "Limits"): a holder killed while
 * dealing its share of a state version into a task's hand-off, and restarted from its data directory,
 * deals again under the same session (its set of dealt sessions was in memory). Members that took part
 * of the first dealing and members that take the second must hold sub-shares of ONE polynomial.
 *
 * 1. The holder's StateKeeper, two lives on one data directory: the second life's dealing is
 *    byte-identical to the first's (a PRF of the node's key and the session, dealing-random.ts), and a
 *    dealing into another session differs. With fresh randomness per dealing this fails.
 * 2. Why it matters, on the protocol: a dealer whose first dealing reached one member and whose second
 *    reached the others. With its dealings from the PRF the malicious hand-off completes and the value
 *    is intact; with fresh randomness for the second (the control) it aborts, MPC_CHEATING_DETECTED.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract } from '../lang/index.ts'
import { getField, type RandomSource } from '../field/index.ts'
import type { FieldVector } from '../field/types.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { stateLength } from '../engine/circuit-state.ts'
import { createMemoryNetwork } from '../engine/transport-memory.ts'
import { reshare } from '../protocols/reshare.ts'
import type { Transport } from '../protocols/transport.ts'
import { isEnigmaError } from '../common/errors.ts'
import { loadOrCreateIdentity, type NodeIdentity } from './identity.ts'
import { silentLogger } from './log.ts'
import { StateStore } from './state-store.ts'
import { StateKeeper } from './state-handoff.ts'
import { stateTypeHash } from './state-type.ts'
import { dealingRandom } from './dealing-random.ts'
import { recordingNet } from './testing/recording-net.ts'
import type { StateSource } from './state-source.ts'
import type { CommitteeMember, Hex } from './task-source.ts'
import ballot from '../../examples/running-ballot.ts'

const S = `0x${'5a'.repeat(32)}` as Hex
/** The task that wrote version 1 (its committee holds it), and tasks bound to version 1. */
const WROTE = `0x${'01'.repeat(32)}` as Hex
const TASK = `0x${'02'.repeat(32)}` as Hex
const OTHER_TASK = `0x${'03'.repeat(32)}` as Hex
const circuit = compileContract(ballot, { voters: 2, candidates: 3 }).circuit
const field = getField(circuit.field)
const member = (peerId: string, index: number) => ({ index, peerId }) as CommitteeMember

/** One life of the holder's process: a StateKeeper on its data directory, until it has dealt to the three members. */
async function life(dir: string, boundTask: Hex): Promise<Map<number, string>> {
  const { identity } = await loadOrCreateIdentity(dir)
  const store = new StateStore(dir, identity)
  await store.open()
  const holders = [member(identity.peerId, 0), member('holder-1', 1), member('holder-2', 2)]
  const committee = [member('member-a', 0), member('member-b', 1), member('member-c', 2)]
  const source: StateSource = {
    bindingOf: async (id) => id === boundTask ? { stateId: S, version: 1n, typeHash: stateTypeHash(circuit), holders: { taskId: WROTE, t: 1, members: holders } } : undefined,
    stateOf: async (id) => id === S ? { stateId: S, version: 1n, versionTask: WROTE, bound: { taskId: boundTask, committee, t: 1, security: 'malicious' } } : undefined,
  }
  const sent = new Map<number, string>()
  const k = new StateKeeper({ peerId: identity.peerId, dealingKey: identity.encryptionSecretKey, net: recordingNet(identity.peerId, sent), source, store, log: silentLogger, timeoutMs: 1_000, pollMs: 20 })
  k.start()
  try {
    const end = Date.now() + 30_000
    while (sent.size < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
    assert.equal(sent.size, 3, 'the holder dealt to the three members')
    return sent
  } finally {
    k.stop() // then "killed": the dealt set goes with the process
    await store.close()
  }
}

test('a state holder restarted from its data directory deals the same dealing again into the same session, and a fresh one into another', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-redeal-'))
  try {
    const { identity } = await loadOrCreateIdentity(dir)
    const store = new StateStore(dir, identity)
    await store.open()
    await store.put({ stateId: S, version: 1n, taskId: WROTE }, field, field.fromBigInts(Array.from({ length: stateLength(circuit) }, (_, i) => BigInt(40 + i))))
    await store.close()
    const first = await life(dir, TASK)
    const again = await life(dir, TASK)
    assert.deepEqual([...again.entries()].sort(), [...first.entries()].sort())
    const other = await life(dir, OTHER_TASK)
    for (const [to, bytes] of other) assert.notEqual(bytes, first.get(to), `a dealing to member ${to} of another session must be fresh`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('dealing randomness: the same key and session give the same stream; another session, purpose or key another one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-redeal-prf-'))
  try {
    const { identity: a } = await loadOrCreateIdentity(join(dir, 'a'))
    const { identity: b } = await loadOrCreateIdentity(join(dir, 'b'))
    const draw = (id: NodeIdentity, session: string, purpose = 'state') => field.toBigInts(field.random(8, dealingRandom(id.encryptionSecretKey, purpose, session)))
    assert.deepEqual(draw(a, 's1'), draw(a, 's1'))
    assert.notDeepEqual(draw(a, 's1'), draw(a, 's2'))
    assert.notDeepEqual(draw(a, 's1'), draw(b, 's1'))
    assert.notDeepEqual(draw(a, 's1', 'other'), draw(a, 's1'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

/**
 * Holders 0..2 (t = 1) move a vector to members 3..5 (t = 1), malicious. Holder 0's first life reaches
 * member 3 only, its second life members 4 and 5; `second` gives the second life's dealing randomness.
 */
async function splitDealing(first: RandomSource, second: RandomSource): Promise<PromiseSettledResult<FieldVector | null>[]> {
  const secret = field.fromBigInts([11n, 22n, 33n, 44n])
  const shares = split(field, secret, 3, 1)
  const net = createMemoryNetwork(6, { timeoutMs: 5_000 })
  const only = (t: Transport, to: ReadonlySet<number>): Transport => ({ n: t.n, self: t.self, stats: t.stats, close: () => t.close(), receive: (f, l, o) => t.receive(f, l, o), send: (p, l, d) => { if (to.has(p)) t.send(p, l, d) } })
  const run = (transport: Transport, share: FieldVector | null, dealRandom?: RandomSource) => reshare({
    field, transport, security: 'malicious', oldMembers: [0, 1, 2], oldT: 1, newMembers: [3, 4, 5], newT: 1, share, length: 4, timeoutMs: 5_000,
    ...(dealRandom ? { dealRandom } : {}),
  })
  await run(only(net[0]!, new Set([3])), shares[0]!, first)
  await run(only(net[0]!, new Set([4, 5])), shares[0]!, second)
  const out = await Promise.allSettled(net.slice(1).map((t) => run(t, t.self < 3 ? shares[t.self]! : null)))
  if (out.every((r) => r.status === 'fulfilled')) {
    const fresh = out.slice(2).map((r) => (r as PromiseFulfilledResult<FieldVector | null>).value!)
    assert.deepEqual(field.toBigInts(reconstruct(field, [fresh[0]!, fresh[2]!], [0, 2], 1)), field.toBigInts(secret))
  }
  return out
}

test('a dealer whose two lives reached different members: identical dealings complete the malicious hand-off; fresh ones abort it (control)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-redeal-split-'))
  try {
    const { identity } = await loadOrCreateIdentity(dir)
    const prf = () => dealingRandom(identity.encryptionSecretKey, 'state', 'st:test-session')
    const same = await splitDealing(prf(), prf())
    assert.ok(same.every((r) => r.status === 'fulfilled'), String(same.find((r) => r.status === 'rejected')?.reason))
    const fresh = await splitDealing(prf(), dealingRandom(identity.encryptionSecretKey, 'state', 'another life'))
    const aborted = fresh.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)
    assert.ok(aborted.length > 0 && aborted.every((e) => isEnigmaError(e) && e.code === 'MPC_CHEATING_DETECTED'), String(aborted[0]))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
