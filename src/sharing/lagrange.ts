/**
 * Lagrange interpolation coefficients, memoised per field and point set: reconstruction and
 * degree checks reuse the same few sets thousands of times, and each set costs O(k²) BigInt work.
 */
import type { Field } from '../field/types.ts'
import { pointOf } from './params.ts'

const cache = new WeakMap<Field, Map<string, readonly bigint[]>>()

/**
 * Coefficients λ_j such that f(at) = Σ_j λ_j f(xs[j]) for every polynomial f of degree < xs.length
 * (the points must be distinct).
 */
export function lagrangeAtPoints(field: Field, xs: readonly bigint[], at: bigint): readonly bigint[] {
  let perField = cache.get(field)
  if (!perField) {
    perField = new Map()
    cache.set(field, perField)
  }
  const key = `${xs.join(',')}@${at}`
  const hit = perField.get(key)
  if (hit) return hit
  const coeffs = xs.map((xj, j) => {
    let num = 1n
    let den = 1n
    xs.forEach((xm, m) => {
      if (m === j) return
      num = field.mulS(num, field.subS(at, xm))
      den = field.mulS(den, field.subS(xj, xm))
    })
    return field.mulS(num, field.invS(den))
  })
  perField.set(key, coeffs)
  return coeffs
}

/**
 * Coefficients λ_j such that f(at) = Σ_j λ_j f(x_j) for every polynomial f of degree < parties.length,
 * where x_j is the evaluation point of parties[j].
 */
export function lagrangeCoefficients(field: Field, parties: readonly number[], at: bigint = 0n): readonly bigint[] {
  return lagrangeAtPoints(field, parties.map(pointOf), at)
}
