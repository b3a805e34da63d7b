/**
 * Shamir secret sharing over a prime field (Shamir 1979), vectorised: one call shares a whole vector
 * of secrets, each with its own random polynomial of degree t. Party i's share is f(i + 1).
 */
import { check } from '../common/errors.ts'
import type { Field, FieldVector, RandomSource } from '../field/types.ts'
import { lagrangeCoefficients } from './lagrange.ts'
import { pointOf } from './params.ts'

/**
 * Split each element of `secrets` into n shares of a random degree-`degree` polynomial.
 * Returns n vectors; vector i goes to party i. `degree` defaults to t; protocols use 2t for double
 * sharings (DN07).
 */
export function split(field: Field, secrets: FieldVector, n: number, degree: number, source?: RandomSource): FieldVector[] {
  check(Number.isInteger(n) && n >= 1, 'split', `n must be a positive integer, got ${n}`)
  check(Number.isInteger(degree) && degree >= 0 && degree < n, 'split', `degree must be an integer with 0 ≤ degree < n, got ${degree}`)
  const len = field.len(secrets)
  const coeffs = [secrets, ...Array.from({ length: degree }, () => field.random(len, source))]
  return splitWithCoefficients(field, coeffs, n)
}

/**
 * Evaluate the polynomials whose coefficient vectors are given (constant term first) at the points
 * of parties 0..n-1, by Horner's rule: degree multiply-adds per party.
 */
export function splitWithCoefficients(field: Field, coeffs: readonly FieldVector[], n: number): FieldVector[] {
  const degree = coeffs.length - 1
  const len = field.len(coeffs[0]!)
  const shares: FieldVector[] = []
  for (let i = 0; i < n; i++) {
    const x = pointOf(i)
    const acc = field.slice(coeffs[degree]!, 0, len)
    for (let k = degree - 1; k >= 0; k--) {
      field.scale(acc, x, acc)
      field.add(acc, coeffs[k]!, acc)
    }
    shares.push(acc)
  }
  return shares
}

/**
 * Reconstruct the secrets from the shares of `parties` (at least degree + 1 of them; the first
 * degree + 1 are used). Does not check the others: see `reconstructChecked` for that.
 */
export function reconstruct(field: Field, shares: readonly FieldVector[], parties: readonly number[], degree: number): FieldVector {
  check(shares.length === parties.length, 'reconstruct', `got ${shares.length} shares for ${parties.length} parties`)
  check(parties.length >= degree + 1, 'reconstruct', `need at least ${degree + 1} shares for degree ${degree}, got ${parties.length}`)
  const use = parties.slice(0, degree + 1)
  const lambda = lagrangeCoefficients(field, use)
  return field.lincomb(lambda, shares.slice(0, degree + 1))
}

/** Evaluate the degree-`degree` sharing given by the first degree + 1 shares at party `target`'s point. */
export function interpolateShare(field: Field, shares: readonly FieldVector[], parties: readonly number[], degree: number, target: number): FieldVector {
  const use = parties.slice(0, degree + 1)
  const lambda = lagrangeCoefficients(field, use, pointOf(target))
  return field.lincomb(lambda, shares.slice(0, degree + 1))
}
