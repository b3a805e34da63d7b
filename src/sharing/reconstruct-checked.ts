/**
 * Reconstruction that never returns a wrong value silently (DESIGN.md §2-3):
 * - with more than degree + 1 shares, every extra share is checked against the polynomial the first
 *   degree + 1 define (error *detection*: n ≥ 2t+1 detects up to t wrong shares of a degree-t sharing);
 * - when the redundancy allows (n ≥ degree + 1 + 2e, e.g. n ≥ 3t+1 for e = t), inconsistent elements
 *   are decoded with Berlekamp–Welch, the wrong parties are *named*, and the secret is reconstructed
 *   from the others (error *correction*).
 * The vectorised check costs (shares − degree − 1) linear combinations; the scalar decoder only runs on
 * elements found inconsistent.
 */
import { check } from '../common/errors.ts'
import type { Field, FieldVector } from '../field/types.ts'
import { berlekampWelch } from './berlekamp-welch.ts'
import { InconsistentSharesError } from './errors.ts'
import { interpolateShare, reconstruct } from './shamir.ts'
import { pointOf } from './params.ts'

export interface CheckedReconstruction {
  readonly secrets: FieldVector
  /** Parties whose shares were wrong and were corrected around (empty in the normal case). */
  readonly corrected: readonly number[]
}

/** Index of the first element where a and b differ, or -1. */
export function firstDifference(field: Field, a: FieldVector, b: FieldVector): number {
  if (field.equal(a, b)) return -1
  const limbs = field.limbs
  for (let w = 0; w < a.length; w++) if (a[w] !== b[w]) return Math.floor(w / limbs)
  return -1
}

/**
 * Find the first element on which the shares of `parties` disagree with a degree-`degree` polynomial;
 * -1 if they all agree.
 */
function firstInconsistentElement(field: Field, shares: readonly FieldVector[], parties: readonly number[], degree: number): number {
  for (let j = degree + 1; j < parties.length; j++) {
    const predicted = interpolateShare(field, shares, parties, degree, parties[j]!)
    const at = firstDifference(field, predicted, shares[j]!)
    if (at >= 0) return at
  }
  return -1
}

/**
 * Reconstruct from the shares present in `byParty` (index = party, null = missing).
 * `correct` enables error correction when the redundancy allows it; otherwise any inconsistency
 * throws SHARING_INCONSISTENT.
 */
export function reconstructChecked(
  field: Field,
  byParty: readonly (FieldVector | null | undefined)[],
  degree: number,
  options: { correct?: boolean; fn?: string } = {},
): CheckedReconstruction {
  const fn = options.fn ?? 'reconstructChecked'
  let parties = byParty.flatMap((s, i) => (s ? [i] : []))
  check(parties.length >= degree + 1, fn, `need at least ${degree + 1} shares for degree ${degree}, got ${parties.length}`)
  const len = field.len(byParty[parties[0]!]!)
  for (const i of parties) check(field.len(byParty[i]!) === len, fn, `share of party ${i} has ${field.len(byParty[i]!)} elements, expected ${len}`)
  let shares = parties.map((i) => byParty[i]!)
  const corrected: number[] = []
  for (;;) {
    const bad = firstInconsistentElement(field, shares, parties, degree)
    if (bad < 0) return { secrets: reconstruct(field, shares, parties, degree), corrected: corrected.sort((a, b) => a - b) }
    const budget = Math.floor((parties.length - degree - 1) / 2)
    if (!options.correct || budget < 1) {
      throw new InconsistentSharesError(fn, `shares of element ${bad} do not lie on a polynomial of degree ${degree} (${parties.length} shares; cannot tell which are wrong)`)
    }
    const xs = parties.map(pointOf)
    const ys = shares.map((s) => field.get(s, bad))
    const decoded = berlekampWelch(field, xs, ys, degree, budget)
    if (!decoded || decoded.bad.length === 0) {
      throw new InconsistentSharesError(fn, `element ${bad} has more wrong shares than ${budget} (${parties.length} shares, degree ${degree})`)
    }
    const wrong = new Set(decoded.bad.map((k) => parties[k]!))
    corrected.push(...wrong)
    const keep = parties.map((p, k) => [p, k] as const).filter(([p]) => !wrong.has(p))
    parties = keep.map(([p]) => p)
    shares = keep.map(([, k]) => shares[k]!)
    if (corrected.length > Math.floor((byParty.filter(Boolean).length - degree - 1) / 2)) {
      throw new InconsistentSharesError(fn, `too many wrong shares to correct (parties ${[...corrected].sort().join(', ')})`, corrected)
    }
  }
}

/** Throws InconsistentSharesError unless the present shares lie on one polynomial of degree `degree`. */
export function checkConsistent(field: Field, byParty: readonly (FieldVector | null | undefined)[], degree: number, fn = 'checkConsistent'): void {
  const parties = byParty.flatMap((s, i) => (s ? [i] : []))
  const shares = parties.map((i) => byParty[i]!)
  const bad = firstInconsistentElement(field, shares, parties, degree)
  if (bad >= 0) throw new InconsistentSharesError(fn, `shares of element ${bad} do not lie on a polynomial of degree ${degree}`)
}
