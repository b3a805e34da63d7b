/**
 * The first level of a carry tree or product tree over shared random bits, computed locally (issue #14,
 * step 2): one round fewer per comparison and about L/2 fewer multiplications.
 *
 * A leaf of the comparison trees (Catrina–de Hoogh 2010, §4.3; Damgård et al. 2006, §5) is affine in
 * ONE shared random bit x with public coefficients: g = g0 + g1·x, e = e0 + e1·x (for [c < r]:
 * g_i = (1 − c_i)·r_i, e_i = [c_i = r_i] = (2c_i − 1)·r_i + (1 − c_i); the XOR with c₀ ⊕ r₀ that
 * rides the carry tree is affine in r₀). Composing two leaves, (g, e) = (g_hi + e_hi·g_lo, e_hi·e_lo),
 * is then affine in x_hi, x_lo and the product x_hi·x_lo:
 *
 *     g = (g0h + e0h·g0l) + x_hi·(g1h + e1h·g0l) + x_lo·e0h·g1l + x_hi·x_lo·e1h·g1l
 *     e = e0h·e0l         + x_hi·e1h·e0l         + x_lo·e0h·e1l + x_hi·x_lo·e1h·e1l
 *
 * and x_hi·x_lo is independent of the input, so it is made with the bits themselves (bits.ts
 * `randomBitsWithPairs`, in the rounds that already make the bits). This is the classic trick of
 * moving input-independent products into preprocessing (as Catrina–de Hoogh 2010, §3, precompute
 * products of random values for their constant-round prefix multiplication), applied to the lowest
 * level of the tree. For L = 61 bits plus the XOR leaf, 62 leaves become 31 nodes: 5 rounds instead
 * of 6; for L = 127, 128 become 64: 6 instead of 7.
 */
import type { FieldVector } from '../field/types.ts'
import type { RowPairs } from './bits.ts'
import { concat, gather, gatherRows, keyVector } from './linear.ts'
import type { MpcSession, Shared } from './session.ts'

/**
 * `count` leaves, each affine in one row of a bit matrix (bit-major, N values per row): leaf k is
 * g = g0 + g1·x, e = e0 + e1·x with x = row rows[k], and its coefficient vectors at [k·N, (k+1)·N).
 */
export interface AffineLeaves {
  readonly rows: readonly number[]
  readonly g0: FieldVector
  readonly g1: FieldVector
  readonly e0: FieldVector
  readonly e1: FieldVector
}

/**
 * `count` nodes of the tree, stacked: node k (g = [c < r] and e = [c = r] on its bit segment, as in
 * prefix.ts) is elements [k·N, (k+1)·N) of `g` and `e`. One vector per level instead of one per node:
 * the trees of a one-value comparison handle dozens of one-element nodes, and per-node vectors cost
 * more than the arithmetic (issue #14).
 */
export interface StackedNodes {
  readonly g: Shared
  readonly e: Shared
  readonly count: number
}

/** The row pairs whose products `composePairs` needs for leaves on these rows: (2j, 2j + 1), low first. */
export function leafPairRows(rows: readonly number[]): RowPairs {
  return Array.from({ length: Math.floor(rows.length / 2) }, (_, j) => [rows[2 * j]!, rows[2 * j + 1]!] as const)
}

/** c + Σ x_k·coef_k for shared x_k and public vectors c, coef_k (with MACs: c·[r] + Σ coef_k·[r·x_k]). */
function affine(s: MpcSession, c: FieldVector, terms: readonly (readonly [Shared, FieldVector])[]): Shared {
  const f = s.field
  const v = f.slice(c, 0)
  for (const [x, k] of terms) f.muladd(x.v, k, v, v)
  if (!terms.every(([x]) => x.m)) return { v, m: undefined }
  const m = f.mul(c, keyVector(s, f.len(c)))
  for (const [x, k] of terms) f.muladd(x.m!, k, m, m)
  return { v, m }
}

/**
 * Leaves (2j, 2j + 1) composed locally with the products `prods` of their rows (pair-major, in
 * `leafPairRows` order), the last leaf of an odd count as it is: ⌈count/2⌉ nodes, low to high. With
 * needG false only e is computed (product trees: Π e_i), and g is returned as e.
 */
export function composePairs(s: MpcSession, leaves: AffineLeaves, bits: Shared, prods: Shared, N: number, needG = true): StackedNodes {
  const f = s.field
  const count = leaves.rows.length
  const pairs = Math.floor(count / 2)
  const lo = Array.from({ length: pairs }, (_, j) => 2 * j)
  const hi = Array.from({ length: pairs }, (_, j) => 2 * j + 1)
  const pick = (v: FieldVector, ks: readonly number[]): FieldVector => gatherRows(f, v, ks, N)
  const xl = gather(s, bits, lo.map((k) => leaves.rows[k]!), N)
  const xh = gather(s, bits, hi.map((k) => leaves.rows[k]!), N)
  const [e0h, e1h, e0l, e1l] = [pick(leaves.e0, hi), pick(leaves.e1, hi), pick(leaves.e0, lo), pick(leaves.e1, lo)]
  let e = affine(s, f.mul(e0h, e0l), [[xh, f.mul(e1h, e0l)], [xl, f.mul(e0h, e1l)], [prods, f.mul(e1h, e1l)]])
  let g = e
  if (needG) {
    const [g0h, g1h, g0l, g1l] = [pick(leaves.g0, hi), pick(leaves.g1, hi), pick(leaves.g0, lo), pick(leaves.g1, lo)]
    g = affine(s, f.muladd(e0h, g0l, g0h), [[xh, f.muladd(e1h, g0l, g1h)], [xl, f.mul(e0h, g1l)], [prods, f.mul(e1h, g1l)]])
  }
  if (count % 2 === 1) {
    // The last leaf of an odd count stays a node of its own, on top.
    const k = count - 1
    const x = gather(s, bits, [leaves.rows[k]!], N)
    const at = (v: FieldVector) => f.view(v, k * N, (k + 1) * N)
    const eOdd = affine(s, at(leaves.e0), [[x, at(leaves.e1)]])
    const gOdd = needG ? affine(s, at(leaves.g0), [[x, at(leaves.g1)]]) : eOdd
    e = concat(s, [e, eOdd])
    g = needG ? concat(s, [g, gOdd]) : e
  }
  return { g, e, count: Math.ceil(count / 2) }
}
