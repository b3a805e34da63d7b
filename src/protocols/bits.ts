/**
 * Shared random bits and bit-level circuits, in bit-major layout: a "bit matrix" of width L over N
 * values is one shared vector of L·N elements where bit i of value j sits at i·N + j. Every level of
 * a circuit is one vectorised multiplication, so N values cost the rounds of one.
 */
import type { Field, FieldVector } from '../field/types.ts'
import { takeDoubles, takeRandom } from './pools.ts'
import { openRaw } from './open.ts'
import { mul, mulRaw } from './mul.ts'
import { assertCheckPassed, ensureMacKey, oneTimeCheckShare, ONE_TIME_CHECK_RANDOMS, recordForCheck } from './mac.ts'
import { CheatingDetectedError } from './errors.ts'
import { isEnigmaError } from '../common/errors.ts'
import { keyVector, concat, slice, mulPublic, addPublic, add, gather, gatherRows } from './linear.ts'
import type { MpcSession, Shared } from './session.ts'
import { composePairs, leafPairRows, type AffineLeaves, type StackedNodes } from './paired-leaves.ts'

/**
 * Elements per block of `powVector`: the ~60 squarings of a random-bit square root run on one
 * cache-sized block at a time (2 vectors of 2048 elements: 32 KB in p61) instead of streaming the
 * whole L·N vector through memory once per squaring.
 */
const POW_BLOCK = 2048

/**
 * x^e element-wise (e public). A power of two, as the square-root exponent (p + 1)/4 = 2^(bits−2) of
 * both Mersenne fields is, is one `sqrPow2k` call (every element stays in registers for all its
 * squarings; issue #14: the 59 one-call-per-squaring passes were 23 % of a comparison batch's CPU);
 * any other exponent goes by square-and-multiply, block by block (POW_BLOCK).
 */
export function powVector(f: Field, x: FieldVector, e: bigint): FieldVector {
  if (e > 0n && (e & (e - 1n)) === 0n) return f.sqrPow2k(x, e.toString(2).length - 1)
  const n = f.len(x)
  if (n <= POW_BLOCK) return powBlock(f, x, e)
  const parts: FieldVector[] = []
  for (let off = 0; off < n; off += POW_BLOCK) parts.push(powBlock(f, f.view(x, off, Math.min(n, off + POW_BLOCK)), e))
  return f.concat(parts)
}

function powBlock(f: Field, x: FieldVector, e: bigint): FieldVector {
  let result: FieldVector | undefined
  let base = f.slice(x, 0)
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) result = result ? f.mul(result, base, result) : f.slice(base, 0)
    if (k > 1n) base = f.mul(base, base, base)
  }
  return result ?? f.fill(f.len(x), 1n)
}

/**
 * Random sharings and double sharings one `randomBits(count)` call consumes (with `pairs` products of
 * two of its bits, randomBitsWithPairs), so that callers can reserve them with their own preprocessing
 * in one round. Semi-honest: a per bit, one double sharing to re-randomise the opened square and one
 * per pair product. Malicious: a per bit, the one-time check key and the check's coin; doubles for
 * [r·a] and [r'·a] (one multiplication of 2·count) and for a² and r'·a² (another), and two per pair
 * product (the product and its MAC).
 */
export function randomBitsNeeds(s: MpcSession, count: number, pairs = 0): { randoms: number; doubles: number } {
  return s.malicious
    ? { randoms: count + 1 + ONE_TIME_CHECK_RANDOMS, doubles: 4 * count + 2 * pairs }
    : { randoms: count, doubles: count + pairs }
}

/** Pairs of rows (i, j) of a bit matrix whose products randomBitsWithPairs returns alongside the bits. */
export type RowPairs = readonly (readonly [number, number])[]

