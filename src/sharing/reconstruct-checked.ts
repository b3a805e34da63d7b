/**
 * Reconstruction that accepts a value only when it is *uniquely determined despite up to t corrupt
 * shares* (DESIGN.md §2: "a value is accepted only when t corrupt shares cannot have chosen it").
 *
 * Let P shares of a degree-d sharing be present, at most t of them corrupt (t is the committee's
 * corruption threshold, a parameter: the number of present shares alone says nothing about it).
 * - Detection: if all P shares lie on one degree-d polynomial and P ≥ d + 1 + t, at least d + 1 of
 *   them are honest, and honest shares lie on the true polynomial, so the polynomial is the true one.
 *   With fewer shares the ≤ t corrupt ones can always be chosen on another polynomial through the
 *   honest ones with any secret they like (a degree-d polynomial through k ≤ d honest points and any
 *   g(0)): nothing is accepted (SHARING_UNDETERMINED). For degree t that is P ≥ 2t + 1 (every share
 *   when n = 2t + 1); for degree 2t it is P ≥ 3t + 1, so a degree-2t opening with n < 3t + 1 can never
 *   be checked this way: such openings (DN07 multiplication, semi-honest random bits) are only ever of
 *   masked values whose error is an additive attack, which the MAC check catches (mac.ts).
 * - Correction: a polynomial that disagrees with e of the P shares is the true one whenever
 *   P ≥ d + 1 + t + e: among the P − e shares it agrees with, at most t are corrupt, so at least d + 1
 *   honest shares lie on it. Hence up to e_max = min(t, P − d − 1 − t) errors are corrected (Berlekamp–
 *   Welch needs P ≥ d + 1 + 2e, implied): for degree t, one error from P ≥ 2t + 2 on, t errors from
 *   P ≥ 3t + 1 on (the unique-decoding radius for t corruptions). More wrong shares than e_max: SHARING_INCONSISTENT, no value.
 *   (The old budget ⌊(P − d − 1)/2⌋ ignored t: with n = 5, t = 2 two colluders could pick a degree-2
 *   polynomial through two honest shares, be "corrected" into the value and have an honest party named.)
 * The vectorised check costs (P − d − 1) linear combinations; the scalar decoder only runs on elements
 * found inconsistent.
 */
import { check } from '../common/errors.ts'
import type { Field, FieldVector } from '../field/types.ts'
import { berlekampWelch } from './berlekamp-welch.ts'
import { InconsistentSharesError, UndeterminedSharesError } from './errors.ts'
import { interpolateShare, reconstruct } from './shamir.ts'
import { pointOf } from './params.ts'

export interface CheckedReconstruction {
  readonly secrets: FieldVector
  /**
   * Parties whose shares provably lie off the true polynomial and were corrected around (empty in the
   * normal case). Off the polynomial is not by itself proof that the party cheated: its share may have
   * been made wrong by others earlier (see protocols/open.ts for when it is evidence).
   */
  readonly corrected: readonly number[]
}

export interface CheckedReconstructionOptions {
  /** The most shares that may be corrupt (the committee's corruption threshold). */
  readonly t: number
  /** Correct wrong shares when the redundancy proves the decoding unique (see above). */
  readonly correct?: boolean
  /** Name of the calling function or protocol step, for error messages. */
  readonly fn?: string
}

/** The fewest present shares that determine a degree-`degree` sharing despite `t` corrupt ones. */
export function minSharesToDetermine(degree: number, t: number): number {
  return degree + 1 + t
}

