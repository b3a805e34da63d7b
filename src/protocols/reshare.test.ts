import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryNetwork, type TamperHook } from '../engine/transport-memory.ts'
import { p61, p127 } from '../field/index.ts'
import type { Field, FieldVector } from '../field/types.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { isEnigmaError } from '../common/errors.ts'
import { reshare, requiredDealers } from './reshare.ts'
import type { SecurityMode } from './session.ts'

interface HandOff {
  readonly field: Field
  readonly security: SecurityMode
  readonly old: { members: number[]; t: number; shares: FieldVector[] }
  readonly next: { members: number[]; t: number }
  readonly total: number
  readonly length: number
  readonly tamper?: TamperHook
  readonly silent?: number[]
  readonly timeoutMs?: number
}

/** Runs one hand-off for every party of the union; each party's outcome (new share, null, or error). */
async function runHandOff(h: HandOff): Promise<PromiseSettledResult<FieldVector | null>[]> {
  const transports = createMemoryNetwork(h.total, { tamper: h.tamper, silent: h.silent, timeoutMs: h.timeoutMs ?? 2_000 })
  const results = await Promise.allSettled(transports.map(async (transport) => {
    const oldPos = h.old.members.indexOf(transport.self)
    if (oldPos < 0 && !h.next.members.includes(transport.self)) return null
    if (h.silent?.includes(transport.self)) return null
    try {
      return await reshare({
        field: h.field, transport, security: h.security, length: h.length, timeoutMs: h.timeoutMs ?? 2_000,
        oldMembers: h.old.members, oldT: h.old.t, newMembers: h.next.members, newT: h.next.t,
        share: oldPos >= 0 ? h.old.shares[oldPos]! : null,
      })
    } catch (e) {
      await transport.close()
      throw e
    }
  }))
  await Promise.all(transports.map((t) => t.close()))
  return results
}

/** The new committee's shares in its order (throws on any new member's failure). */
function newShares(h: HandOff, results: PromiseSettledResult<FieldVector | null>[]): FieldVector[] {
  return h.next.members.map((m) => {
    const r = results[m]!
    if (r.status === 'rejected') throw r.reason
    assert.ok(r.value, `new member ${m} got a share`)
    return r.value
  })
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => from + k)
}

const cases: { name: string; oldN: number; oldT: number; newN: number; newT: number; layout: 'disjoint' | 'overlap' | 'same' }[] = [
  { name: '3→3 refresh', oldN: 3, oldT: 1, newN: 3, newT: 1, layout: 'same' },
  { name: '5→5 refresh', oldN: 5, oldT: 2, newN: 5, newT: 2, layout: 'same' },
  { name: '5→7 disjoint', oldN: 5, oldT: 2, newN: 7, newT: 3, layout: 'disjoint' },
  { name: '7→3 disjoint', oldN: 7, oldT: 3, newN: 3, newT: 1, layout: 'disjoint' },
  { name: '5→5 overlapping', oldN: 5, oldT: 2, newN: 5, newT: 2, layout: 'overlap' },
  { name: '3→7 overlapping', oldN: 3, oldT: 1, newN: 7, newT: 3, layout: 'overlap' },
]

function layoutOf(c: (typeof cases)[number]): { oldMembers: number[]; newMembers: number[]; total: number } {
  if (c.layout === 'same') return { oldMembers: range(0, c.oldN), newMembers: range(0, c.newN), total: c.oldN }
  if (c.layout === 'disjoint') return { oldMembers: range(0, c.oldN), newMembers: range(c.oldN, c.newN), total: c.oldN + c.newN }
  // Overlap: the new committee keeps the last two old members, in another order, and adds newcomers.
  const keep = [c.oldN - 1, c.oldN - 2]
  const newMembers = [...keep, ...range(c.oldN, c.newN - keep.length)].reverse()
  return { oldMembers: range(0, c.oldN), newMembers, total: c.oldN + c.newN - keep.length }
}

for (const field of [p61, p127]) {
  for (const security of ['semi-honest', 'malicious'] as const) {
    for (const c of cases) {
      test(`reshare ${c.name} (${field.name}, ${security}): a fresh degree-t_new sharing of the same values`, async () => {
        const { oldMembers, newMembers, total } = layoutOf(c)
        const secret = field.random(40)
        const h: HandOff = { field, security, total, length: 40, old: { members: oldMembers, t: c.oldT, shares: split(field, secret, c.oldN, c.oldT) }, next: { members: newMembers, t: c.newT } }
        const shares = newShares(h, await runHandOff(h))
        checkConsistent(field, shares, c.newT, c.newT)
        assert.ok(field.equal(reconstruct(field, shares, range(0, c.newN), c.newT), secret))
        // Fresh randomness: no new share equals an old one of the same position.
        const oldShares = h.old.shares
        for (let j = 0; j < Math.min(c.oldN, c.newN); j++) assert.ok(!field.equal(shares[j]!, oldShares[j]!))
      })
    }
  }
}

test('three successive epochs, each losing t custodians mid-hand-off (silent after dealing to some): the value survives', async () => {
  const f = p61
  const secret = f.random(16)
  let members = range(0, 5)
  let shares = split(f, secret, 5, 2)
  for (let epoch = 0; epoch < 3; epoch++) {
    // Two old members die mid-hand-off: one dealt to nobody, one dealt only to the first new member.
    const newMembers = range(5, 5)
    const dead = [members[1]!, members[3]!]
    const partial = members[3]!
    const tamper: TamperHook = (from, to) => (from === dead[0] || (from === partial && to !== newMembers[0]) ? null : undefined)
    const h: HandOff = { field: f, security: 'malicious', total: 10, length: 16, old: { members, t: 2, shares }, next: { members: newMembers, t: 2 }, tamper }
    const results = await runHandOff(h)
    shares = newShares(h, results)
    members = range(0, 5)
    assert.ok(f.equal(reconstruct(f, shares, members, 2), secret), `epoch ${epoch}`)
  }
})