/**
 * `count` shared uniformly random bits (Damgård, Fitzi, Kiltz, Nielsen, Toft 2006, "Unconditionally
 * Secure Constant-Rounds MPC for Equality, Comparison, Bits and Exponentiation", §3): take a random
 * [a], open a², and set b = (a/√(a²) + 1)/2, which is 0 or 1 with probability ½ each since √(a²) is
 * ±a. Needs p ≡ 3 mod 4 (√y = y^((p+1)/4)), true for both Mersenne fields.
 *
 * Semi-honest: a² is opened from the local degree-2t product in one round (re-randomised). This mode
 * does not resist active attacks (docs/security.md): a party that sends a wrong share of a² there can
 * make the bits non-binary; a zero or non-square a² is still reported as cheating, never as a field
 * error.
 *
 * Malicious (docs/security.md, "Privacy before abort"): the multiplication a·a is secure only up to an additive error
 * (Genkin et al. 2014; Chida et al. 2018, §3). An error δ on a² makes every "bit" one of two
 * non-binary values the cheater can compute, so the mask r = Σ 2^i·b_i is no longer uniform and the
 * next opening of y + r (comparison, truncation, bit decomposition, division) leaks bits of y, even
 * though the final MAC check aborts the run. Privacy with abort therefore needs a² verified BEFORE any
 * bit is used: a and a² are authenticated under a one-time key r' as well, and the Chida et al. MAC
 * check of exactly these pairs (mac.ts `oneTimeCheckShare`) runs before the bits are returned, batched
 * over all `count` bits, and its result T is opened together with a². Cost: +1 round per call (the
 * opening of r' and the check coin) and one more multiplication per bit, instead of +3 rounds (coin,
 * [r]·[w], opening) for a check that keeps the session key r secret. The opened a² reveals only a²,
 * which is independent of every input; if T ≠ 0 the run aborts before the bits exist. The session-key
 * MAC [r·a] the bits carry onward is logged for the final check (a wrong MAC changes no value).
 */
export async function randomBits(s: MpcSession, count: number): Promise<Shared> {
  return (await randomBitsWithPairs(s, count, 1, [])).bits
}

/**
 * `rows`·N random bits (bit-major, N per row, as randomBits) and, in the same rounds, the products
 * b_i·b_j of the row pairs (i, j) of `pairs` (pairs.length·N values, pair-major). The products let a
 * carry tree or product tree compute its first level locally (carry-tree.ts), one round fewer: the
 * product of two bits b = k·a + ½ is an affine function of a_i·a_j, which is one more degree-2t product
 * in the opening that already reveals a² (semi-honest, DN07 with all-to-all opening) or one more pair
 * in the round that computes a² (malicious, with its session-key MAC [r·a_i]·a_j logged for the final
 * check). An error a cheater adds to a_i·a_j changes only the product, never the bits: the mask the bits
 * make stays uniform, and the final MAC check catches the wrong product (red-team.test.ts).
 */
export async function randomBitsWithPairs(s: MpcSession, rows: number, N: number, pairs: RowPairs): Promise<{ bits: Shared; pairs: Shared }> {
  const f = s.field
  const count = rows * N
  const P = pairs.length * N
  await ensureMacKey(s)
  const raw = f.slice(await takeRandom(s, count), 0)
  const [left, right] = pairOperands(f, raw, N, pairs)
  let a: Shared
  let squares: FieldVector
  let rawPairs: Shared
  if (!s.malicious) {
    a = { v: raw, m: undefined }
    // Re-randomise before opening (DN07 degree reduction without the last step): the raw product f² of
    // a's sharing polynomial would reveal f up to sign, hence a and the bit (arith-bits.test.ts). The
    // pair products are DN07 multiplications in the same all-to-all opening.
    const z = await takeDoubles(s, count + P)
    // Written in place into one vector (these are L·N-element temporaries: 4 MB each for an 8 192-value
    // comparison in p61, and their allocation and collection showed in the batch's profile).
    const masked = f.zeros(count + P)
    const squaresPart = f.view(masked, 0, count)
    f.sub(f.muladd(raw, raw, f.view(z.t2, 0, count), squaresPart), f.view(z.t, 0, count), squaresPart)
    f.muladd(left, right, f.view(z.t2, count), f.view(masked, count))
    const opened = await openRaw(s, masked, 2 * s.t, 'bits')
    squares = f.view(opened, 0, count)
    rawPairs = { v: f.sub(f.view(opened, count), f.view(z.t, count)), m: undefined }
    s.stats.multiplications += P
  } else {
    ({ a, squares, pairs: rawPairs } = await verifiedSquares(s, raw, N, pairs))
  }
  const roots = powVector(f, squares, (f.p + 1n) / 4n)
  const half = f.invS(2n) // (p + 1)/2: a shift, not an exponentiation (field/reference.ts)
  const inverses = invertRoots(f, roots, squares)
  const coef = f.scale(inverses, half, inverses)
  s.stats.randomBits += count
  const bits = {
    v: f.muladd(a.v, coef, f.fill(count, half)),
    m: a.m ? f.muladd(a.m, coef, f.scale(keyVector(s, count), half)) : undefined,
  }
  return { bits, pairs: pairProducts(s, a, coef, N, pairs, rawPairs) }
}

