/**
 * Interval arithmetic on gate values (exact integers). The bounds drive three compiler decisions:
 * folding a comparison whose answer the bounds already decide, the bit width handed to comparison and
 * division protocols, and the choice of field (`field-choice.ts`).
 */
export interface Range {
  readonly lo: bigint
  readonly hi: bigint
}

export const bitLength = (x: bigint): number => (x <= 0n ? 0 : x.toString(2).length)

/** The smallest k such that every value of the range is a k-bit int (signed if the range has negatives). */
export function bitsOf(r: Range): { bits: number; signed: boolean } {
  if (r.lo >= 0n) return { bits: Math.max(1, bitLength(r.hi)), signed: false }
  // A k-bit signed int is in [−2^(k−1), 2^(k−1)).
  const bits = Math.max(bitLength(-r.lo - 1n), bitLength(r.hi)) + 1
  return { bits, signed: true }
}

/** Bits of the largest magnitude in the range (how many bits the field must hold exactly, sign aside). */
export function magnitudeBits(r: Range): number {
  const a = r.lo < 0n ? -r.lo : r.lo
  const b = r.hi < 0n ? -r.hi : r.hi
  return bitLength(a > b ? a : b)
}

export const union = (a: Range, b: Range): Range => ({ lo: a.lo < b.lo ? a.lo : b.lo, hi: a.hi > b.hi ? a.hi : b.hi })

export function mulRange(a: Range, b: Range): Range {
  const ps = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
  let lo = ps[0]!
  let hi = ps[0]!
  for (const p of ps) {
    if (p < lo) lo = p
    if (p > hi) hi = p
  }
  return { lo, hi }
}

/** ⌊x / 2^s⌋ for any sign (BigInt `>>` is an arithmetic shift, i.e. floor). */
export const floorShift = (x: bigint, s: bigint): bigint => x >> s

/** ⌊a / d⌋ for d > 0, any sign of a. */
export function floorDiv(a: bigint, d: bigint): bigint {
  const q = a / d
  return a < 0n && q * d !== a ? q - 1n : q
}