/** How many wrong shares among `present` can be corrected with certainty despite `t` corrupt ones. */
export function correctableErrors(present: number, degree: number, t: number): number {
  return Math.max(0, Math.min(t, present - degree - 1 - t))
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

function presentParties(field: Field, byParty: readonly (FieldVector | null | undefined)[], fn: string): number[] {
  const parties = byParty.flatMap((s, i) => (s ? [i] : []))
  if (parties.length === 0) return parties
  const len = field.len(byParty[parties[0]!]!)
  for (const i of parties) check(field.len(byParty[i]!) === len, fn, `share of party ${i} has ${field.len(byParty[i]!)} elements, expected ${len}`)
  return parties
}

/**
 * Reconstruct from the shares present in `byParty` (index = party, null = missing), accepting the
 * value only when up to `options.t` corrupt shares cannot have chosen it (module comment). Throws
 * SHARING_UNDETERMINED when too few shares are present to tell, SHARING_INCONSISTENT when they do not
 * lie on one polynomial and cannot be corrected with certainty.
 */
export function reconstructChecked(
  field: Field,
  byParty: readonly (FieldVector | null | undefined)[],
  degree: number,
  options: CheckedReconstructionOptions,
): CheckedReconstruction {
  const fn = options.fn ?? 'reconstructChecked'
  const t = options.t
  check(Number.isInteger(t) && t >= 0, fn, `t must be a non-negative integer, got ${String(t)}`)
  check(Number.isInteger(degree) && degree >= 0, fn, `degree must be a non-negative integer, got ${String(degree)}`)
  const all = presentParties(field, byParty, fn)
  check(all.length >= degree + 1, fn, `need at least ${degree + 1} shares for degree ${degree}, got ${all.length}`)
  const needed = minSharesToDetermine(degree, t)
  if (all.length < needed) {
    throw new UndeterminedSharesError(fn, `${all.length} shares of a degree-${degree} sharing cannot rule out ${t} corrupt ones choosing the value (need ${needed})`)
  }
  const budget = options.correct ? correctableErrors(all.length, degree, t) : 0
  let parties = all
  let shares = parties.map((i) => byParty[i]!)
  const corrected = new Set<number>()
  for (;;) {
    const bad = firstInconsistentElement(field, shares, parties, degree)
    if (bad < 0) return { secrets: reconstruct(field, shares, parties, degree), corrected: [...corrected].sort((a, b) => a - b) }
    if (budget - corrected.size < 1) {
      throw new InconsistentSharesError(fn, `shares of element ${bad} do not lie on a polynomial of degree ${degree} (${all.length} shares, up to ${t} corrupt; ${budget} correctable)`)
    }
    // Decode this element over ALL present shares, so that the errors found on every element together
    // stay within the budget proven safe for the whole vector.
    const xs = all.map(pointOf)
    const ys = all.map((p) => field.get(byParty[p]!, bad))
    const decoded = berlekampWelch(field, xs, ys, degree, budget)
    const wrong = decoded ? decoded.bad.map((k) => all[k]!) : []
    const fresh = wrong.filter((p) => !corrected.has(p))
    if (!decoded || fresh.length === 0 || corrected.size + fresh.length > budget) {
      throw new InconsistentSharesError(fn, `element ${bad} has more wrong shares than the ${budget} that can be corrected with certainty (${all.length} shares, degree ${degree}, up to ${t} corrupt)`)
    }
    for (const p of fresh) corrected.add(p)
    const keep = all.filter((p) => !corrected.has(p))
    parties = keep
    shares = keep.map((p) => byParty[p]!)
  }
}

/**
 * Throws unless the present shares lie on one polynomial of degree `degree` and are enough to rule out
 * `t` corrupt ones choosing it (SHARING_UNDETERMINED / SHARING_INCONSISTENT, as reconstructChecked).
 */
export function checkConsistent(field: Field, byParty: readonly (FieldVector | null | undefined)[], degree: number, t: number, fn = 'checkConsistent'): void {
  const parties = presentParties(field, byParty, fn)
  const needed = minSharesToDetermine(degree, t)
  if (parties.length < needed) throw new UndeterminedSharesError(fn, `${parties.length} shares cannot rule out ${t} corrupt ones (need ${needed})`)
  const shares = parties.map((i) => byParty[i]!)
  const bad = firstInconsistentElement(field, shares, parties, degree)
  if (bad >= 0) throw new InconsistentSharesError(fn, `shares of element ${bad} do not lie on a polynomial of degree ${degree}`)
}