/** Rows i (left) and rows j (right) of the pairs, each concatenated pair-major. */
function pairOperands(f: Field, v: FieldVector, N: number, pairs: RowPairs): [FieldVector, FieldVector] {
  return [gatherRows(f, v, pairs.map(([i]) => i), N), gatherRows(f, v, pairs.map(([, j]) => j), N)]
}

/**
 * b_i·b_j from a_i·a_j for bits b = k·a + ½: k_i·k_j·(a_i·a_j) + ½·(k_i·a_i + k_j·a_j) + ¼, and the
 * same linear map on the MACs (the constant ¼ becomes ¼·[r]).
 */
function pairProducts(s: MpcSession, a: Shared, coef: FieldVector, N: number, pairs: RowPairs, prod: Shared): Shared {
  const f = s.field
  const P = pairs.length * N
  if (P === 0) return { v: f.zeros(0), m: a.m ? f.zeros(0) : undefined }
  const [ki, kj] = pairOperands(f, coef, N, pairs)
  const kk = f.mul(ki, kj)
  const half = f.invS(2n)
  const quarters = f.fill(P, f.mulS(half, half))
  const affine = (x: FieldVector, xy: FieldVector, one: FieldVector): FieldVector => {
    const [xi, xj] = pairOperands(f, x, N, pairs)
    return f.muladd(kk, xy, f.muladd(one, quarters, f.scale(f.muladd(ki, xi, f.mul(kj, xj)), half)))
  }
  return { v: affine(a.v, prod.v, f.fill(P, 1n)), m: a.m ? affine(a.m, prod.m!, keyVector(s, P)) : undefined }
}

/**
 * Malicious mode: [a] with its session-key MAC, and a² opened only together with a passed check of
 * the one-time-key MACs of a and a² (see randomBits). Three rounds: two multiplications, the check's
 * key and coin; the opening of a² carries T. The pair products a_i·a_j and their session-key MACs
 * [r·a_i]·a_j ride the second multiplication and are logged for the final check.
 */
async function verifiedSquares(s: MpcSession, raw: FieldVector, N: number, pairs: RowPairs): Promise<{ a: Shared; squares: FieldVector; pairs: Shared }> {
  const f = s.field
  const count = f.len(raw)
  const P = pairs.length * N
  const oneTimeKey = f.slice(await takeRandom(s, 1), 0)
  const macs = await mulRaw(s, f.concat([keyVector(s, count), f.fill(count, f.get(oneTimeKey, 0))]), f.concat([raw, raw]))
  const a = { v: raw, m: f.slice(macs, 0, count) }
  recordForCheck(s, a)
  const aCheckMac = f.view(macs, count)
  const [left, right] = pairOperands(f, raw, N, pairs)
  const [leftMac] = pairOperands(f, a.m, N, pairs)
  const sq = await mulRaw(s, f.concat([raw, aCheckMac, left, leftMac]), f.concat([raw, raw, right, right]))
  const square = f.view(sq, 0, count)
  const prod = { v: f.slice(sq, 2 * count, 2 * count + P), m: f.slice(sq, 2 * count + P) }
  if (P > 0) recordForCheck(s, prod)
  const T = await oneTimeCheckShare(s, oneTimeKey, [{ v: raw, m: aCheckMac }, { v: square, m: f.view(sq, count, 2 * count) }], 'bits-check')
  const opened = await openRaw(s, f.concat([square, f.fromBigInts([T])]), s.t, 'bits')
  assertCheckPassed(f.get(opened, count), 'randomBits', 'a party added an error to a multiplication of the random-bit generation')
  return { a, squares: f.slice(opened, 0, count), pairs: prod }
}

/**
 * 1/√(a²), after checking that each opened square has a root: root² = square and square ≠ 0. A cheater
 * who alters its share of a² (semi-honest mode, or malicious mode where the check above already
 * aborts) could otherwise give a non-square (√ then returns a root of −a², and the "bits" are not
 * bits) or force a² = 0 (an inverse of zero). Both are reported as cheating with no culprit: the
 * opened value does not say who altered it. An honest a = 0 (probability count/p, p ≥ 2^61) is
 * reported the same way; failing loudly beats a biased bit.
 */
