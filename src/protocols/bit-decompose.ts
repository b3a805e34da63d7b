/**
 * Bit decomposition: the k low bits of a shared integer, bit-major (bit i of value j at i·N + j).
 *
 * Protocol (Damgård, Fitzi, Kiltz, Nielsen, Toft 2006, "Unconditionally Secure Constant-Rounds MPC
 * for Equality, Comparison, Bits and Exponentiation", §6, with the log-depth prefix circuit of
 * Catrina–de Hoogh 2010 §4 instead of the constant-round one, and the Mersenne wrap trick of
 * compare.ts / Nishide–Ohta 2007 §4):
 * 1. a' = a + 2^k (so any integer X with −2^k ≤ X < 2^k, stored as p + X when negative, becomes a
 *    non-negative integer below 2^(k+1) < p with a' ≡ X mod 2^k).
 * 2. L = field.bits random bits r (prefix.ts `maskBits`), open c = a' + r (perfectly masked).
 * 3. As integers a' = c − r + w·p with w = [c < r]; since p = 2^L − 1 ≡ −1 (mod 2^k),
 *    a' ≡ c − r − w (mod 2^k). Bit i of c − r − w is c_i ⊕ r_i ⊕ b_i with the borrow
 *    b_i = [c mod 2^i < r mod 2^i + w] = g_{<i} + e_{<i}·w (b_0 = w), where (g, e)_{<i} compare the
 *    i low bits of c and r. Public c makes every leaf linear.
 * 4. One lock-step circuit: Sklansky prefixes over bits [0, k) and a carry tree over [k, L)
 *    (⌈log₂ max(k, L − k)⌉ rounds); then w = g_hi + e_hi·g_{<k} together with x_i·g, x_i·e
 *    (x_i = c_i ⊕ r_i, 1 round); then e·w and (x·e)·w (1 round): d_i = x_i + g + e·w − 2x_i·g − 2x_i·e·w.
 *
 * Limits: k + 2 ≤ field bits (k ≤ 59 in p61, k ≤ 125 in p127), else MPC_UNSUPPORTED.
 * Cost per value: L random bits, one opening, about k·⌈log₂ k⌉ + 2(L − k) + 4k multiplications.
 * Rounds (semi-honest): preprocessing 1, random bits 1 (malicious 4: verified before use, bits.ts), opening 1,
 * ⌈log₂ max(k, L − k)⌉ + 2 circuit rounds (a multiplication of ≥ kingThreshold elements takes 2):
 * 10–11 in p61 for k ≤ 32. A call on N values costs the rounds of one.
 */
import { mask, openMasked } from './open.ts'
import { add, addPublic, concat, length, lincomb, mulPublic, slice } from './linear.ts'
import { bitsToField, publicBits } from './bits.ts'
import { checkBits, compareLeaves, maskBits, parallel, reduceTree, reserve, runCircuit, sklansky, type Circuit, type MulRequest } from './prefix.ts'
import type { MpcSession, Shared } from './session.ts'

export interface BitDecomposeOptions {
  /** k: the number of low bits wanted; the value must satisfy −2^k ≤ a < 2^k. */
  readonly bits: number
}

/**
 * The k low bits of a (0 ≤ a < 2^k; for a negative value −2^k ≤ a < 0, the k low bits of its two's
 * complement), as a bit-major shared 0/1 matrix of k·N elements.
 */
export async function bitDecompose(s: MpcSession, a: Shared, opts: BitDecomposeOptions): Promise<Shared> {
  const fn = 'bitDecompose'
  const k = opts.bits
  checkBits(s, fn, k, 2, 'the offset value a + 2^k must stay below p')
  const f = s.field
  const N = length(s, a)
  if (N === 0) return a
  const L = f.bits
  await reserve(s, L * N, N * (k * Math.ceil(Math.log2(k + 1)) + 2 * L + 4 * k))
  const { bits, r } = await maskBits(s, N)
  const c = await openMasked(s, mask(s, addPublic(s, a, f.powS(2n, BigInt(k))), r))
  return runCircuit(s, bitDecomposeCircuit(s, publicBits(f, c, L), bits, k, N))
}

/**
 * Steps 3–4 as a circuit: given the opened c = a + 2^k + r (bits cBits) and the L bits of r, the k
 * low bits of a. ⌈log₂ max(k, L − k)⌉ + 2 rounds.
 */
export function* bitDecomposeCircuit(s: MpcSession, cBits: Uint8Array, bits: Shared, k: number, N: number): Circuit<Shared> {
  const f = s.field
  const L = f.bits
  const leaves = compareLeaves(s, cBits, bits, L, N)
  // x_i = c_i ⊕ r_i = r_i·(1 − 2c_i) + c_i, for i < k.
  const cf = bitsToField(f, cBits.subarray(0, k * N))
  const xAll = addPublic(s, mulPublic(s, slice(s, bits, 0, k * N), f.sub(f.fill(k * N, 1n), f.add(cf, cf))), cf)
  const x = Array.from({ length: k }, (_, i) => slice(s, xAll, i * N, (i + 1) * N))
  const [P, H] = yield* parallel(sklansky(s, leaves.slice(0, k)), reduceTree(s, leaves.slice(k), true))
  // Round A: the wrap bit w, and x_i·g_{<i}, x_i·e_{<i}.
  const reqA: MulRequest[] = [[H.e, P[k - 1]!.g]]
  for (let i = 1; i < k; i++) reqA.push([x[i]!, P[i - 1]!.g], [x[i]!, P[i - 1]!.e])
  const prodA = yield reqA
  const w = add(s, H.g, prodA[0]!)
  // Round B: e_{<i}·w and (x_i·e_{<i})·w; x_0·w.
  const reqB: MulRequest[] = [[x[0]!, w]]
  for (let i = 1; i < k; i++) reqB.push([P[i - 1]!.e, w], [prodA[2 * i]!, w])
  const prodB = yield reqB
  const out: Shared[] = [lincomb(s, [1n, 1n, f.negS(2n)], [x[0]!, w, prodB[0]!])]
  const m2 = f.negS(2n)
  for (let i = 1; i < k; i++) {
    // d_i = x + g + e·w − 2·x·g − 2·x·e·w
    out.push(lincomb(s, [1n, 1n, 1n, m2, m2], [x[i]!, P[i - 1]!.g, prodB[2 * i - 1]!, prodA[2 * i - 1]!, prodB[2 * i]!]))
  }
  return concat(s, out)
}
