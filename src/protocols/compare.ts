/**
 * Comparisons and equality, with perfect (not statistical) masking, for any operand width k with
 * 2^k < p/2 (k ≤ 59 in p61, k ≤ 125 in p127).
 *
 * The core is the least significant bit of a field element (Nishide–Ohta 2007, "Multiparty
 * Computation for Interval, Equality, and Comparison Without Bit-Decomposition Protocol", §4): with
 * r uniformly random and known bitwise, open c = y + r; as integers y + r = c + w·p with
 * w = [c < r], and since p is odd lsb(y) = c₀ ⊕ r₀ ⊕ w. Then for |x| < p/2, [x < 0] = lsb(2x mod p):
 * a non-negative x doubles to an even number below p, a negative one wraps to an odd one.
 * Because p = 2^L − 1 is a Mersenne prime, L random bits give r uniform on [0, p] (r = p, i.e. 0,
 * with probability 2^−L, where the formula still holds), so c reveals nothing.
 *
 * Rounds (semi-honest, one value): random bits with the pair products of their tree's first level 1,
 * open c 1, carry tree ⌈log₂⌈(L+1)/2⌉⌉ (5 for p61; the first level is local from the pair products,
 * paired-leaves.ts, and the final XOR rides the tree as a leaf, bits.ts): 7 in all, the random and
 * double sharings coming from PRSS without a round (prss.ts; committees that deal them by DN07 add 1).
 * Malicious: 10, the random bits taking 4 rounds because their squares are verified before c is opened
 * (bits.ts: otherwise a cheater's non-binary bits would make c leak bits of y before the final check
 * aborts). Multiplications per value: about 1.5L (⌈L/2⌉ pair products, ≈ L in the tree); random bits: L.
 */
import { check } from '../common/errors.ts'
import { UnsupportedOperationError } from './errors.ts'
import { randomBitsWithPairs, randomBitsNeeds, bitLessThanPublic, publicBits, bitsToField, allBitsEqualPublic, lessThanPairs, equalityPairs, type RowPairs } from './bits.ts'
import { preprocess, type PreprocessRequest } from './pools.ts'
import { mask, openMasked } from './open.ts'
import { ensureMacKey } from './mac.ts'
import { concat, mulPublic, publicSub, slice, sub, length, weighted } from './linear.ts'
import type { MpcSession, Shared } from './session.ts'

export interface CompareOptions {
  /** Operand width k: inputs are k-bit integers (two's-complement range if signed). */
  readonly bits: number
  readonly signed?: boolean
}

function checkWidth(s: MpcSession, fn: string, opts: CompareOptions): void {
  check(Number.isInteger(opts.bits) && opts.bits >= 1 && opts.bits <= 64, fn, `bits must be an integer from 1 to 64, got ${opts.bits}`)
  // Differences of k-bit operands lie in (−2^k, 2^k) (one more bit if signed and unsigned mix: we
  // allow one spare bit) and must stay below p/2.
  if (opts.bits + 2 > s.field.bits) {
    throw new UnsupportedOperationError(fn, `${opts.bits}-bit comparison needs a field of more than ${opts.bits + 2} bits; ${s.field.name} has ${s.field.bits} (use p127)`)
  }
}

/**
 * Random and double sharings `values` comparisons (lt or eq) consume: L bits with their pair products
 * per value, and the tree's multiplications (2 per node of the ⌈(L+1)/2⌉ left after the local first
 * level, plus one). For callers that preprocess ahead (bench:mpc); the protocols top up by themselves.
 */
export function comparisonNeeds(s: MpcSession, values: number): PreprocessRequest {
  const L = s.field.bits
  const bits = randomBitsNeeds(s, L * values, lessThanPairs(L, 0).length * values)
  return { randoms: bits.randoms + 3, doubles: (s.malicious ? 2 : 1) * (L + 3) * values + bits.doubles }
}

/**
 * Mask a with r known bitwise and open c = a + r (perfectly hiding, see the file header); returns the
 * shared bits of r, the products of their row pairs `pairs` (bits.ts randomBitsWithPairs) and the
 * public bits of c, both bit-major of width L.
 */
async function maskAndOpen(s: MpcSession, a: Shared, pairs: RowPairs): Promise<{ bits: Shared; prods: Shared; cBits: Uint8Array; L: number; N: number }> {
  const f = s.field
  const N = length(s, a)
  const L = f.bits
  await ensureMacKey(s)
  await preprocess(s, comparisonNeeds(s, N))
  const { bits, pairs: prods } = await randomBitsWithPairs(s, L, N, pairs)
  const c = await openMasked(s, mask(s, a, weighted(s, bits, 0, L, N)))
  return { bits, prods, cBits: publicBits(f, c, L), L, N }
}