function invertRoots(f: Field, roots: FieldVector, squares: FieldVector): FieldVector {
  const malformed = () => new CheatingDetectedError('randomBits', 'an opened square a² is zero or not a square: some party altered its share of a²')
  const check = f.mul(roots, roots)
  if (!f.equal(check, squares)) throw malformed()
  try {
    return f.inv(roots, check) // the check's vector is free again: the inverses go there
  } catch (e) {
    if (isEnigmaError(e, 'FIELD_DIVISION_BY_ZERO')) throw malformed()
    throw e
  }
}

/**
 * Bits of public values: bits[i·N + j] = bit i of c[j], as 0/1 bytes, for i < L. Reads the vector's
 * 32-bit words directly (no per-element BigInt).
 */
export function publicBits(f: Field, c: FieldVector, L: number): Uint8Array {
  const n = f.len(c)
  const words = new Uint32Array(c.buffer, c.byteOffset, c.length * 2)
  const per = f.limbs * 2
  const out = new Uint8Array(L * n)
  for (let i = 0; i < L; i++) {
    const w = i >>> 5
    const sh = i & 31
    const row = i * n
    for (let j = 0; j < n; j++) out[row + j] = (words[j * per + w]! >>> sh) & 1
  }
  return out
}

/** 0/1 bytes as a field vector. */
export function bitsToField(f: Field, bits: Uint8Array): FieldVector {
  return f.fromUint32(new Uint32Array(bits))
}

/** A shared bit affine in one row of a bit matrix: u = k0 + k1·r_row (public k0, k1), e.g. c₀ ⊕ r₀. */
export interface AffineBit {
  readonly row: number
  readonly k0: FieldVector
  readonly k1: FieldVector
}

/** The leaves' rows of bitLessThanPublic: bits 0..L−1, then the XOR leaf's row if there is one. */
function lessThanRows(L: number, xorRow?: number): number[] {
  return [...Array.from({ length: L }, (_, i) => i), ...(xorRow === undefined ? [] : [xorRow])]
}

/** The row pairs whose products bitLessThanPublic needs (randomBitsWithPairs). */
export function lessThanPairs(L: number, xorRow?: number): RowPairs {
  return leafPairRows(lessThanRows(L, xorRow))
}

/**
 * [c < r] for public values c and shared bits r (width L, bit-major), by a carry-lookahead tree
 * (Catrina–de Hoogh 2010, "Improved Primitives for Secure Multiparty Integer Computation", §4.3):
 * leaves g_i = (1−c_i)·r_i ("r is larger at bit i") and e_i = [c_i = r_i], both linear in r_i since c
 * is public; siblings combine as (g, e) = (g_hi + e_hi·g_lo, e_hi·e_lo). The first level is local,
 * from the products `prods` of the rows `lessThanPairs(L, xorWith?.row)` made with the bits
 * (paired-leaves.ts); then ⌈log₂ ⌈M/2⌉⌉ rounds for M leaves, about L multiplications per value.
 * With `xorWith` (a shared bit u) the result is [c < r] ⊕ u: a node (g, e) is the map x ↦ g + e·x of
 * the carry x from the bits below, and siblings compose as affine maps; XOR with u is the affine map
 * x ↦ u + (1 − 2u)·x, so it rides the tree as one more, most significant, leaf instead of costing a
 * round after it (M = L + 1: 5 rounds for L = 61, 6 for L = 127).
 */
export async function bitLessThanPublic(s: MpcSession, c: Uint8Array, r: Shared, L: number, N: number, prods: Shared, xorWith?: AffineBit): Promise<Shared> {
  const f = s.field
  const cf = bitsToField(f, c.subarray(0, L * N))
  const one = f.fill(L * N, 1n)
  const oneMinusC = f.sub(one, cf)
  const e1 = f.sub(f.add(cf, cf), one)
  const x = xorWith
  const leaves: AffineLeaves = {
    rows: lessThanRows(L, x?.row),
    g0: x ? f.concat([f.zeros(L * N), x.k0]) : f.zeros(L * N),
    g1: x ? f.concat([oneMinusC, x.k1]) : oneMinusC,
    e0: x ? f.concat([oneMinusC, f.addScalar(f.scale(x.k0, f.negS(2n)), 1n)]) : oneMinusC,
    e1: x ? f.concat([e1, f.scale(x.k1, f.negS(2n))]) : e1,
  }
  return carryTree(s, composePairs(s, leaves, r, prods, N), N)
}

