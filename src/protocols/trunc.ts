/**
 * Exact a mod 2^m and ⌊a / 2^m⌋, and probabilistic truncation for fixed point.
 *
 * mod2m / trunc (exact; Catrina–de Hoogh 2010, "Improved Primitives for Secure Multiparty Integer
 * Computation", §3.2 Mod2m, with the Mersenne wrap bit instead of statistical masking):
 * 1. a' = a + 2^k: any −2^k ≤ X < 2^k (signed or unsigned k-bit) becomes 0 ≤ a' < 2^(k+1) < p, and
 *    a' ≡ X (mod 2^m).
 * 2. L random bits r, open c = a' + r (perfect mask, prefix.ts). As integers a' = c − r + w·p with
 *    w = [c < r], so a' ≡ c − r − w (mod 2^m) because p ≡ −1 (mod 2^m).
 * 3. With c_m = c mod 2^m (public), r_m = r mod 2^m:
 *    a' mod 2^m = c_m − r_m − w + 2^m·u, u = [c_m < r_m + w].
 *    One lock-step circuit: carry trees over bits [0, m) and [m, L) give (g_lo, e_lo), (g_hi, e_hi)
 *    in ⌈log₂ max(m, L − m)⌉ rounds; then one round: w = g_hi + e_hi·g_lo and
 *    u = g_lo + e_lo·w = g_lo + e_lo·g_hi (e_lo·g_lo = 0).
 * 4. trunc: (a − (a mod 2^m))·2^−m in the field, exact because the difference is a multiple of 2^m.
 *    For signed a this is the floor toward −∞ (like `>>` on BigInt: trunc(−5, 1) = −3), and mod2m
 *    is the non-negative residue (mod2m(−5, 1) = 1).
 * Limits: k + 2 ≤ field bits (k ≤ 59 in p61), 0 < m < k. Cost per value: L random bits, one opening,
 * ≈ 2L + 2 multiplications. Rounds (semi-honest): preprocessing 1, random bits 1 (malicious 4: verified before use, bits.ts),
 * opening 1, ⌈log₂ max(m, L − m)⌉ + 1 circuit rounds: ≤ 10 in p61, ≤ 11 in p127.
 *
 * truncPr (Catrina–Saxena 2010, "Secure Computation With Fixed-Point Numbers", FC 2010, §3.1,
 * Protocol 3.1 TruncPR): for signed k-bit a (−2^(k−1) ≤ a < 2^(k−1)), with m random bits r' and
 * k + κ − m random bits r'' (κ = 40), open c = 2^(k−1) + a + 2^m·r'' + r', c' = c mod 2^m, and return
 * (a − c' + r')·2^−m = ⌊a / 2^m⌋ + u where u = 1 with probability (a mod 2^m)/2^m (so the result is
 * ⌊a/2^m⌋ or ⌊a/2^m⌋ + 1, rounding to nearest in expectation). c is statistically hiding (distance
 * ≤ 2^−κ). Needs k + κ + 1 < field bits: k ≤ 19 in p61, k ≤ 85 in p127 (fixed point runs in p127).
 * Unsigned k-bit values must be passed as bits = k + 1. Cost: k + κ random bits, one opening, no
 * multiplication. Rounds: preprocessing 1 + random bits 1 (malicious 4: verified before use, bits.ts), then 1 online round.
 */
import { check } from '../common/errors.ts'
import { UnsupportedOperationError } from './errors.ts'
import { mask, openMasked } from './open.ts'
import { add, addPublic, length, lincomb, mulPublic, sub } from './linear.ts'
import { publicBits } from './bits.ts'
import { checkBits, checkShift, compareLeaves, maskBits, mulMany, parallel, publicLowBits, reduceTree, reserve, runCircuit, weighted } from './prefix.ts'
import type { MpcSession, Shared } from './session.ts'

/** Statistical security parameter of truncPr (bits). */
export const TRUNC_KAPPA = 40

export interface Mod2mOptions {
  /** k: −2^k ≤ a < 2^k (covers signed and unsigned k-bit values). */
  readonly bits: number
  /** 0 < m < k. */
  readonly m: number
}

