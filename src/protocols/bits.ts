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
import { keyVector, concat, slice, mulPublic, addPublic, add } from './linear.ts'
import type { MpcSession, Shared } from './session.ts'

/** x^e element-wise by square-and-multiply (e public). */
export function powVector(f: Field, x: FieldVector, e: bigint): FieldVector {
  let result: FieldVector | undefined
  let base = f.slice(x, 0)
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) result = result ? f.mul(result, base, result) : f.slice(base, 0)
    if (k > 1n) base = f.mul(base, base, base)
  }
  return result ?? f.fill(f.len(x), 1n)
}

/**
 * Random sharings and double sharings one `randomBits(count)` call consumes, so that callers can
 * reserve them with their own preprocessing in one round. Semi-honest: a per bit, one double sharing
 * to re-randomise the opened square. Malicious: a per bit, the one-time check key and the check's
 * coin; doubles for [r·a] and [r'·a] (one multiplication of 2·count) and for a² and r'·a² (another).
 */
export function randomBitsNeeds(s: MpcSession, count: number): { randoms: number; doubles: number } {
  return s.malicious ? { randoms: count + 1 + ONE_TIME_CHECK_RANDOMS, doubles: 4 * count } : { randoms: count, doubles: count }
}

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
  const f = s.field
  await ensureMacKey(s)
  const raw = f.slice(await takeRandom(s, count), 0)
  let a: Shared
  let squares: FieldVector
  if (!s.malicious) {
    a = { v: raw, m: undefined }
    // Re-randomise before opening (DN07 degree reduction without the last step): the raw product f² of
    // a's sharing polynomial would reveal f up to sign, hence a and the bit (arith-bits.test.ts).
    const z = await takeDoubles(s, count)
    squares = await openRaw(s, f.sub(f.muladd(raw, raw, z.t2), z.t), 2 * s.t, 'bits')
  } else {
    ({ a, squares } = await verifiedSquares(s, raw))
  }
  const roots = powVector(f, squares, (f.p + 1n) / 4n)
  const half = f.invS(2n)
  const coef = f.scale(invertRoots(f, roots, squares), half)
  s.stats.randomBits += count
  return {
    v: f.muladd(a.v, coef, f.fill(count, half)),
    m: a.m ? f.muladd(a.m, coef, f.scale(keyVector(s, count), half)) : undefined,
  }
}

/**
 * Malicious mode: [a] with its session-key MAC, and a² opened only together with a passed check of
 * the one-time-key MACs of a and a² (see randomBits). Three rounds: two multiplications, the check's
 * key and coin; the opening of a² carries T.
 */
