/**
 * Batch degree-t consistency check of a dealer's sharing (clients are untrusted, DESIGN.md §2).
 * The dealer shares its N values plus one random pad element; after the shares are delivered, the
 * parties draw public random coefficients ρ_1..ρ_N from a fresh coin (unknown to the dealer when it
 * dealt), each party publishes z_j = Σ_i ρ_i·y_j[i] + pad_j, and everyone checks that z_1..z_n lie on
 * one polynomial of degree t. A sharing off degree t passes with probability at most 1/p per check
 * (Schwartz–Zippel over the random coefficients); the pad keeps the combination itself private.
 */
import type { Field, FieldVector } from '../field/types.ts'
import { check } from '../common/errors.ts'

/** This party's published value z_j for the check. */
export function maskedCombination(field: Field, shares: FieldVector, coefficients: FieldVector, pad: bigint): bigint {
  check(field.len(shares) === field.len(coefficients), 'maskedCombination', `got ${field.len(shares)} shares and ${field.len(coefficients)} coefficients`)
  return field.addS(field.dot(shares, coefficients), pad)
}
