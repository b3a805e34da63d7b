// The planner's figures (issue #13 §3) against three independent references: the hypergeometric law
// computed exactly with BigInt (equal stakes), an exact BigInt-rational run of the same Markov chain
// (unequal stakes, tails far below 1e-9), and a Monte-Carlo run of the controller's own draw rule
// (keccak256(seed, k) mod remaining stake) on integer stakes. Seeds are fixed: deterministic.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { corruptCountDistributions, failureProbability, plan, stakeModel, thresholdFor, type StakeModel } from './committee-planner.ts'
import { drawCommittee, simulateCommittees, stakesOf } from './committee-planner-simulate.ts'
import { planSvg } from './committee-planner-svg.ts'
import { isEnigmaError } from '../common/errors.ts'

function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n
  let r = 1n
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i)
  return r
}

/** P(c > t) for a hypergeometric draw of n from H honest + C corrupt, as an exact fraction → double. */
function hypergeometricTail(H: number, C: number, n: number): number {
  const t = thresholdFor(n)
  let num = 0n
  for (let c = t + 1; c <= Math.min(n, C); c++) num += binom(C, c) * binom(H, n - c)
  return ratio(num, binom(H + C, n))
}

/** num/den as a double with full relative precision even when both exceed 2^1024. */
function ratio(num: bigint, den: bigint): number {
  if (num === 0n) return 0
  const shift = BigInt(Math.max(0, den.toString(2).length - num.toString(2).length + 60))
  return Number((num << shift) / den) / 2 ** Number(shift)
}

/** The same chain with integer stakes sh (honest) and sc (corrupt), in exact rationals. */
function exactTail(H: number, C: number, sh: bigint, sc: bigint, n: number): number {
  // dist as fractions over a common running denominator per step.
  let nums: bigint[] = [1n]
  let den = 1n
  for (let k = 0; k < n; k++) {
    const next = new Array<bigint>(k + 2).fill(0n)
    // The remaining stake depends on c; use the product of all remaining totals as a common denominator.
    const totals = nums.map((_, c) => BigInt(C - c) * sc + BigInt(H - (k - c)) * sh)
    const lcm = totals.reduce((a, b) => a * b, 1n)
    for (let c = 0; c <= k; c++) {
      if (nums[c] === 0n) continue
      const scaleTo = lcm / totals[c]!
      next[c + 1]! += nums[c]! * BigInt(C - c) * sc * scaleTo
      next[c]! += nums[c]! * BigInt(H - (k - c)) * sh * scaleTo
    }
    nums = next
    den *= lcm
  }
  const t = thresholdFor(n)
  return ratio(nums.slice(t + 1).reduce((a, b) => a + b, 0n), den)
}

