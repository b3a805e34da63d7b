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
}

async function handOff(r: Run): Promise<PromiseSettledResult<FieldVector | null>[]> {
  const shares = split(f, secret, OLD.length, 2)
  const transports = createMemoryNetwork(6, { timeoutMs: r.timeoutMs ?? 3_000 })
  const results = await Promise.allSettled(transports.map(async (inner) => {
    if (r.dead?.includes(inner.self)) return null
    const transport = r.wrap ? r.wrap(inner.self, inner) : inner
    const oldPos = OLD.indexOf(inner.self)
    try {
      return await reshare({
        field: f, transport, security: r.security, length: f.len(secret), timeoutMs: r.timeoutMs ?? 3_000,
        oldMembers: OLD, oldT: 2, newMembers: NEW, newT: 2, share: oldPos >= 0 ? shares[oldPos]! : null,
        ...(r.excluded ? { excludedOld: r.excluded } : {}),
      })
    } finally {
      await inner.close()
    }
  }))
  return results
}

function newShares(results: PromiseSettledResult<FieldVector | null>[]): FieldVector[] {
  return NEW.map((m) => {
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