test('malicious: an old member that deals a wrong share (consistent degree, shifted value) is caught, no value moves', async () => {
  const f = p61
  const secret = f.random(8)
  const old = split(f, secret, 5, 2)
  // Party 0 deals share + δ with a perfectly consistent degree-t_new polynomial: only the syndrome shows it.
  const shifted = old.map((s, i) => (i === 0 ? f.addScalar(s, 5n) : s))
  const h: HandOff = { field: f, security: 'malicious', total: 10, length: 8, old: { members: range(0, 5), t: 2, shares: shifted }, next: { members: range(5, 5), t: 2 } }
  const results = await runHandOff(h)
  for (const m of h.next.members) {
    const r = results[m]!
    assert.equal(r.status, 'rejected')
    assert.ok(isEnigmaError((r as PromiseRejectedResult).reason, 'MPC_CHEATING_DETECTED'), String((r as PromiseRejectedResult).reason))
    assert.deepEqual(((r as PromiseRejectedResult).reason as { meta: { parties: number[] } }).meta.parties, [], 'nobody is named without evidence')
  }
})

test('malicious: two colluding old members (t = 2) shift their dealt constants onto another degree-2 polynomial: caught', async () => {
  const f = p61
  const secret = f.random(4)
  const old = split(f, secret, 5, 2)
  // g = P + Δ with Δ of degree 2 vanishing at the honest points 3 and 4 (x = 4, 5) and Δ(0) = 7·const:
  // the corrupt parties 0, 1 and party 2's value would all lie on g — but party 2 is honest, so the
  // dealt constants (P at 2, g at 0 and 1) are not one polynomial and the syndrome is nonzero.
  const delta = (x: bigint) => f.mulS(7n, f.mulS(f.subS(x, 4n), f.subS(x, 5n)))
  const shifted = old.map((s, i) => (i <= 1 ? f.addScalar(s, delta(BigInt(i + 1))) : s))
  const h: HandOff = { field: f, security: 'malicious', total: 10, length: 4, old: { members: range(0, 5), t: 2, shares: shifted }, next: { members: range(5, 5), t: 2 } }
  const results = await runHandOff(h)
  for (const m of h.next.members) assert.equal(results[m]!.status, 'rejected')
})

test('malicious: colluding new members who hide honest dealings cannot shrink the dealers below the quorum', async () => {
  const f = p61
  const secret = f.random(4)
  const old = split(f, secret, 5, 2)
  // New members 5 and 6 (corrupt, t_new = 2) claim they never got the dealings of honest old members 3 and 4;
  // old members 0 and 1 are corrupt and shift their constants. With D = {0, 1, 2} (t_old + 1 dealers, no
  // redundancy) the shift would go unseen and the new committee would hold a different value.
  const lie: TamperHook = (from, _to, label, payload) => {
    if ((from === 5 || from === 6) && label.includes('present')) {
      const bits = f.decode(payload)
      for (const k of [3, 4]) f.set(bits, k, 0n)
      return f.encode(bits)
    }
    return undefined
  }
  const shifted = old.map((s, i) => (i <= 1 ? f.addScalar(s, 9n) : s))
  const h: HandOff = { field: f, security: 'malicious', total: 10, length: 4, tamper: lie, old: { members: range(0, 5), t: 2, shares: shifted }, next: { members: range(5, 5), t: 2 } }
  const results = await runHandOff(h)
  for (const m of [7, 8, 9]) {
    const r = results[m]!
    assert.equal(r.status, 'rejected', 'honest new members refuse')
    assert.ok(isEnigmaError((r as PromiseRejectedResult).reason, 'MPC_RESHARE_QUORUM'))
  }
})

test('malicious: a new member that lies about its check value makes the hand-off abort, never a wrong share', async () => {
  const f = p61
  const secret = f.random(4)
  const h: HandOff = {
    field: f, security: 'malicious', total: 10, length: 4, old: { members: range(0, 5), t: 2, shares: split(f, secret, 5, 2) }, next: { members: range(5, 5), t: 2 },
    tamper: (from, _to, label, payload) => (from === 6 && label.includes('check') ? f.encode(f.addScalar(f.decode(payload), 1n)) : undefined),
  }
  const results = await runHandOff(h)
  for (const m of [5, 7, 8, 9]) assert.equal(results[m]!.status, 'rejected')
})

test('malicious: an old member dealing off degree to the new committee is caught', async () => {
  const f = p61
  const h: HandOff = {
    field: f, security: 'malicious', total: 10, length: 4, old: { members: range(0, 5), t: 2, shares: split(f, f.random(4), 5, 2) }, next: { members: range(5, 5), t: 2 },
    tamper: (from, to, label, payload) => (from === 0 && to === 9 && label.includes('deal') ? f.encode(f.addScalar(f.decode(payload), 3n)) : undefined),
  }
  const results = await runHandOff(h)
  for (const m of [5, 6, 7, 8]) assert.equal(results[m]!.status, 'rejected')
})

test('requiredDealers: 2t+1 less the proven faulty in malicious mode, never below t+1', () => {
  assert.equal(requiredDealers('malicious', 2, 0), 5)
  assert.equal(requiredDealers('malicious', 2, 1), 4)
  assert.equal(requiredDealers('malicious', 2, 2), 3)
  assert.equal(requiredDealers('malicious', 2, 5), 3)
  assert.equal(requiredDealers('semi-honest', 2, 0), 3)
})