export interface TruncOptions {
  /** k: operand width (see each function for the range). */
  readonly bits: number
  /** 0 < shift < k. */
  readonly shift: number
}

/** Both a mod 2^m and ⌊a / 2^m⌋ (one protocol run). */
export async function truncMod(s: MpcSession, a: Shared, opts: Mod2mOptions, fn = 'truncMod'): Promise<{ quotient: Shared; remainder: Shared }> {
  const k = opts.bits
  const m = opts.m
  checkBits(s, fn, k, 2, 'the offset value a + 2^k must stay below p')
  checkShift(fn, fn === 'trunc' ? 'shift' : 'm', m, k)
  const f = s.field
  const N = length(s, a)
  if (N === 0) return { quotient: a, remainder: a }
  const L = f.bits
  await reserve(s, L * N, (2 * L + 4) * N)
  const { bits, r } = await maskBits(s, N)
  const c = await openMasked(s, mask(s, addPublic(s, a, f.powS(2n, BigInt(k))), r))
  const leaves = compareLeaves(s, publicBits(f, c, L), bits, L, N)
  const [lo, hi] = await runCircuit(s, parallel(reduceTree(s, leaves.slice(0, m), true), reduceTree(s, leaves.slice(m), true)))
  const [ehiGlo, eloGhi] = await mulMany(s, [[hi.e, lo.g], [lo.e, hi.g]])
  const w = add(s, hi.g, ehiGlo!)
  const u = add(s, lo.g, eloGhi!)
  const rm = weighted(s, bits, 0, m, N)
  const remainder = addPublic(s, lincomb(s, [f.negS(1n), f.negS(1n), f.powS(2n, BigInt(m))], [rm, w, u]), publicLowBits(f, c, m))
  const quotient = mulPublic(s, sub(s, a, remainder), f.invS(f.powS(2n, BigInt(m))))
  return { quotient, remainder }
}

/** Exact a mod 2^m, in [0, 2^m), for −2^k ≤ a < 2^k. */
export async function mod2m(s: MpcSession, a: Shared, opts: Mod2mOptions): Promise<Shared> {
  return (await truncMod(s, a, opts, 'mod2m')).remainder
}

/** Exact ⌊a / 2^shift⌋ (floor toward −∞ for negative a), for −2^k ≤ a < 2^k. */
export async function trunc(s: MpcSession, a: Shared, opts: TruncOptions): Promise<Shared> {
  return (await truncMod(s, a, { bits: opts.bits, m: opts.shift }, 'trunc')).quotient
}

/**
 * Probabilistic truncation: ⌊a / 2^shift⌋ or ⌊a / 2^shift⌋ + 1, for signed k-bit a
 * (−2^(k−1) ≤ a < 2^(k−1)). Needs k + 41 < field bits.
 */
export async function truncPr(s: MpcSession, a: Shared, opts: TruncOptions): Promise<Shared> {
  const fn = 'truncPr'
  const k = opts.bits
  const m = opts.shift
  check(Number.isInteger(k) && k >= 1, fn, `bits must be a positive integer, got ${k}`)
  checkShift(fn, 'shift', m, k)
  const f = s.field
  if (k + TRUNC_KAPPA + 1 >= f.bits) {
    throw new UnsupportedOperationError(fn, `probabilistic truncation of ${k}-bit values masks with ${k + TRUNC_KAPPA} bits (κ = ${TRUNC_KAPPA}) and needs k + κ + 1 < field bits; ${f.name} has ${f.bits} bits, so k ≤ ${f.bits - TRUNC_KAPPA - 2}${f.bits < 127 ? ' (use p127 for fixed point)' : ''}`)
  }
  const N = length(s, a)
  if (N === 0) return a
  const width = k + TRUNC_KAPPA
  await reserve(s, width * N, 0)
  const { bits, r } = await maskBits(s, N, width)
  const c = await openMasked(s, mask(s, addPublic(s, a, f.powS(2n, BigInt(k - 1))), r))
  const rLow = weighted(s, bits, 0, m, N)
  // (a − c' + r')·2^−m
  return mulPublic(s, add(s, addPublic(s, a, f.neg(publicLowBits(f, c, m))), rLow), f.invS(f.powS(2n, BigInt(m))))
}
