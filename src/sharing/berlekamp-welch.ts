/**
 * Berlekamp–Welch decoding of one Reed–Solomon codeword (Welch & Berlekamp 1986): given n points
 * (x_i, y_i) of which at most e are wrong, with n ≥ degree + 1 + 2e, find the polynomial P of the given
 * degree and the indices i where y_i ≠ P(x_i). Scalars only: it runs on one element of a vector, after
 * a cheap vectorised check found that element inconsistent (see reconstruct-checked.ts).
 *
 * Unknowns: the error locator E (monic, degree e) and Q = P·E (degree ≤ degree + e); equations
 * Q(x_i) = y_i·E(x_i). Solved by Gaussian elimination over the field.
 */
import type { Field } from '../field/types.ts'

export interface DecodeResult {
  /** Coefficients of P, constant term first. */
  readonly poly: bigint[]
  /** Indices (into xs) of the wrong points. */
  readonly bad: number[]
}

export function evalPoly(field: Field, poly: readonly bigint[], x: bigint): bigint {
  let acc = 0n
  for (let k = poly.length - 1; k >= 0; k--) acc = field.addS(field.mulS(acc, x), poly[k]!)
  return acc
}

/** Solve A·z = b (A square or overdetermined, consistent); returns undefined when no solution exists. */
function solve(field: Field, rows: bigint[][], cols: number): bigint[] | undefined {
  const m = rows.map((r) => r.slice())
  let rank = 0
  const pivotCol: number[] = []
  for (let c = 0; c < cols && rank < m.length; c++) {
    const pr = m.findIndex((row, i) => i >= rank && row[c] !== 0n)
    if (pr < 0) continue
    ;[m[rank], m[pr]] = [m[pr]!, m[rank]!]
    const inv = field.invS(m[rank]![c]!)
    m[rank] = m[rank]!.map((v) => field.mulS(v, inv))
    for (let i = 0; i < m.length; i++) {
      if (i === rank || m[i]![c] === 0n) continue
      const f = m[i]![c]!
      m[i] = m[i]!.map((v, k) => field.subS(v, field.mulS(f, m[rank]![k]!)))
    }
    pivotCol.push(c)
    rank++
  }
  // Inconsistent if a zero row has a non-zero right-hand side.
  for (let i = rank; i < m.length; i++) if (m[i]![cols] !== 0n) return undefined
  const z = new Array<bigint>(cols).fill(0n)
  pivotCol.forEach((c, i) => { z[c] = m[i]![cols]! })
  return z
}

/** Divide a by b (b monic or not); returns the quotient, or undefined if the remainder is non-zero. */
function divideExact(field: Field, a: readonly bigint[], b: readonly bigint[]): bigint[] | undefined {
  const rem = a.slice()
  const db = b.length - 1
  const q = new Array<bigint>(Math.max(0, a.length - db)).fill(0n)
  const lead = field.invS(b[db]!)
  for (let k = a.length - 1; k >= db; k--) {
    const coef = field.mulS(rem[k]!, lead)
    q[k - db] = coef
    for (let j = 0; j <= db; j++) rem[k - db + j] = field.subS(rem[k - db + j]!, field.mulS(coef, b[j]!))
  }
  return rem.every((v) => v === 0n) ? q : undefined
}

/**
 * Decode with up to maxErrors wrong points; tries e = maxErrors (the locator absorbs fewer errors
 * too). Returns undefined when no polynomial of `degree` agrees with all but maxErrors points.
 */
export function berlekampWelch(field: Field, xs: readonly bigint[], ys: readonly bigint[], degree: number, maxErrors: number): DecodeResult | undefined {
  const n = xs.length
  for (let e = maxErrors; e >= 0; e--) {
    if (n < degree + 1 + 2 * e) continue
    // Unknowns: q_0..q_{degree+e}, e_0..e_{e-1} (E monic: coefficient of x^e is 1).
    const qLen = degree + e + 1
    const cols = qLen + e
    const rows = xs.map((x, i) => {
      const row: bigint[] = []
      let xp = 1n
      for (let k = 0; k < qLen; k++) { row.push(xp); xp = field.mulS(xp, x) }
      xp = 1n
      for (let k = 0; k < e; k++) { row.push(field.negS(field.mulS(ys[i]!, xp))); xp = field.mulS(xp, x) }
      // right-hand side: y_i · x_i^e
      row.push(field.mulS(ys[i]!, xp))
      return row
    })
    const z = solve(field, rows, cols)
    if (!z) continue
    const q = z.slice(0, qLen)
    const locator = [...z.slice(qLen), 1n]
    const p = divideExact(field, q, locator)
    if (!p) continue
    const poly = p.slice(0, degree + 1)
    while (poly.length < degree + 1) poly.push(0n)
    const bad: number[] = []
    xs.forEach((x, i) => { if (evalPoly(field, poly, x) !== ys[i]) bad.push(i) })
    if (bad.length <= maxErrors) return { poly, bad }
  }
  return undefined
}
