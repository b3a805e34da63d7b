// Committee selection follows stake weights and never repeats a node (DESIGN.md §1 "network
// reduction"). Seeds are fixed (keccak of a counter), so the test is deterministic: the statistics
// check the sampler, they are not a coin toss on every run.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, numberToHex, parseEther, type Address } from 'viem'
import { startControllerFixture, registerActiveNodes, type ControllerFixture } from '../testing/fixture.ts'
import { selectCommittee } from './selectCommittee.ts'
import { assertRefused } from '../testing/assert.ts'

let fx: ControllerFixture
let nodes: Address[]
const WEIGHTS = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]
const DRAWS = 1000
const N = 3

before(async () => {
  fx = await startControllerFixture()
  nodes = await registerActiveNodes(fx, [2, 3, 4, 5, 6, 7, 8, 9], WEIGHTS.map((w) => parseEther('1') * w))
})
after(async () => { await fx?.stop() })

/** Exact inclusion probability of each node in a committee of n drawn by successive sampling. */
function inclusionProbabilities(weights: readonly number[], n: number): number[] {
  const p = weights.map(() => 0)
  const walk = (taken: number[], prob: number) => {
    if (taken.length === n) {
      for (const j of taken) p[j]! += prob
      return
    }
    const rest = weights.reduce((s, w, j) => (taken.includes(j) ? s : s + w), 0)
    weights.forEach((w, j) => { if (!taken.includes(j)) walk([...taken, j], (prob * w) / rest) })
  }
  walk([], 1)
  return p
}

test('stake-weighted sampling without replacement: no repeats, first picks ∝ stake, inclusion as computed exactly', async () => {
  // ~7 ms per eth_call on hardhat node; four in flight keep it busy without flooding it.
  const committees: (readonly Address[])[] = []
  let next = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < DRAWS) {
      const k = next++
      committees[k] = await selectCommittee(fx.publicClient, { address: fx.address, seed: keccak256(numberToHex(k, { size: 32 })), n: N })
    }
  }))
  const w = WEIGHTS.map(Number)
  const total = w.reduce((a, b) => a + b, 0)
  const first = nodes.map(() => 0)
  const included = nodes.map(() => 0)
  for (const c of committees) {
    assert.equal(c.length, N)
    assert.equal(new Set(c).size, N, 'a node was picked twice')
    first[nodes.indexOf(c[0]!)]! += 1
    for (const a of c) included[nodes.indexOf(a)]! += 1
  }
  // Pearson chi-square of the first pick against stake / total stake: df = 7, p = 0.001 → 24.32.
  const chi2 = first.reduce((s, o, j) => { const e = (DRAWS * w[j]!) / total; return s + ((o - e) ** 2) / e }, 0)
  assert.ok(chi2 < 24.32, `first-pick chi-square ${chi2.toFixed(2)} too large: ${first.join(',')}`)
  // Inclusion counts within 4 standard deviations of the exact successive-sampling probabilities.
  const exact = inclusionProbabilities(w, N)
  exact.forEach((p, j) => {
    const sd = Math.sqrt(DRAWS * p * (1 - p))
    assert.ok(Math.abs(included[j]! - DRAWS * p) < 4 * sd, `node ${j}: ${included[j]} vs expected ${(DRAWS * p).toFixed(1)}`)
  })
  // heavier nodes are included more often, monotonically in expectation
  assert.ok(included[7]! > included[0]! * 3)
})

test('a committee of the whole active set is a permutation; larger is refused', async () => {
  const all = await selectCommittee(fx.publicClient, { address: fx.address, seed: keccak256('0x01'), n: 8 })
  assert.deepEqual([...all].sort(), [...nodes].sort())
  await assertRefused(selectCommittee(fx.publicClient, { address: fx.address, seed: keccak256('0x01'), n: 9 }), 'NotEnoughActiveNodes', [9n, 8n])
})
