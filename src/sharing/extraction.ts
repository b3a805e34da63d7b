/**
 * Randomness extraction for batched random sharings (Damgård–Nielsen 2007, "Scalable and
 * Unconditionally Secure Multiparty Computation", §3-4). Every party deals one random sharing; the
 * parties apply the same public matrix to the n dealt sharings and obtain n − t sharings that are
 * uniformly random to any coalition of t parties, because the (n−t)×(n−t) submatrix on the honest
 * dealers' columns is invertible (a Vandermonde matrix in distinct points).
 *
 * The hyper-invertible matrix of DN07 (every square submatrix invertible) is provided too: it maps
 * the values of a degree-(n−1) polynomial at points 1..n to its values at n+1..2n.
 */
import type { Field, FieldVector } from '../field/types.ts'
import { check } from '../common/errors.ts'

const vandermondeCache = new WeakMap<Field, Map<string, readonly (readonly bigint[])[]>>()

function memo(field: Field, key: string, make: () => bigint[][]): readonly (readonly bigint[])[] {
  let m = vandermondeCache.get(field)
  if (!m) vandermondeCache.set(field, (m = new Map()))
  let hit = m.get(key)
  if (!hit) m.set(key, (hit = make()))
  return hit
}

/** rows × n matrix M[j][i] = (i+1)^j. */
export function vandermondeMatrix(field: Field, rows: number, n: number): readonly (readonly bigint[])[] {
  return memo(field, `v${rows}x${n}`, () =>
    Array.from({ length: rows }, (_, j) => Array.from({ length: n }, (_, i) => field.powS(BigInt(i + 1), BigInt(j)))))
}

/** n × n hyper-invertible matrix (DN07 §3): Lagrange map from points 1..n to points n+1..2n. */
export function hyperInvertibleMatrix(field: Field, n: number): readonly (readonly bigint[])[] {
  return memo(field, `h${n}`, () =>
    Array.from({ length: n }, (_, j) => {
      const beta = BigInt(n + 1 + j)
      return Array.from({ length: n }, (_, i) => {
        const ai = BigInt(i + 1)
        let num = 1n
        let den = 1n
        for (let k = 0; k < n; k++) {
          if (k === i) continue
          const ak = BigInt(k + 1)
          num = field.mulS(num, field.subS(beta, ak))
          den = field.mulS(den, field.subS(ai, ak))
        }
        return field.mulS(num, field.invS(den))
      })
    }))
}

/**
 * Apply a public matrix to this party's shares of the n dealt batches: output j = Σ_i M[j][i]·dealt[i].
 * Each dealt[i] is this party's share vector of dealer i's batch (all of equal length).
 */
export function applyMatrix(field: Field, matrix: readonly (readonly bigint[])[], dealt: readonly FieldVector[]): FieldVector[] {
  check(matrix.every((row) => row.length === dealt.length), 'applyMatrix', `matrix has ${matrix[0]?.length} columns for ${dealt.length} dealt vectors`)
  return matrix.map((row) => field.lincomb(row, dealt))
}

/**
 * This party's shares of n − t random sharings per position, extracted from the n dealt batches
 * (DN07 random sharing generation). Returns one vector of length (n − t)·len: output j's elements are
 * at [j·len, (j+1)·len).
 */
export function extractRandom(field: Field, dealt: readonly FieldVector[], t: number): FieldVector {
  const n = dealt.length
  check(t >= 0 && t < n, 'extractRandom', `need 0 ≤ t < n, got t = ${t}, n = ${n}`)
  return field.concat(applyMatrix(field, vandermondeMatrix(field, n - t, n), dealt))
}
