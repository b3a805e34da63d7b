// Committee selection follows stake weights and never repeats a node (DESIGN.md §1 "network
// reduction"). Seeds are fixed (keccak of a counter), so the test is deterministic: the statistics
// check the sampler, they are not a coin toss on every run. The Fenwick-tree descent of the
// contract must agree draw for draw with the linear rule of docs/committee-selection.md
// (src/chain/selection.ts), also after the active set changed (swap-and-pop, stake top-ups).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, numberToHex, parseEther, type Address } from 'viem'
import { startControllerFixture, registerActiveNodes, type ControllerFixture } from '../testing/fixture.ts'
import { selectCommittee } from './selectCommittee.ts'
import { getActiveNodes } from './getActiveNodes.ts'
import { getNode } from './getNode.ts'
import { setActive } from './setActive.ts'
import { stake } from './stake.ts'
import { createTask } from './createTask.ts'
import { assertRefused } from '../testing/assert.ts'
import { selectPositions } from '../selection.ts'
import { readController } from '../internal/read.ts'

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

async function draws(count: number, n: number, offset = 0): Promise<(readonly Address[])[]> {
  // ~7 ms per eth_call on hardhat node; four in flight keep it busy without flooding it.
  const out: (readonly Address[])[] = []
  let next = 0
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < count) {
      const k = next++
      out[k] = await selectCommittee(fx.publicClient, { address: fx.address, seed: keccak256(numberToHex(k + offset, { size: 32 })), n })
    }
  }))
  return out
}

test('stake-weighted sampling without replacement: no repeats, first picks ∝ stake, inclusion as computed exactly', async () => {
  const committees = await draws(DRAWS, N)
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

test('the Fenwick descent equals the linear rule of docs/committee-selection.md, also after removals and top-ups', async () => {
  const check = async (label: string) => {
    const set = await getActiveNodes(fx.publicClient, { address: fx.address })
    const weights = await Promise.all(set.nodes.map(async (a) => (await getNode(fx.publicClient, { address: fx.address, node: a })).stake))
    assert.equal(weights.reduce((a, b) => a + b, 0n), set.totalActiveStake)
    assert.equal(await readController<bigint>('prefixStake', fx.publicClient, { address: fx.address }, 'prefixStake', [BigInt(set.nodes.length)]), set.totalActiveStake, label)
    const n = Math.min(5, set.nodes.length)
    const onChain = await draws(60, n, 5000)
    onChain.forEach((c, k) => {
      const expected = selectPositions(keccak256(numberToHex(k + 5000, { size: 32 })), weights, n).map((j) => set.nodes[j]!)
      assert.deepEqual(c, expected, `${label}, seed ${k}`)
    })
  }
  await check('initial')
  await setActive(fx.wallet(4), { address: fx.address, active: false }) // from the middle: swap-and-pop
  await stake(fx.wallet(9), { address: fx.address, amount: parseEther('3') + 17n })
  await setActive(fx.wallet(2), { address: fx.address, active: false }) // the first position
  await check('after two removals and a top-up')
  await setActive(fx.wallet(4), { address: fx.address, active: true })
  await setActive(fx.wallet(2), { address: fx.address, active: true })
  await check('after rejoining')
})

test('the seat bound: with minActivePerSeat = 4 a committee may take at most a quarter of the active set', async () => {
  const capped = await startControllerFixture({ config: { minActivePerSeat: 4 } })
  try {
    await registerActiveNodes(capped, [2, 3, 4, 5, 6, 7, 8, 9, 10, 10 + 1, 12, 13], [parseEther('1')])
    const p = {
      address: capped.address, codeHash: keccak256('0x01'), params: {}, n: 3, t: 1, security: 'semi-honest' as const, multiplications: 0n, rounds: 0,
      inputSlots: [], deadline: (await capped.now()) + 3600n, fee: parseEther('0.1'),
    }
    await createTask(capped.wallet(14), p) // 12 ≥ 3 · 4
    await setActive(capped.wallet(13), { address: capped.address, active: false })
    await assertRefused(createTask(capped.wallet(14), p), 'NotEnoughActiveNodes', [12n, 11n])
  } finally {
    await capped.stop()
  }
})