const relClose = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: ${got} vs ${want} (rel ${(Math.abs(got - want) / want).toExponential(2)})`)

test('equal stakes: the planner is the hypergeometric law, to 1e-12 relative, tails down to 1e-30', () => {
  for (const [N, C] of [[20, 4], [100, 20], [100, 33], [300, 60], [1000, 100]] as const) {
    const model = stakeModel({ nodes: N, corrupt: C / N, corruptNodes: C })
    const dists = corruptCountDistributions(model, Math.min(N, 101))
    for (let n = 3; n < dists.length; n += 2) {
      const want = hypergeometricTail(N - C, C, n)
      const got = dists[n]!.slice(thresholdFor(n) + 1).reduce((a, b) => a + b, 0)
      if (want < 1e-30) continue
      relClose(got, want, 1e-12, `N=${N} C=${C} n=${n}`)
    }
  }
})

test('unequal stakes: the planner equals an exact BigInt-rational run of the chain near and below 1e-9', () => {
  // 40 honest nodes of stake 3, 10 corrupt nodes of stake 2: corrupt stake 20/140.
  const H = 40, C = 10, sh = 3n, sc = 2n
  const model: StakeModel = { honest: H, corrupt: C, corruptStake: 20 / 140 }
  let sawTiny = false
  for (const n of [3, 5, 9, 15, 21, 27]) {
    const want = exactTail(H, C, sh, sc, n)
    if (want < 1e-9) sawTiny = true
    relClose(failureProbability(model, n), want, 1e-12, `n=${n}`)
  }
  assert.ok(sawTiny, 'the case reaches tails below 1e-9')
})

test('Monte-Carlo of the controller rule agrees with the planner (counts within 5 sigma)', () => {
  // An adversary with 30 % of the stake split over 6 of 20 nodes, unequal to the honest per-node stake.
  const model = stakeModel({ nodes: 20, corrupt: 0.3, corruptNodes: 6 })
  const trials = 3_000
  for (const n of [5, 9]) {
    const sim = simulateCommittees(model, n, trials, `planner-test-${n}`)
    const dist = corruptCountDistributions(model, n)[n]!
    for (let c = 0; c <= n; c++) {
      const p = dist[c]!
      const sd = Math.sqrt(trials * p * (1 - p))
      assert.ok(Math.abs(sim.counts[c]! - trials * p) <= 5 * sd + 1, `n=${n} c=${c}: ${sim.counts[c]} vs ${(trials * p).toFixed(1)}`)
    }
    const pf = failureProbability(model, n)
    const sd = Math.sqrt(trials * pf * (1 - pf))
    assert.ok(Math.abs(sim.failures - trials * pf) <= 5 * sd + 1, `n=${n} failures ${sim.failures} vs ${(trials * pf).toFixed(1)}`)
    assert.ok(sim.failures > 0, 'the case is not trivially safe')
  }
})

test('drawCommittee never repeats a node and respects stake: a zero-stake node is never drawn', () => {
  const stakes = [5n, 0n, 7n, 1n, 0n, 9n]
  for (let i = 0; i < 200; i++) {
    const seed = `0x${i.toString(16).padStart(64, '0')}` as const
    const c = drawCommittee(seed, stakes, 4)
    assert.equal(new Set(c).size, 4)
    assert.ok(!c.includes(1) && !c.includes(4), 'a zero-stake node was drawn')
  }
  assert.deepEqual(stakesOf({ honest: 2, corrupt: 1, corruptStake: 0.5 }).map((s) => s > 0n), [true, true, true])
})

test('plan: the recommended size is the smallest meeting the target; the size before it does not', () => {
  const r = plan({ nodes: 200, corrupt: 0.1, target: 1e-9 })
  assert.ok(r.recommended !== undefined, "a size meets the target")
  const row = r.rows.find((x) => x.n === r.recommended)!
  assert.ok(row.failure <= 1e-9 && row.allowed, `n=${row.n}`)
  for (const x of r.rows) if (x.n < r.recommended!) assert.ok(x.failure > 1e-9, `n=${x.n} meets the target but was not chosen`)
  // More corrupt stake needs a larger committee.
  const worse = plan({ nodes: 200, corrupt: 0.12, target: 1e-9 })
  assert.ok(worse.recommended !== undefined && worse.recommended > r.recommended!, `${worse.recommended} vs ${r.recommended}`)
  // The controller's bounds (docs/committee-selection.md): n ≤ 32 and n · seatRatio ≤ active nodes.
  const capped = plan({ nodes: 200, corrupt: 0.2, target: 1e-9 })
  assert.equal(capped.recommended, undefined, '20 % needs n ≈ 37 > 32: no allowed size')
  assert.ok(capped.rows.some((x) => x.meetsTarget && !x.allowed), "sizes above 32 meet it but are refused")
  const ratio = plan({ nodes: 100, corrupt: 0.05, target: 1e-6, seatRatio: 4 })
  for (const x of ratio.rows) assert.equal(x.allowed, x.n <= 25, `n=${x.n}`)
  // No adversary: any committee is safe.
  assert.equal(plan({ nodes: 10, corrupt: 0 }).recommended, 3)
  // One size only.
  assert.deepEqual(plan({ nodes: 50, corrupt: 0.1, committee: 7 }).rows.map((x) => x.n), [7])
})

test('plan refuses nonsense with PLANNER_USAGE', () => {
  for (const p of [{ nodes: 0, corrupt: 0.1 }, { nodes: 10, corrupt: 1 }, { nodes: 10, corrupt: -0.1 }, { nodes: 10, corrupt: 0.1, committee: 11 }, { nodes: 10, corrupt: 0.1, target: 0 }, { nodes: 10, corrupt: 0.1, corruptNodes: 10 }]) {
    assert.throws(() => plan(p), (e) => isEnigmaError(e, 'PLANNER_USAGE'))
  }
})

test('planSvg draws one point per row and the target line, and escapes nothing it should not', () => {
  const r = plan({ nodes: 60, corrupt: 0.15, target: 1e-6 })
  const svg = planSvg(r)
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  assert.equal((svg.match(/<circle /g) ?? []).length, r.rows.filter((x) => x.failure > 0).length)
  assert.match(svg, /target 1e-6/)
})
