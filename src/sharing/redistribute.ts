/**
 * Redistribution of a Shamir sharing to another committee without reconstructing it (Desmedt and
 * Jajodia 1997, "Redistributing Secret Shares to New Access Structures"; the dynamic-committee setting
 * of CHURP, Maram et al., CCS 2019, §4). Pure functions; the protocol that moves the sub-shares and
 * checks them lives in protocols/reshare.ts.
 *
 * Old member i holds c_i = P(x_i) of a degree-t_old polynomial P with P(0) = secret. It deals c_i with a
 * fresh degree-t_new polynomial Q_i (Q_i(0) = c_i) to the new committee: new member j gets Q_i(y_j).
 * New member j combines s'_j = Σ_{i∈S} λ_i·Q_i(y_j) for any set S of t_old + 1 old members, where λ_i are
 * the Lagrange coefficients of S at 0. Then Q = Σ λ_i·Q_i has Q(0) = Σ λ_i·c_i = P(0) and random
 * coefficients, so the new shares are a fresh degree-t_new sharing of the same secret, independent of
 * the old polynomial's other coefficients (an adversary's old and new shares do not combine).
 *
 * Checking (malicious old members) uses the parity-check matrix of the Reed–Solomon code formed by the
 * dealt constants: honest dealings c_D = (c_i)_{i∈D} are evaluations of one degree-t_old polynomial, so
 * H·c_D = 0. Any nonzero vector in the row space of H (the dual, a generalised RS code) has at least
 * t_old + 2 nonzero entries (MDS), so ≤ t_old corrupt dealers can never change their constants and keep
 * the syndrome zero once t_old + 1 honest dealers are in D.
 */
import { check } from '../common/errors.ts'
import type { Field, FieldVector, RandomSource } from '../field/types.ts'
import { lagrangeCoefficients } from './lagrange.ts'
import { pointOf } from './params.ts'
import { split } from './shamir.ts'

/**
 * Parity-check rows of the Reed–Solomon code of dimension `degree + 1` at the points of `parties`:
 * row r is (u_i·x_i^r)_i for r = 0 … m − degree − 2, with u_i = 1 / Π_{l≠i}(x_i − x_l). Σ_i u_i·f(x_i) is
 * the leading (x^{m−1}) coefficient of the polynomial interpolating f, which is 0 whenever
 * deg f ≤ m − 2; so every row annihilates x^r·P for deg P ≤ degree. Empty when m = degree + 1.
 */
export function parityCheckRows(field: Field, parties: readonly number[], degree: number): bigint[][] {
  const m = parties.length
  check(m >= degree + 1, 'parityCheckRows', `need at least ${degree + 1} points for degree ${degree}, got ${m}`)
  const xs = parties.map(pointOf)
  const u = xs.map((xi, i) => {
    let den = 1n
    xs.forEach((xl, l) => { if (l !== i) den = field.mulS(den, field.subS(xi, xl)) })
    return field.invS(den)
  })
  const rows: bigint[][] = []
  for (let r = 0; r < m - degree - 1; r++) rows.push(xs.map((xi, i) => field.mulS(u[i]!, field.powS(xi, BigInt(r)))))
  return rows
}

/**
 * Old member's dealing: its share vector (length L) and one pad element are split with a fresh
 * degree-`newDegree` polynomial among `newCount` new members. Element L (the pad) only serves the batch
 * degree check (sharing/consistency.ts). Returns one vector of L + 1 elements per new member.
 */
export function dealSubShares(field: Field, share: FieldVector, newCount: number, newDegree: number, random?: RandomSource): FieldVector[] {
  return split(field, field.concat([share, field.random(1, random)]), newCount, newDegree, random)
}

/**
 * The Lagrange weights that turn the sub-shares of `dealers` (old-committee indices, sorted, the first
 * `oldDegree + 1` used) into a new share: λ_i for the first oldDegree + 1 dealers, 0 for the rest.
 */
export function combinationWeights(field: Field, dealers: readonly number[], oldDegree: number): bigint[] {
  check(dealers.length >= oldDegree + 1, 'combinationWeights', `need ${oldDegree + 1} dealers for degree ${oldDegree}, got ${dealers.length}`)
  const used = dealers.slice(0, oldDegree + 1)
  const lambda = lagrangeCoefficients(field, used)
  return dealers.map((_, k) => (k <= oldDegree ? lambda[k]! : 0n))
}

/**
 * New member's share: Σ_i weights[i]·(sub-share from dealer i, without its pad). `subShares[k]` is what
 * dealer `dealers[k]` sent (L + 1 elements).
 */
export function combineSubShares(field: Field, subShares: readonly FieldVector[], weights: readonly bigint[]): FieldVector {
  check(subShares.length === weights.length && subShares.length > 0, 'combineSubShares', `got ${subShares.length} sub-shares and ${weights.length} weights`)
  const len = field.len(subShares[0]!) - 1
  return field.lincomb(weights, subShares.map((v) => field.view(v, 0, len)))
}

/**
 * New member j's values for the joint check, given public coefficients ρ (length L) drawn after the
 * dealing: for each dealer k, z_k = Σ_l ρ_l·sub_k[l] + pad_k (its share of a degree-t_new sharing of a
 * padded combination: the batch degree check of a dealing), then for each parity row h,
 * w_h = Σ_k h_k·Σ_l ρ_l·sub_k[l] (its share of a sharing of the syndrome, 0 when the dealt constants lie
 * on one degree-t_old polynomial). Opening the z's reveals nothing (each is masked by a fresh pad); the
 * w's are sharings of 0 whose other coefficients are independent of the new sharing (module comment).
 */
export function checkValues(field: Field, subShares: readonly FieldVector[], rho: FieldVector, parity: readonly (readonly bigint[])[]): FieldVector {
  const len = field.len(rho)
  const combos = subShares.map((v) => field.dot(field.view(v, 0, len), rho))
  const z = combos.map((c, k) => field.addS(c, field.get(subShares[k]!, len)))
  const w = parity.map((row) => row.reduce((acc, h, k) => field.addS(acc, field.mulS(h, combos[k]!)), 0n))
  return field.fromBigInts([...z, ...w])
}