/**
 * Comparisons of many values run in blocks of this many, one after another: a block's L·N bit
 * matrix (61 bits per value in p61) then stays small enough for cache and memory, at the price of
 * a block's rounds per block (measured 100 k comparisons in one pass: 3.7 k/s, 18 rounds).
 */
export const COMPARE_BLOCK = 8192

/** Apply `fn` to consecutive blocks of `a` (and `b`) and concatenate the results. */
async function inBlocks(s: MpcSession, a: Shared, fn: (x: Shared) => Promise<Shared>): Promise<Shared> {
  const N = length(s, a)
  if (N <= COMPARE_BLOCK) return fn(a)
  const parts: Shared[] = []
  for (let off = 0; off < N; off += COMPARE_BLOCK) parts.push(await fn(slice(s, a, off, Math.min(N, off + COMPARE_BLOCK))))
  return concat(s, parts)
}

/** [lsb(y)] for shared field elements y. */
export async function lsb(s: MpcSession, y: Shared): Promise<Shared> {
  return inBlocks(s, y, (block) => lsbBlock(s, block))
}

async function lsbBlock(s: MpcSession, y: Shared): Promise<Shared> {
  const f = s.field
  if (length(s, y) === 0) return y
  const { bits, prods, cBits, L, N } = await maskAndOpen(s, y, lessThanPairs(f.bits, 0))
  // lsb(y) = c0 ⊕ r0 ⊕ w with w = [c < r]. u = c0 ⊕ r0 = c0 + (1 − 2·c0)·r0 is affine in r0 (c0
  // public); the XOR with w rides the carry tree as its top leaf (bits.ts), saving the round it used to cost.
  const c0 = bitsToField(f, cBits.subarray(0, N))
  return bitLessThanPublic(s, cBits, bits, L, N, prods, { row: 0, k0: c0, k1: f.sub(f.fill(N, 1n), f.add(c0, c0)) })
}

/** [a < 0] for signed k-bit a. */
export async function ltz(s: MpcSession, a: Shared, opts: CompareOptions): Promise<Shared> {
  checkWidth(s, 'ltz', opts)
  return lsb(s, mulPublic(s, a, 2n))
}

/** [a < b] for k-bit integers (signed or unsigned; embedded as p + x when negative). */
export async function lt(s: MpcSession, a: Shared, b: Shared, opts: CompareOptions): Promise<Shared> {
  checkWidth(s, 'lt', opts)
  return lsb(s, mulPublic(s, sub(s, a, b), 2n))
}

export function gt(s: MpcSession, a: Shared, b: Shared, opts: CompareOptions): Promise<Shared> {
  return lt(s, b, a, opts)
}

export async function le(s: MpcSession, a: Shared, b: Shared, opts: CompareOptions): Promise<Shared> {
  return publicSub(s, 1n, await lt(s, b, a, opts))
}

export async function ge(s: MpcSession, a: Shared, b: Shared, opts: CompareOptions): Promise<Shared> {
  return publicSub(s, 1n, await lt(s, a, b, opts))
}

/**
 * [a = 0]: open c = a + r with r known bitwise; a = 0 exactly when c and r agree on every bit, so the
 * result is the product of the L bit-equalities (Damgård et al. 2006, §5; a tree of ⌈log₂ L⌉ rounds).
 * Wrong only if r = p (all ones), probability 2^−L.
 */
export async function eqz(s: MpcSession, a: Shared, opts: CompareOptions): Promise<Shared> {
  checkWidth(s, 'eqz', opts)
  return inBlocks(s, a, (block) => eqzBlock(s, block))
}

async function eqzBlock(s: MpcSession, a: Shared): Promise<Shared> {
  if (length(s, a) === 0) return a
  const { bits, prods, cBits, L, N } = await maskAndOpen(s, a, equalityPairs(s.field.bits))
  return allBitsEqualPublic(s, cBits, bits, L, N, prods)
}

export async function eq(s: MpcSession, a: Shared, b: Shared, opts: CompareOptions): Promise<Shared> {
  return eqz(s, sub(s, a, b), opts)
}

export async function ne(s: MpcSession, a: Shared, b: Shared, opts: CompareOptions): Promise<Shared> {
  return publicSub(s, 1n, await eq(s, a, b, opts))
}
