// The hand-off of a re-run (issue #12, src/node/rerun.ts): the previous committee's survivors move every
// input share to the new committee with `reshare`, the suspended culprit left out by position
// (`excludedOld`), never reconstructing the input. Red team: the culprit deals a wrong dealing anyway
// (ignored), a survivor deals wrong shares (`bad-input-reshare`: caught, nobody gets a wrong value).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryNetwork } from '../engine/transport-memory.ts'
import { p61 } from '../field/index.ts'
import type { FieldVector } from '../field/types.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { isEnigmaError } from '../common/errors.ts'
import { reshare } from '../protocols/reshare.ts'
import type { SecurityMode } from '../protocols/session.ts'
import type { Transport } from '../protocols/transport.ts'
import { FaultyTransport } from './faults.ts'
import { attemptOf, computeSession, handoffSession } from './rerun.ts'

const f = p61
const secret = f.fromBigInts([7n, 5n, 123456789n, 1n, 2n ** 50n + 9n])
// Old committee: parties 0..4 (t = 2), culprit at position 3. New committee: survivors 0, 1, 2, 4 and a fresh node 5.
const OLD = [0, 1, 2, 3, 4]
const NEW = [0, 1, 2, 4, 5]
const CULPRIT = 3

interface Run {
  readonly security: SecurityMode
  readonly excluded?: readonly number[]
  /** Wraps a party's transport (its faults). */
  readonly wrap?: (party: number, t: Transport) => Transport
  /** Parties that run nothing (crashed). */
  readonly dead?: readonly number[]
  readonly timeoutMs?: number
  /** The exclusion list old member 4 itself passes (default `excluded`): a member that deals anyway. */
  readonly dealer4Excludes?: readonly number[]
  /** The new committee (default NEW). */
  readonly newMembers?: readonly number[]
}

async function handOff(r: Run): Promise<PromiseSettledResult<FieldVector | null>[]> {
  const shares = split(f, secret, OLD.length, 2)
  const newMembers = r.newMembers ?? NEW
  const transports = createMemoryNetwork(Math.max(...OLD, ...newMembers) + 1, { timeoutMs: r.timeoutMs ?? 3_000 })
  const results = await Promise.allSettled(transports.map(async (inner) => {
    if (r.dead?.includes(inner.self)) return null
    const transport = r.wrap ? r.wrap(inner.self, inner) : inner
    const oldPos = OLD.indexOf(inner.self)
    try {
      return await reshare({
        field: f, transport, security: r.security, length: f.len(secret), timeoutMs: r.timeoutMs ?? 3_000,
        oldMembers: OLD, oldT: 2, newMembers, newT: 2, share: oldPos >= 0 ? shares[oldPos]! : null,
        ...(r.excluded ? { excludedOld: inner.self === 4 && r.dealer4Excludes ? r.dealer4Excludes : r.excluded } : {}),
      })
    } finally {
      await inner.close()
    }
  }))
  return results
}

function newShares(results: PromiseSettledResult<FieldVector | null>[], newMembers: readonly number[] = NEW): FieldVector[] {
  return newMembers.map((m) => {
    const r = results[m]!
    if (r.status === 'rejected') throw r.reason
    assert.ok(r.value)
    return r.value
  })
}

/** The culprit still deals, with its value moved by 1 (what a cheater left out would try). */
const cheatingCulprit = (party: number, t: Transport): Transport =>
  party === CULPRIT ? new FaultyTransport(t, f, 'bad-input-reshare', { behaviour: () => 'bad-input-reshare' }) : t

for (const security of ['malicious', 'semi-honest'] as SecurityMode[]) {
  test(`${security}: the culprit left out by position; the survivors' dealings move the input to the new committee unchanged`, async () => {
    const fresh = newShares(await handOff({ security, excluded: [CULPRIT], wrap: cheatingCulprit }))
    // Any t + 1 of the new shares give the input: the survivors kept their evaluation points.
    assert.deepEqual(f.toBigInts(reconstruct(f, fresh.slice(0, 3), [0, 1, 2], 2)), f.toBigInts(secret))
    assert.deepEqual(f.toBigInts(reconstruct(f, fresh.slice(2), [2, 3, 4], 2)), f.toBigInts(secret))
  })
}

test('malicious: without the exclusion, the same cheating culprit makes the hand-off abort (so leaving it out is what lets the re-run go on)', async () => {
  const results = await handOff({ security: 'malicious', wrap: cheatingCulprit })
  for (const m of NEW) {
    const r = results[m]!
    assert.equal(r.status, 'rejected')
    assert.ok(isEnigmaError((r as PromiseRejectedResult).reason, 'MPC_CHEATING_DETECTED'), String((r as PromiseRejectedResult).reason))
  }
})

test('a crashed culprit is not waited for: the hand-off ends well before the receive deadline', async () => {
  const started = Date.now()
  const fresh = newShares(await handOff({ security: 'malicious', excluded: [CULPRIT], dead: [CULPRIT], timeoutMs: 20_000 }))
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
  assert.deepEqual(f.toBigInts(reconstruct(f, fresh.slice(1, 4), [1, 2, 3], 2)), f.toBigInts(secret))
})

