/**
 * Issue #14 step 2: the comparison trees' first level is computed locally from pair products of the
 * random bits (paired-leaves.ts, bits.ts randomBitsWithPairs).
 * - exact rounds of one lt / eq after warm-up (deterministic, so exact on any machine);
 * - the pair products equal the products of the bits, in both modes;
 * - red team (malicious): an error a party adds to a pair product only (one element of the
 *   multiplication that makes them) is caught by the final MAC check, never a wrong output; the bits
 *   that mask the opened value are untouched by it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61, p127 } from '../field/index.ts'
import type { Field } from '../field/types.ts'
import { isEnigmaError } from '../common/errors.ts'
import { inputMany, lt, eq, output, randomBitsWithPairs, lessThanPairs } from './index.ts'
import { runParties, runPartiesSettled } from './harness.test-util.ts'
import type { MpcSession, SecurityMode } from './session.ts'

async function inputs(s: MpcSession, f: Field, a: bigint[], b: bigint[]) {
  const N = a.length
  return inputMany(s, [
    { dealer: 0, values: s.self === 0 ? f.fromBigInts(a) : null, length: N },
    { dealer: 1, values: s.self === 1 ? f.fromBigInts(b) : null, length: N },
  ])
}

/** Rounds of one call of `op` on one value, after a warm-up call (session set-up, MAC key). */
async function roundsOfOne(f: Field, n: number, t: number, security: SecurityMode, op: 'lt' | 'eq'): Promise<number> {
  const rounds = await runParties({ field: f, n, t, security }, async (s) => {
    const [x, y] = await inputs(s, f, [5n], [9n])
    await lt(s, x!, y!, { bits: 32 })
    const before = s.stats.rounds
    await (op === 'lt' ? lt : eq)(s, x!, y!, { bits: 32 })
    return s.stats.rounds - before
  })
  assert.ok(rounds.every((r) => r === rounds[0]), `every party counts the same rounds: ${rounds}`)
  return rounds[0]!
}

// Random bits 1 (PRSS: no preprocessing round), masked opening 1, tree 5 (p61) / 6 (p127); malicious:
// random bits 4 (their squares verified before the opening), opening 1, tree 5.
for (const [f, n, t, security, op, want] of [
  [p61, 3, 1, 'semi-honest', 'lt', 7], [p61, 3, 1, 'semi-honest', 'eq', 7], [p61, 5, 2, 'semi-honest', 'lt', 7],
  [p127, 3, 1, 'semi-honest', 'lt', 8], [p61, 3, 1, 'malicious', 'lt', 10], [p61, 3, 1, 'malicious', 'eq', 10],
] as const) {
  test(`rounds: one ${op} in ${f.name}, ${security}, n=${n} costs exactly ${want}`, async () => {
    assert.equal(await roundsOfOne(f, n, t, security, op), want)
  })
}

for (const security of ['semi-honest', 'malicious'] as const) {
  test(`${security}: pair products equal the products of the bits they pair`, async () => {
    const f = p61
    const N = 5
    const pairs = lessThanPairs(f.bits, 0)
    const out = await runParties({ field: f, n: 3, t: 1, security }, async (s) => {
      const { bits, pairs: prods } = await randomBitsWithPairs(s, f.bits, N, pairs)
      return { bits: f.toBigInts(await output(s, bits)), prods: f.toBigInts(await output(s, prods)) }
    })
    const { bits, prods } = out[0]!
    assert.ok(bits.every((b) => b === 0n || b === 1n))
    pairs.forEach(([i, j], k) => {
      for (let v = 0; v < N; v++) assert.equal(prods[k * N + v], bits[i * N + v]! * bits[j * N + v]!, `pair (${i}, ${j}) value ${v}`)
    })
    // Both bit values occur in every pair's row somewhere over the run (the products are not constant).
    assert.ok(prods.some((p) => p === 1n) && prods.some((p) => p === 0n))
  })
}

test('red team (malicious, n=3): an error on a pair product alone is caught, never a wrong output', async () => {
  const f = p61
  const N = 2
  const L = f.bits * N
  const P = lessThanPairs(f.bits, 0).length * N
  // The second multiplication of the random-bit generation multiplies [a, r'·a, pair lefts, their MACs]
  // by [a, a, pair rights, pair rights] (L bits and P pairs over N = 2 values): its frame has 2L + 2P
  // elements; element 2L is the first pair product, 2L + P its MAC.
  for (const [target, name] of [[2 * L, 'product'], [2 * L + P, 'its MAC'], [2 * L + P - 1, 'last product']] as const) {
    let altered = 0
    const results = await runPartiesSettled({
      field: f, n: 3, t: 1, security: 'malicious', timeoutMs: 4000,
      tamper: (from, _to, label, payload) => {
        if (from !== 2 || !label.startsWith('mul#')) return undefined
        const v = f.decode(payload)
        if (f.len(v) !== 2 * L + 2 * P) return undefined
        altered++
        f.set(v, target, f.addS(f.get(v, target), 12345n))
        return f.encode(v)
      },
    }, async (s) => {
      const [x, y] = await inputs(s, f, [3n, 100n], [7n, 50n])
      return f.toBigInts(await output(s, await lt(s, x!, y!, { bits: 32 })))
    })
    assert.ok(altered > 0, `the pair-product multiplication was exercised (${name})`)
    let detected = 0
    for (const party of [0, 1]) {
      const r = results[party]!
      if (r.status === 'fulfilled') assert.deepEqual(r.value, [1n, 0n], `party ${party} returned a wrong output (${name})`)
      else if (isEnigmaError(r.reason, 'MPC_CHEATING_DETECTED')) detected++
      else assert.ok(isEnigmaError(r.reason), `unexpected error ${String(r.reason)}`)
    }
    assert.equal(detected, 2, `both honest parties detect the altered ${name}`)
  }
})

test('red team control (malicious, n=3): the same frame unaltered gives the right answer', async () => {
  const f = p61
  const out = await runParties({ field: f, n: 3, t: 1, security: 'malicious' }, async (s) => {
    const [x, y] = await inputs(s, f, [3n, 100n], [7n, 50n])
    return f.toBigInts(await output(s, await lt(s, x!, y!, { bits: 32 })))
  })
  for (const r of out) assert.deepEqual(r, [1n, 0n])
})
