/**
 * Pools (pools.ts): requests longer than one block are made block by block straight into one pool
 * (issue #14 step 3). Equivalence: every block's sharings are consistent, both halves of each double
 * sharing hold one secret, the unused part of the earlier pool comes first and unchanged, and a
 * dealing committee spends one round per block, PRSS none.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../field/index.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { reconstruct } from '../sharing/shamir.ts'
import { runParties } from './harness.test-util.ts'
import { PREP_BLOCK, preprocess, takeDoubles, takeRandom } from './pools.ts'

const f = p61
const all = (n: number) => Array.from({ length: n }, (_, i) => i)

for (const [n, t, blockRounds] of [[4, 1, 2], [3, 1, 0]] as const) {
  test(`n=${n} t=${t}: a request of several blocks fills one pool in order, consistent, with ${blockRounds} rounds`, async () => {
    const k = n - t
    // Dealing (n = 4, no PRSS) makes PREP_BLOCK·k per round; PRSS makes PREP_BLOCK per step.
    const big = (blockRounds > 0 ? PREP_BLOCK * k : PREP_BLOCK) + 5
    const out = await runParties({ field: f, n, t, security: 'semi-honest', timeoutMs: 120_000 }, async (s) => {
      await preprocess(s, { randoms: 1, doubles: 100 })
      await takeDoubles(s, 30)
      const pool = s.doublePool!
      const left = f.len(pool.t) - pool.used
      const keptT = f.slice(pool.t, pool.used)
      const before = s.stats.rounds
      await preprocess(s, { doubles: left + big, randoms: 7 + f.len(s.randomPool!.v) - s.randomPool!.used })
      const rounds = s.stats.rounds - before
      const d = await takeDoubles(s, left + big)
      const r = await takeRandom(s, 7)
      return { keptT, t1: f.slice(d.t, 0), t2: f.slice(d.t2, 0), r: f.slice(r, 0), rounds, left }
    })
    for (const o of out) {
      assert.equal(o.rounds, blockRounds, 'rounds of the long request')
      assert.ok(f.equal(f.view(o.t1, 0, o.left), o.keptT), 'the earlier pool remainder comes first, unchanged')
    }
    checkConsistent(f, out.map((o) => o.t1), t, t)
    checkConsistent(f, out.map((o) => o.r), t, t)
    const s1 = reconstruct(f, out.map((o) => o.t1), all(n), t)
    const s2 = reconstruct(f, out.map((o) => o.t2), all(n), 2 * t)
    assert.ok(f.equal(s1, s2), 'both halves of every double sharing hold one secret')
    assert.equal(new Set(f.toBigInts(s1)).size, f.len(s1), 'no block repeated or left zero')
  })
}
