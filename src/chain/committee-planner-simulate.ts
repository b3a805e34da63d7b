/**
 * Monte-Carlo twin of the planner: draws committees exactly as `EnigmaController.selectCommittee`
 * does (draw k: r = keccak256(abi.encode(seed, k)) mod remaining stake, walk the active list
 * subtracting stakes, take the node where r falls, remove its stake), so the planner's closed-form
 * figures can be checked against the rule itself rather than against a second formula.
 */
import { bytesToBigInt, hexToBytes, keccak256, numberToBytes, type Hex } from 'viem'
import type { StakeModel } from './committee-planner.ts'
import { thresholdFor } from './committee-planner.ts'

/** The controller's draw: indices into `stakes` (the active list, in its order) of a committee of n. */
export function drawCommittee(seed: Hex, stakes: readonly bigint[], n: number): number[] {
  const weights = stakes.slice()
  let total = weights.reduce((a, b) => a + b, 0n)
  const seedBytes = hexToBytes(seed, { size: 32 })
  const buf = new Uint8Array(64)
  buf.set(seedBytes, 0)
  const picked: number[] = []
  for (let k = 0; k < n; k++) {
    // abi.encode(bytes32 seed, uint256 k): two 32-byte words.
    buf.set(numberToBytes(BigInt(k), { size: 32 }), 32)
    let r = bytesToBigInt(keccak256(buf, 'bytes')) % total
    let j = 0
    while (r >= weights[j]!) { r -= weights[j]!; j++ }
    picked.push(j)
    total -= weights[j]!
    weights[j] = 0n
  }
  return picked
}

/** Integer stakes realising a two-class model (honest first, then corrupt), scaled to wei-like sizes. */
export function stakesOf(model: StakeModel, scale = 10n ** 24n): bigint[] {
  const f = model.corruptStake
  // Fractions as integers with 12 decimals: the realised split differs from f by < 1e-12.
  const fp = BigInt(Math.round(f * 1e12))
  const honest = model.honest > 0 ? (scale * (10n ** 12n - fp)) / (10n ** 12n * BigInt(model.honest)) : 0n
  const corrupt = model.corrupt > 0 ? (scale * fp) / (10n ** 12n * BigInt(model.corrupt)) : 0n
  return [...Array<bigint>(model.honest).fill(honest), ...Array<bigint>(model.corrupt).fill(corrupt)]
}

export interface SimulationResult {
  readonly trials: number
  /** counts[c] = committees with exactly c corrupt members. */
  readonly counts: readonly number[]
  /** Committees with more than t corrupt members. */
  readonly failures: number
}

/** `trials` committees of n with seeds keccak256(label ‖ i): deterministic, reproducible. */
export function simulateCommittees(model: StakeModel, n: number, trials: number, label = 'enigma-planner'): SimulationResult {
  const stakes = stakesOf(model)
  const counts = new Array<number>(n + 1).fill(0)
  const prefix = new TextEncoder().encode(label)
  const input = new Uint8Array(prefix.length + 4)
  input.set(prefix)
  for (let i = 0; i < trials; i++) {
    new DataView(input.buffer).setUint32(prefix.length, i)
    const seed = keccak256(input)
    const c = drawCommittee(seed, stakes, n).filter((j) => j >= model.honest).length
    counts[c]!++
  }
  const t = thresholdFor(n)
  return { trials, counts, failures: counts.slice(t + 1).reduce((a, b) => a + b, 0) }
}