/**
 * Composes the (g, e) nodes from least to most significant, one multiplication round per level. The
 * nodes are stacked (paired-leaves.ts): a level gathers its high and low nodes' rows into the two
 * operands of one multiplication, (g, e) = (g_hi + e_hi·g_lo, e_hi·e_lo), an odd top node moving up
 * as it is.
 */
async function carryTree(s: MpcSession, leaves: StackedNodes, N: number): Promise<Shared> {
  let { g, e, count } = leaves
  while (count > 1) {
    const pairs = Math.floor(count / 2)
    const last = count === 2
    const lo = Array.from({ length: pairs }, (_, j) => 2 * j)
    const hi = Array.from({ length: pairs }, (_, j) => 2 * j + 1)
    // The last level needs only g: e_hi·g_lo. Below it, e_hi·(g_lo, e_lo) in one product.
    const left = gather(s, e, last ? hi : [...hi, ...hi], N)
    const right = last ? gather(s, g, lo, N) : concat(s, [gather(s, g, lo, N), gather(s, e, lo, N)])
    const prod = await mul(s, left, right)
    let nextG = add(s, gather(s, g, hi, N), slice(s, prod, 0, pairs * N))
    let nextE = last ? gather(s, e, hi, N) : slice(s, prod, pairs * N, 2 * pairs * N)
    if (count % 2 === 1) {
      nextG = concat(s, [nextG, slice(s, g, (count - 1) * N, count * N)])
      nextE = concat(s, [nextE, slice(s, e, (count - 1) * N, count * N)])
    }
    ;[g, e, count] = [nextG, nextE, Math.ceil(count / 2)]
  }
  return g
}

/** [c_i = r_i] for public bits c (as field elements) and shared bits r: c ? r : 1 − r = r·(2c − 1) + (1 − c). */
export function bitEqualsPublic(s: MpcSession, r: Shared, cf: FieldVector): Shared {
  const f = s.field
  const ones = f.fill(f.len(cf), 1n)
  return addPublic(s, mulPublic(s, r, f.sub(f.add(cf, cf), ones)), f.sub(ones, cf))
}

/** The row pairs whose products allBitsEqualPublic needs: (2j, 2j + 1). */
export function equalityPairs(L: number): RowPairs {
  return leafPairRows(Array.from({ length: L }, (_, i) => i))
}

/**
 * [c = r] = Π_i [c_i = r_i] for public c and shared bits r (width L, bit-major): the first level of
 * the product tree is local, from the products `prods` of the rows `equalityPairs(L)` made with the
 * bits (paired-leaves.ts), then ⌈log₂ ⌈L/2⌉⌉ rounds (5 for L = 61).
 */
export async function allBitsEqualPublic(s: MpcSession, c: Uint8Array, r: Shared, L: number, N: number, prods: Shared): Promise<Shared> {
  const f = s.field
  const cf = bitsToField(f, c.subarray(0, L * N))
  const one = f.fill(L * N, 1n)
  const oneMinusC = f.sub(one, cf)
  const e1 = f.sub(f.add(cf, cf), one)
  const leaves: AffineLeaves = { rows: Array.from({ length: L }, (_, i) => i), g0: oneMinusC, g1: e1, e0: oneMinusC, e1 }
  const nodes = composePairs(s, leaves, r, prods, N, false)
  return productOf(s, nodes.e, nodes.count, N)
}

/** Π_i factors_i for `count` stacked shared factors of N elements each, by a balanced tree: ⌈log₂ count⌉ rounds. */
async function productOf(s: MpcSession, factors: Shared, count: number, N: number): Promise<Shared> {
  let nodes = factors
  let k = count
  while (k > 1) {
    const pairs = Math.floor(k / 2)
    // Node j times node j + pairs: the two halves are contiguous, so the operands are views.
    const prod = await mul(s, slice(s, nodes, 0, pairs * N), slice(s, nodes, pairs * N, 2 * pairs * N))
    nodes = k % 2 === 1 ? concat(s, [prod, slice(s, nodes, (k - 1) * N, k * N)]) : prod
    k = Math.ceil(k / 2)
  }
  return nodes
}
