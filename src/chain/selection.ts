/**
 * The committee selection rule of docs/committee-selection.md, in TypeScript: the linear-walk form
 * of what the controller computes with its Fenwick tree. Used to check the contract (they must agree
 * draw for draw) and to simulate seat shares (the stake-splitting bound of docs/controller.md).
 */
import { encodeAbiParameters, keccak256, type Hex } from 'viem'
import { InvalidArgumentError } from '../common/errors.ts'

/** keccak256(abi.encode(randomness, taskId)): the seed of a task's draw. */
export function committeeSeed(randomness: Hex, taskId: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }], [randomness, taskId]))
}

/** The k-th 256-bit draw of a seed: uint256(keccak256(abi.encode(seed, k))). */
export function drawValue(seed: Hex, k: number): bigint {
  return BigInt(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [seed, BigInt(k)])))
}

/**
 * Positions (0-based, in active-set order) of the n members drawn for `seed` from `weights`:
 * stake-weighted sequential sampling without replacement, member k = party k.
 */
export function selectPositions(seed: Hex, weights: readonly bigint[], n: number): number[] {
  if (n > weights.length) throw new InvalidArgumentError('selectPositions', `n = ${n} > ${weights.length} nodes`)
  const picked = new Uint8Array(weights.length)
  let total = weights.reduce((a, b) => a + b, 0n)
  const out: number[] = []
  for (let k = 0; k < n; k++) {
    let r = drawValue(seed, k) % total
    let j = 0
    for (; ; j++) {
      if (picked[j]) continue
      if (r < weights[j]!) break
      r -= weights[j]!
    }
    picked[j] = 1
    total -= weights[j]!
    out.push(j)
  }
  return out
}

/**
 * The same rule driven by any uniform source of numbers in [0, 1) — for Monte-Carlo simulation of
 * seat shares (floating point; not for reproducing an on-chain draw).
 */
export function samplePositions(random: () => number, weights: readonly number[], n: number): number[] {
  const picked = new Uint8Array(weights.length)
  let total = weights.reduce((a, b) => a + b, 0)
  const out: number[] = []
  for (let k = 0; k < n; k++) {
    let r = random() * total
    let j = -1
    let last = -1
    for (let i = 0; i < weights.length; i++) {
      if (picked[i]) continue
      last = i
      if (r < weights[i]!) { j = i; break }
      r -= weights[i]!
    }
    if (j < 0) j = last // rounding at the very end of the range
    picked[j] = 1
    total -= weights[j]!
    out.push(j)
  }
  return out
}

/**
 * Exact expected seat share of group A when the active set is `countA` nodes of weight `weightA`
 * and `countB` of weight `weightB` and n seats are drawn by the rule above (dynamic programme over
 * how many of each group were drawn so far). For the stake-splitting bound of docs/controller.md.
 */
export function expectedSeatShare(countA: number, weightA: number, countB: number, weightB: number, n: number): number {
  // p[a] = probability that a seats of A were drawn after k draws
  let p = new Float64Array(n + 1)
  p[0] = 1
  let expected = 0
  for (let k = 0; k < n; k++) {
    const next = new Float64Array(n + 1)
    for (let a = 0; a <= k; a++) {
      if (p[a] === 0) continue
      const remA = (countA - a) * weightA
      const remB = (countB - (k - a)) * weightB
      const pa = remA / (remA + remB)
      expected += p[a]! * pa
      next[a + 1]! += p[a]! * pa
      next[a]! += p[a]! * (1 - pa)
    }
    p = next
  }
  return expected / n
}