// t = 2 of 5 killed at once (issue #12 item 4): both suspended before the re-run, both left out at the
// attempt's draw block (`rerun.excluded`), the new committee is the 3 survivors and 2 fresh nodes.
const TWO_DEAD = [3, 4]
const NEW_WITHOUT_BOTH = [0, 1, 2, 5, 6]
for (const security of ['malicious', 'semi-honest'] as SecurityMode[]) {
  test(`${security}: two old members killed and left out, the 3 survivors' dealings suffice (max(t+1, 2t+1−2) = 3), not waited for`, async () => {
    const started = Date.now()
    const fresh = newShares(await handOff({ security, excluded: TWO_DEAD, dead: TWO_DEAD, newMembers: NEW_WITHOUT_BOTH, timeoutMs: 20_000 }), NEW_WITHOUT_BOTH)
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
    assert.deepEqual(f.toBigInts(reconstruct(f, fresh.slice(0, 3), [0, 1, 2], 2)), f.toBigInts(secret))
    assert.deepEqual(f.toBigInts(reconstruct(f, fresh.slice(2), [2, 3, 4], 2)), f.toBigInts(secret))
  })
}

/** Old member 4 came back (restarted, or only slow) and deals, but its dealing misses new member 5. */
const dealsPartly = (party: number, t: Transport): Transport => party !== 4 ? t : {
  n: t.n, self: t.self, get stats() { return t.stats },
  send: (to, label, payload) => { if (to !== 5 || !label.endsWith('deal')) t.send(to, label, payload) },
  receive: (from, label, o) => t.receive(from, label, o),
  close: () => t.close(),
}

test('malicious: a suspended old member that deals to some new members only is harmless when every member leaves it out, fatal when only the culprit is', async () => {
  // Every member read the same list at the draw block (both suspended): member 4's dealing is ignored.
  const left = newShares(await handOff({ security: 'malicious', excluded: TWO_DEAD, dead: [3], dealer4Excludes: [3], wrap: dealsPartly, newMembers: NEW_WITHOUT_BOTH }), NEW_WITHOUT_BOTH)
  assert.deepEqual(f.toBigInts(reconstruct(f, left.slice(0, 3), [0, 1, 2], 2)), f.toBigInts(secret))
  // Only the named culprit left out: member 4's dealing is missed by one new member (≤ t, so not proven
  // faulty) and is not held by all, so 2t + 1 − 1 = 4 dealers are needed and only the 3 survivors remain.
  const results = await handOff({ security: 'malicious', excluded: [3], dead: [3], wrap: dealsPartly, newMembers: NEW_WITHOUT_BOTH, timeoutMs: 2_000 })
  for (const m of NEW_WITHOUT_BOTH) {
    const r = results[m]!
    assert.equal(r.status, 'rejected', `new member ${m}`)
    assert.ok(isEnigmaError((r as PromiseRejectedResult).reason, 'MPC_RESHARE_QUORUM'), String((r as PromiseRejectedResult).reason))
  }
})

test('bad-input-reshare: a survivor that deals wrong shares is caught by the check; no new member keeps a share', async () => {
  for (const bad of [1, 4]) { // a survivor on the new committee, and (4) one whose own sub-share is sent to itself too
    const results = await handOff({
      security: 'malicious', excluded: [CULPRIT],
      wrap: (party, t) => party === bad ? new FaultyTransport(t, f, 'bad-input-reshare', { behaviour: () => 'bad-input-reshare' }) : t,
    })
    const reasons = NEW.map((m) => {
      const r = results[m]!
      assert.equal(r.status, 'rejected', `new member ${m} accepted a share from a wrong dealing (bad ${bad})`)
      return (r as PromiseRejectedResult).reason as unknown
    })
    // The first to see the check fail aborts; the others may see it leave first (it closed its transport).
    assert.ok(reasons.some((e) => isEnigmaError(e, 'MPC_CHEATING_DETECTED')), reasons.map(String).join('; '))
    for (const e of reasons) assert.ok(isEnigmaError(e, 'MPC_CHEATING_DETECTED') || isEnigmaError(e, 'MPC_PEER_DISCONNECTED'), String(e))
  }
})

test('sessions: every attempt has its own hand-off and computation session, attempt 0 keeps the task id', () => {
  const taskId = `0x${'ab'.repeat(32)}` as const
  assert.equal(computeSession({ taskId }), taskId)
  assert.equal(attemptOf({}), 0)
  assert.equal(computeSession({ taskId, attempt: 2 }), `${taskId}/a2`)
  assert.equal(handoffSession({ taskId, attempt: 1 }), `rr:${taskId}:1`)
  assert.notEqual(handoffSession({ taskId, attempt: 1 }), handoffSession({ taskId, attempt: 2 }))
  assert.ok(Buffer.byteLength(handoffSession({ taskId, attempt: 2 })) <= 255)
})