async function verifiedSquares(s: MpcSession, raw: FieldVector): Promise<{ a: Shared; squares: FieldVector }> {
  const f = s.field
  const count = f.len(raw)
  const oneTimeKey = f.slice(await takeRandom(s, 1), 0)
  const macs = await mulRaw(s, f.concat([keyVector(s, count), f.fill(count, f.get(oneTimeKey, 0))]), f.concat([raw, raw]))
  const a = { v: raw, m: f.slice(macs, 0, count) }
  recordForCheck(s, a)
  const aCheckMac = f.view(macs, count)
  const sq = await mulRaw(s, f.concat([raw, aCheckMac]), f.concat([raw, raw]))
  const square = f.view(sq, 0, count)
  const T = await oneTimeCheckShare(s, oneTimeKey, [{ v: raw, m: aCheckMac }, { v: square, m: f.view(sq, count) }], 'bits-check')
  const opened = await openRaw(s, f.concat([square, f.fromBigInts([T])]), s.t, 'bits')
  assertCheckPassed(f.get(opened, count), 'randomBits', 'a party added an error to a multiplication of the random-bit generation')
  return { a, squares: f.slice(opened, 0, count) }
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
  if (!f.equal(f.mul(roots, roots), squares)) throw malformed()
  try {
    return f.inv(roots)
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

/**
 * [c < r] for public values c and shared bits r (width L, bit-major), by a carry-lookahead tree
 * (Catrina–de Hoogh 2010, "Improved Primitives for Secure Multiparty Integer Computation", §4.3):
 * leaves g_i = (1−c_i)·r_i ("r is larger at bit i") and e_i = [c_i = r_i], both linear in r_i since c
 * is public; siblings combine as (g, e) = (g_hi + e_hi·g_lo, e_hi·e_lo). ⌈log₂ L⌉ rounds, about 2L
 * multiplications per value. With `xorWith` (a shared bit u) the result is [c < r] ⊕ u, in the same
 * rounds when ⌈log₂(L+1)⌉ = ⌈log₂ L⌉.
 */
export async function bitLessThanPublic(s: MpcSession, c: Uint8Array, r: Shared, L: number, N: number, xorWith?: Shared): Promise<Shared> {
  const f = s.field
  const cf = bitsToField(f, c)
  const oneMinusC = f.sub(f.fill(L * N, 1n), cf)
  const g = mulPublic(s, r, oneMinusC)
  const e = bitEqualsPublic(s, r, cf)
  const nodes0 = Array.from({ length: L }, (_, i) => ({ g: slice(s, g, i * N, (i + 1) * N), e: slice(s, e, i * N, (i + 1) * N) }))
  // A node (g, e) is the map x ↦ g + e·x of the carry x from the bits below, and siblings compose as
  // affine maps; XOR with a shared bit u is the affine map x ↦ u + (1 − 2u)·x, so it rides the tree as
  // one more, most significant, leaf instead of costing a round after it (⌈log₂(L+1)⌉ levels: 6 for
  // L = 61, 7 for L = 127, the same as without it).
  if (xorWith !== undefined) nodes0.push({ g: xorWith, e: addPublic(s, mulPublic(s, xorWith, f.negS(2n)), 1n) })
  return carryTree(s, nodes0, N)
}

/** Composes the (g, e) leaves from least to most significant, one multiplication round per level. */
async function carryTree(s: MpcSession, leaves: { g: Shared; e: Shared }[], N: number): Promise<Shared> {
  let nodes = leaves
  while (nodes.length > 1) {
    const pairs = Math.floor(nodes.length / 2)
    const last = nodes.length === 2
    const lo = Array.from({ length: pairs }, (_, j) => nodes[2 * j]!)
    const hi = Array.from({ length: pairs }, (_, j) => nodes[2 * j + 1]!)
    const left = concat(s, last ? hi.map((h) => h.e) : [...hi.map((h) => h.e), ...hi.map((h) => h.e)])
    const right = concat(s, last ? lo.map((l) => l.g) : [...lo.map((l) => l.g), ...lo.map((l) => l.e)])
    const prod = await mul(s, left, right)
    const next = hi.map((h, j) => ({
      g: add(s, h.g, slice(s, prod, j * N, (j + 1) * N)),
      e: last ? h.e : slice(s, prod, (pairs + j) * N, (pairs + j + 1) * N),
    }))
    if (nodes.length % 2 === 1) next.push(nodes[nodes.length - 1]!)
    nodes = next
  }
  return nodes[0]!.g
}

/** [c_i = r_i] for public bits c (as field elements) and shared bits r: c ? r : 1 − r = r·(2c − 1) + (1 − c). */
export function bitEqualsPublic(s: MpcSession, r: Shared, cf: FieldVector): Shared {
  const f = s.field
  const ones = f.fill(f.len(cf), 1n)
  return addPublic(s, mulPublic(s, r, f.sub(f.add(cf, cf), ones)), f.sub(ones, cf))
}

/** Π_i x_i over L shared vectors of N elements (bit-major), by a balanced tree: ⌈log₂ L⌉ rounds. */
export async function productTree(s: MpcSession, x: Shared, L: number, N: number): Promise<Shared> {
  let nodes = Array.from({ length: L }, (_, i) => slice(s, x, i * N, (i + 1) * N))
  while (nodes.length > 1) {
    const pairs = Math.floor(nodes.length / 2)
    const prod = await mul(s, concat(s, nodes.slice(0, pairs)), concat(s, nodes.slice(pairs, 2 * pairs)))
    const next = Array.from({ length: pairs }, (_, j) => slice(s, prod, j * N, (j + 1) * N))
    if (nodes.length % 2 === 1) next.push(nodes[nodes.length - 1]!)
    nodes = next
  }
  return nodes[0]!
}
