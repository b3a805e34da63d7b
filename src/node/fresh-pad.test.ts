/**
 * Red-team test of the pad of a record handed to task committees (fresh-pad.ts). The task's
 * batch degree check of inputs (protocols `acceptDealt`) opens `ρ·x + pad` for a fresh public ρ. A
 * record re-shared with its custody pad carries the same pad into every task: an observer of two tasks
 * that use it subtracts the two openings and divides by ρ − ρ' — the record in clear. The test runs the
 * real path twice (custody sharing → `reshare` into a new committee → `freshenPad` over that committee)
 * and plays that observer: without `freshenPad` it recovers x (the attack is real), with it it does not,
 * while the handed-over value still reconstructs to x.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryNetwork } from '../engine/transport-memory.ts'
import { p61 } from '../field/index.ts'
import type { FieldVector } from '../field/types.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { reshare, createSession, type SecurityMode } from '../protocols/index.ts'
import { freshenPad } from './fresh-pad.ts'

const f = p61
const OLD = [0, 1, 2]
const NEW = [3, 4, 5]
const T = 1

/** One use: the custody shares re-shared to a new committee (3 of 6 parties), then maybe a fresh pad. */
async function handOver(custody: FieldVector[], security: SecurityMode, fresh: boolean): Promise<FieldVector[]> {
  const transports = createMemoryNetwork(6, { timeoutMs: 5_000 })
  try {
    const out = await Promise.all(transports.map((transport) => reshare({
      field: f, transport, security, oldMembers: OLD, oldT: T, newMembers: NEW, newT: T, length: 2, timeoutMs: 5_000,
      share: OLD.includes(transport.self) ? custody[transport.self]! : null,
    })))
    const received = NEW.map((p) => out[p]!)
    if (!fresh) return received
    const committee = createMemoryNetwork(3, { timeoutMs: 5_000 })
    try {
      return await Promise.all(committee.map((transport, j) =>
        freshenPad(createSession({ field: f, n: 3, t: T, transport, security, timeoutMs: 5_000 }), received[j]!)))
    } finally {
      await Promise.all(committee.map((t) => t.close()))
    }
  } finally {
    await Promise.all(transports.map((t) => t.close()))
  }
}

/** What the degree check opens for a coin ρ: ρ·x + pad, from the new committee's shares. */
function opened(shares: FieldVector[], rho: bigint): bigint {
  const z = shares.map((s) => f.fromBigInts([f.addS(f.mulS(rho, f.get(s, 0)), f.get(s, 1))]))
  return f.get(reconstruct(f, z, [0, 1, 2], T), 0)
}

for (const security of ['semi-honest', 'malicious'] as const) {
  test(`two uses of one record (${security}): the value arrives intact, and the two degree-check openings reveal it only without a fresh pad`, async () => {
    const x = 123_456_789n
    const custodyPad = f.random(1)
    const custody = split(f, f.concat([f.fromBigInts([x]), custodyPad]), 3, T)
    const [rho1, rho2] = [11n, 29n]
    const recover = (z1: bigint, z2: bigint) => f.mulS(f.subS(z1, z2), f.invS(f.subS(rho1, rho2)))

    // The attack on the naive hand-off (custody pad kept): the observer gets x.
    const [a, b] = [await handOver(custody, security, false), await handOver(custody, security, false)]
    assert.equal(recover(opened(a, rho1), opened(b, rho2)), x, 'the custody pad, reused, leaks the record')

    // With a fresh pad per use: the value is intact, the pads differ, the same attack learns nothing.
    const [c, e] = [await handOver(custody, security, true), await handOver(custody, security, true)]
    for (const use of [c, e]) assert.equal(f.get(reconstruct(f, use, [0, 1, 2], T), 0), x)
    const pads = [c, e].map((use) => f.get(reconstruct(f, use, [0, 1, 2], T), 1))
    assert.notEqual(pads[0], pads[1])
    assert.notEqual(pads[0], f.get(custodyPad, 0))
    assert.notEqual(recover(opened(c, rho1), opened(e, rho2)), x)
    // Each use's pad is itself a degree-t sharing (the batch degree check passes on it).
    for (const use of [c, e]) {
      const via01 = f.get(reconstruct(f, [use[0]!, use[1]!], [0, 1], T), 1)
      assert.equal(f.get(reconstruct(f, [use[1]!, use[2]!], [1, 2], T), 1), via01)
    }
  })
}

test('a re-run (issue #12): the input check of attempt 0 and of attempt 1 reveal nothing together once freshenPads refreshed every slot', async () => {
  const { freshenPads } = await import('./fresh-pad.ts')
  // Two client slots as dealt for attempt 0 (value, pad), re-shared to the re-run's committee.
  const xs = [987_654_321n, 42n]
  const dealt = xs.map((x) => split(f, f.concat([f.fromBigInts([x]), f.random(1)]), 3, T))
  const [rho0, rho1] = [5n, 17n]
  const recover = (z0: bigint, z1: bigint) => f.mulS(f.subS(z0, z1), f.invS(f.subS(rho0, rho1)))
  const moved = await Promise.all(dealt.map((d) => handOver(d, 'malicious', false)))
  // Without refreshing, attempt 0's opening and attempt 1's give every input away.
  xs.forEach((x, i) => assert.equal(recover(opened(dealt[i]!, rho0), opened(moved[i]!, rho1)), x))
  // freshenPads over the new committee: one random sharing per slot, in one batch.
  const committee = createMemoryNetwork(3, { timeoutMs: 5_000 })
  let fresh: FieldVector[][]
  try {
    fresh = await Promise.all(committee.map((transport, j) =>
      freshenPads(createSession({ field: f, n: 3, t: T, transport, security: 'malicious', timeoutMs: 5_000 }), moved.map((m) => m[j]!))))
  } finally {
    await Promise.all(committee.map((t) => t.close()))
  }
  xs.forEach((x, i) => {
    const slot = fresh.map((party) => party[i]!)
    assert.equal(f.get(reconstruct(f, slot, [0, 1, 2], T), 0), x)
    assert.notEqual(recover(opened(dealt[i]!, rho0), opened(slot, rho1)), x)
  })
})
