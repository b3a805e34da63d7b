/**
 * Exact integer division and remainder by a public or a secret divisor.
 *
 * Conventions: unsigned operands are 0 ≤ a < 2^k. Signed operands are −2^(k−1) ≤ a < 2^(k−1) (stored
 * as p + a) and the quotient truncates toward zero like JS BigInt `/` and C; the remainder has the
 * dividend's sign (BigInt `%`): a = q·d + rem, |rem| < |d|. MIN / −1 gives 2^(k−1) (exact, not wrapped).
 *
 * divPublic / modPublic (public d ≥ 1), unsigned core:
 * - d = 1, d a power of two 2^j (exact trunc/mod2m of trunc.ts), d ≥ 2^k (q = 0): special cases.
 * - Otherwise multiply by the public M = ⌈2^ℓ / d⌉ (free) and truncate exactly: q0 = ⌊a·M / 2^ℓ⌋
 *   (Granlund–Montgomery 1994, "Division by Invariant Integers using Multiplication", §4: with
 *   ℓ = k + ⌈log₂ d⌉, q0 = ⌊a/d⌋ for every a < 2^k). a·M must fit the exact truncation
 *   (bitlen((2^k − 1)·M) + 2 ≤ field bits), so in a narrow field ℓ is lowered; then
 *   q0 − ⌊a/d⌋ ∈ [0, δ] with δ = ⌊((d − 1)·2^ℓ + (2^k − 1)·e) / (d·2^ℓ)⌋, e = M·d − 2^ℓ, and the
 *   remainder candidates rem0 + j·d (j < δ) are sign-tested in one vectorised comparison
 *   (Nishide–Ohta 2007 §4 lsb trick): q = q0 − #{j : rem0 + j·d < 0}.
 * - Range: 2k ≤ field bits + 3, i.e. k ≤ 32 in p61 and k ≤ 65 in p127 (beyond: MPC_UNSUPPORTED,
 *   except the special cases, which need only k + 3 ≤ field bits). With 2k + 3 ≤ field bits
 *   (k ≤ 29 in p61, k ≤ 62 in p127) δ = 0 and no correction is needed; at the limit δ ≤ 11 (p61,
 *   k = 32, d = 3) and δ ≤ 5 (p127, k = 65), checked for d < 20000 and d near powers of two; a
 *   safety check throws MPC_UNSUPPORTED if δ ever exceeds 16.
 * - Signed: s = [a < 0] (lsb trick), |a| = a·(1 − 2s), q = q_u·(1 − 2s), rem = a − q·d.
 * - Rounds (measured, semi-honest, p61; malicious +1 to +3, p127 +1): δ = 0: one exact truncation,
 *   10; with remainder candidates (e.g. k = 32, d = 3): 21; signed adds 11. Multiplications per value
 *   ≈ 2L + 4 per masked step (truncation, each of the δ candidates, sign test); random bits L per step.
 *
 * divSecret / modSecret (secret b), restoring long division in radix 4 (textbook restoring division,
 * e.g. Knuth TAOCP vol. 2 §4.3.1; exact by construction):
 * - the bits of a (bitDecomposeCircuit, bit-decompose.ts) and [b = 0] (Damgård et al. 2006 §5: c = b + r
 *   agrees with r on every bit) share one opening and one lock-step circuit; then all the steps'
 *   random bits are drawn at once.
 * - ⌈k/2⌉ sequential steps (radix 4; radix 2 with k steps when k + 4 > field bits): R ← 4R + D with D
 *   the next base-4 digit of a; the three tests t_v = [R ≥ v·b], v = 1, 2, 3, are one vectorised
 *   lsb(2(R − v·b)) with the perfect Mersenne mask (Nishide–Ohta 2007 §4), whose carry tree also
 *   computes r_0·b so that one last round gives both t_v and t_v·b; digit = t_1 + t_2 + t_3 = ⌊R/b⌋
 *   (R < 4b), R ← R − digit·b. Invariant 0 ≤ R < b between steps, so |R − v·b| < 2^(k+2).
 * - Division by a secret zero (never throws, nothing leaks): quotient 0, remainder a (the circuit
 *   reference, circuit/evaluate-plain.ts: `divs` by 0 gives 0, `mods` gives a). Long division yields
 *   all-ones digits and R = a; the quotient is multiplied by 1 − [b = 0].
 * - Limits: k + 3 ≤ field bits (k ≤ 58 in p61, radix 4 up to k = 57; k ≤ 124 in p127).
 * - Rounds (measured, semi-honest, p61, k = 16): 77 = preprocessing 1 + bits 1 + opening 1 + bit
 *   decomposition / zero test 8 + bits 1 + ⌈k/2⌉·(1 opening + ⌈log₂ L⌉ + 1) + 1, i.e. 4k + ≈ 13
 *   (p127: 4.5k + ≈ 15; malicious: a few more, multiplications of ≥ kingThreshold elements take two
 *   rounds); signed adds ≈ 12. Multiplications per value ≈ 1.5k·(2L + 4) + k·⌈log₂ k⌉ + 7k + 3L
 *   (≈ 3200 for k = 16 in p61); random bits (1.5k + 2)·L.
 */
import { check } from '../common/errors.ts'
import { UnsupportedOperationError } from './errors.ts'
import { mask as masked, openMasked } from './open.ts'
import { mul } from './mul.ts'
import { randomBits, publicBits, bitsToField } from './bits.ts'
import { add, addPublic, concat, length, lincomb, mulPublic, publicSub, slice, sub } from './linear.ts'
import { bitDecomposeCircuit } from './bit-decompose.ts'
import { truncMod } from './trunc.ts'
import {
  checkBits, compareLeaves, maskBits, mulMany, parallel, product, productTreeCircuit, reduceTree, reserve, runCircuit, weighted,
  type Circuit,
} from './prefix.ts'
import type { MpcSession, Shared } from './session.ts'

export interface DivisionOptions {
  /** k: operand width. */
  readonly bits: number
  /** Two's-complement operands, quotient truncated toward zero. Default false. */
  readonly signed?: boolean
}

export interface DivMod {
  readonly quotient: Shared
  readonly remainder: Shared
}

/** Largest number of remainder candidates divPublic tests when the field is too narrow for exactness. */
const MAX_CORRECTIONS = 16

const bitlen = (x: bigint): number => x.toString(2).length

function* done<T>(v: T): Circuit<T> {
  return v
}

/**
 * Given the opened c = v + r (bits cBits) and the bits of r: [lsb(v)], and [lsb(v)·y] when y is given.
 * ⌈log₂ L⌉ + 1 rounds.
 */
function* lsbCircuit(s: MpcSession, cBits: Uint8Array, bits: Shared, N: number, y: Shared | undefined): Circuit<{ z: Shared; zy: Shared | undefined }> {
  const f = s.field
  const L = f.bits
  const leaves = compareLeaves(s, cBits, bits, L, N)
  const r0 = slice(s, bits, 0, N)
  const [root, r0y] = yield* parallel(reduceTree(s, leaves, false), y ? product(r0, y) : done(undefined))
  const w = root.g
  const reqs: [Shared, Shared][] = [[r0, w]]
  if (y) reqs.push([w, sub(s, y, mulPublic(s, r0y!, 2n))])
  const prod = yield reqs
  // x = r0 ⊕ w, lsb = c0 ⊕ x = c0 + (1 − 2c0)·x
  const x = lincomb(s, [1n, 1n, f.negS(2n)], [r0, w, prod[0]!])
  const c0 = bitsToField(f, cBits.subarray(0, N))
  const oneMinus2c0 = f.sub(f.fill(N, 1n), f.add(c0, c0))
  const z = addPublic(s, mulPublic(s, x, oneMinus2c0), c0)
  if (!y) return { z, zy: undefined }
  const xy = add(s, r0y!, prod[1]!) // x·y = r0·y + w·(y − 2·r0·y)
  return { z, zy: add(s, mulPublic(s, y, c0), mulPublic(s, xy, oneMinus2c0)) }
}

/** [lsb(v)] (and [lsb(v)·y]) with the given mask bits (or fresh ones). */
async function lsbTimes(s: MpcSession, v: Shared, y?: Shared, mask?: { bits: Shared; r: Shared }): Promise<{ z: Shared; zy: Shared | undefined }> {
  const f = s.field
  const N = length(s, v)
  if (!mask) await reserve(s, f.bits * N, (2 * f.bits + 4) * N)
  const { bits, r } = mask ?? (await maskBits(s, N))
  const c = await openMasked(s, masked(s, v, r))
  return runCircuit(s, lsbCircuit(s, publicBits(f, c, f.bits), bits, N, y))
}

/** [x < 0] for |x| < p/4 (lsb of 2x). */
async function isNegative(s: MpcSession, x: Shared): Promise<Shared> {
  return (await lsbTimes(s, mulPublic(s, x, 2n))).z
}

function zerosLike(s: MpcSession, a: Shared): Shared {
  return mulPublic(s, a, 0n)
}

/** How a public divisor is handled; computed (and width-checked) before any communication. */
type PublicPlan =
  | { readonly kind: 'one' | 'zero' }
  | { readonly kind: 'pow2'; readonly m: number }
  | { readonly kind: 'mul'; readonly M: bigint; readonly ell: number; readonly K: number; readonly delta: number }

function planPublicDivision(s: MpcSession, d: bigint, k: number, fn: string): PublicPlan {
  const f = s.field
  const L = f.bits
  if (d === 1n) return { kind: 'one' }
  if (d >= 1n << BigInt(k)) return { kind: 'zero' }
  if ((d & (d - 1n)) === 0n) return { kind: 'pow2', m: bitlen(d) - 1 }
  if (2 * k > L + 3) {
    throw new UnsupportedOperationError(fn, `exact division of ${k}-bit values by a public divisor needs 2k ≤ field bits + 3 (k ≤ ${Math.floor((L + 3) / 2)} in ${f.name}, ${L} bits)${L < 127 ? '; use p127' : ''}`)
  }
  const lambda = bitlen(d)
  const amax = (1n << BigInt(k)) - 1n
  let ell = k + lambda
  let M = 0n
  let K = 0
  for (; ell >= 1; ell--) {
    M = ((1n << BigInt(ell)) + d - 1n) / d
    K = bitlen(amax * M)
    if (K + 2 <= L) break
  }
  const deltaBig = ell >= 1 ? ((d - 1n) * (1n << BigInt(ell)) + amax * (M * d - (1n << BigInt(ell)))) / (d << BigInt(ell)) : -1n
  const delta = Number(deltaBig)
  const bound = deltaBig * d > 1n << BigInt(k) ? deltaBig * d : 1n << BigInt(k)
  if (ell < 1 || ell >= K || delta > MAX_CORRECTIONS || 4n * bound >= f.p) {
    throw new UnsupportedOperationError(fn, `exact division of ${k}-bit values by ${d} does not fit ${f.name} (${L} bits): the product a·⌈2^ℓ/d⌉ must stay below 2^${L - 2} with at most ${MAX_CORRECTIONS} remainder candidates`)
  }
  return { kind: 'mul', M, ell, K, delta }
}

async function divModPublicUnsigned(s: MpcSession, a: Shared, d: bigint, k: number, plan: PublicPlan, fn: string): Promise<DivMod> {
  const f = s.field
  switch (plan.kind) {
    case 'one':
      return { quotient: a, remainder: zerosLike(s, a) }
    case 'zero':
      return { quotient: zerosLike(s, a), remainder: a }
    case 'pow2':
      return truncMod(s, a, { bits: k, m: plan.m }, fn)
    default:
  }
  const { M, ell, K, delta } = plan
  const q0 = (await truncMod(s, mulPublic(s, a, M), { bits: K, m: ell }, fn)).quotient
  const rem0 = sub(s, a, mulPublic(s, q0, d))
  if (delta === 0) return { quotient: q0, remainder: rem0 }
  const N = length(s, a)
  const cands = concat(s, Array.from({ length: delta }, (_, j) => addPublic(s, rem0, f.reduce(BigInt(j) * d))))
  const negs = await isNegative(s, cands)
  const parts = Array.from({ length: delta }, (_, j) => slice(s, negs, j * N, (j + 1) * N))
  const t = lincomb(s, parts.map(() => 1n), parts)
  return { quotient: sub(s, q0, t), remainder: add(s, rem0, mulPublic(s, t, d)) }
}

/** Exact quotient and remainder of k-bit a by a public d ≥ 1 (see the file header for conventions). */
export async function divModPublic(s: MpcSession, a: Shared, d: bigint, opts: DivisionOptions, fn = 'divModPublic'): Promise<DivMod> {
  check(typeof d === 'bigint' && d >= 1n, fn, `the divisor must be a bigint ≥ 1, got ${String(d)}`)
  const k = opts.bits
  checkBits(s, fn, k, 3, 'a + 2^k and the remainder tests must stay below p/4')
  const plan = planPublicDivision(s, d, k, fn)
  const N = length(s, a)
  if (N === 0) return { quotient: a, remainder: a }
  const f = s.field
  // d = 1 and d ≥ 2^k are local (and sign-independent: q = a, rem = 0 / q = 0, rem = a).
  if (plan.kind === 'one' || plan.kind === 'zero') return divModPublicUnsigned(s, a, d, k, plan, fn)
  // Preprocessing for every masked step at once: the truncation, the δ remainder tests, the sign test.
  const steps = 1 + (plan.kind === 'mul' ? plan.delta : 0) + (opts.signed ? 1 : 0)
  await reserve(s, steps * f.bits * N, steps * (2 * f.bits + 4) * N + 4 * N, steps)
  if (!opts.signed) return divModPublicUnsigned(s, a, d, k, plan, fn)
  const neg = await isNegative(s, a)
  const sign = publicSub(s, 1n, mulPublic(s, neg, 2n))
  const abs = await mul(s, a, sign)
  const u = await divModPublicUnsigned(s, abs, d, k, plan, fn)
  const quotient = await mul(s, u.quotient, sign)
  return { quotient, remainder: sub(s, a, mulPublic(s, quotient, f.reduce(d))) }
}

/** Exact a / d (unsigned: floor; signed: toward zero). */
export async function divPublic(s: MpcSession, a: Shared, d: bigint, opts: DivisionOptions): Promise<Shared> {
  return (await divModPublic(s, a, d, opts, 'divPublic')).quotient
}

/** Exact a mod d (unsigned: in [0, d); signed: the dividend's sign, like BigInt %). */
export async function modPublic(s: MpcSession, a: Shared, d: bigint, opts: DivisionOptions): Promise<Shared> {
  return (await divModPublic(s, a, d, opts, 'modPublic')).remainder
}

/** Bits per quotient digit: radix 4 (three comparisons per step, half the steps) when it fits. */
const digitBits = (k: number, L: number): number => (k + 4 <= L ? 2 : 1)

/** Multiplications per value of the unsigned long division (bit decomposition, zero test, the steps). */
function secretDivisionMuls(k: number, L: number): number {
  const rho = digitBits(k, L)
  return k * Math.ceil(Math.log2(k + 1)) + 2 * L + 4 * k + L + Math.ceil(k / rho) * ((1 << rho) - 1) * (2 * L + 4)
}

async function divModSecretUnsigned(s: MpcSession, a: Shared, b: Shared, k: number): Promise<DivMod> {
  const f = s.field
  const L = f.bits
  const N = length(s, a)
  const rho = digitBits(k, L)
  const cmp = (1 << rho) - 1
  const steps = Math.ceil(k / rho)
  await reserve(s, (2 + steps * cmp) * L * N, N * (secretDivisionMuls(k, L) + 1), 2)
  // The bits of a and [b = 0]: one opening, one lock-step circuit.
  const pre = await randomBits(s, 2 * L * N)
  const bitsA = slice(s, pre, 0, L * N)
  const bitsB = slice(s, pre, L * N, 2 * L * N)
  const c = await openMasked(s, masked(s, concat(s, [addPublic(s, a, f.powS(2n, BigInt(k))), b]), concat(s, [weighted(s, bitsA, 0, L, N), weighted(s, bitsB, 0, L, N)])))
  const cf = bitsToField(f, publicBits(f, f.view(c, N, 2 * N), L))
  const same = addPublic(s, mulPublic(s, bitsB, f.sub(f.add(cf, cf), f.fill(L * N, 1n))), f.sub(f.fill(L * N, 1n), cf))
  const [aBits, bZero] = await runCircuit(s, parallel(
    bitDecomposeCircuit(s, publicBits(f, f.view(c, 0, N), L), bitsA, k, N),
    productTreeCircuit(s, same, L, N),
  ))
  const allBits = await randomBits(s, steps * cmp * L * N)
  const bs = concat(s, Array.from({ length: cmp }, () => b))
  let R = zerosLike(s, a)
  const digits: Shared[] = new Array(steps)
  for (let j = 0; j < steps; j++) {
    const pos = steps - 1 - j
    // R ← 2^ρ·R + digit pos of a
    const abits = Array.from({ length: rho }, (_, u) => pos * rho + u).filter((i) => i < k)
    R = lincomb(s, [f.powS(2n, BigInt(rho)), ...abits.map((_, u) => f.powS(2n, BigInt(u)))], [R, ...abits.map((i) => slice(s, aBits, i * N, (i + 1) * N))])
    // t_v = [R ≥ v·b] for v = 1..2^ρ − 1, in one masked comparison, with t_v·b in the same rounds.
    const cands = concat(s, Array.from({ length: cmp }, (_, v) => sub(s, R, mulPublic(s, b, BigInt(v + 1)))))
    const bits = slice(s, allBits, j * cmp * L * N, (j + 1) * cmp * L * N)
    const { z: lt, zy: ltB } = await lsbTimes(s, mulPublic(s, cands, 2n), bs, { bits, r: weighted(s, bits, 0, L, cmp * N) })
    const ltParts = Array.from({ length: cmp }, (_, v) => slice(s, lt, v * N, (v + 1) * N))
    const ltBParts = Array.from({ length: cmp }, (_, v) => slice(s, ltB!, v * N, (v + 1) * N))
    // digit = Σ_v t_v = cmp − Σ_v lt_v;  R ← R − digit·b = R − cmp·b + Σ_v lt_v·b
    digits[pos] = publicSub(s, BigInt(cmp), lincomb(s, ltParts.map(() => 1n), ltParts))
    R = add(s, sub(s, R, mulPublic(s, b, BigInt(cmp))), lincomb(s, ltBParts.map(() => 1n), ltBParts))
  }
  const q = lincomb(s, digits.map((_, i) => f.powS(2n, BigInt(rho * i))), digits)
  return { quotient: await mul(s, q, publicSub(s, 1n, bZero)), remainder: R }
}

/**
 * Exact quotient and remainder of k-bit a by a secret k-bit b (see the file header). Division by zero
 * gives quotient 0 and remainder a.
 */
export async function divModSecret(s: MpcSession, a: Shared, b: Shared, opts: DivisionOptions, fn = 'divModSecret'): Promise<DivMod> {
  const k = opts.bits
  checkBits(s, fn, k, 3, 'the partial remainders R − b must stay below p/4')
  check(a.v.length === b.v.length, fn, `vector lengths differ: ${length(s, a)} and ${length(s, b)}`)
  const N = length(s, a)
  if (N === 0) return { quotient: a, remainder: a }
  if (!opts.signed) return divModSecretUnsigned(s, a, b, k)
  const L = s.field.bits
  await reserve(s, (k + 4) * L * N, N * (secretDivisionMuls(k, L) + 4 * (2 * L + 4) + 8), 3)
  const negs = await isNegative(s, concat(s, [a, b]))
  const sa = slice(s, negs, 0, N)
  const sb = slice(s, negs, N, 2 * N)
  const signA = publicSub(s, 1n, mulPublic(s, sa, 2n))
  const signB = publicSub(s, 1n, mulPublic(s, sb, 2n))
  const [absA, absB, sab] = await mulMany(s, [[a, signA], [b, signB], [sa, sb]])
  const u = await divModSecretUnsigned(s, absA!, absB!, k)
  // sign of the quotient: sa ⊕ sb
  const signQ = publicSub(s, 1n, mulPublic(s, lincomb(s, [1n, 1n, s.field.negS(2n)], [sa, sb, sab!]), 2n))
  const [quotient, remainder] = await mulMany(s, [[u.quotient, signQ], [u.remainder, signA]])
  return { quotient: quotient!, remainder: remainder! }
}

/** Exact a / b for secret b (unsigned: floor; signed: toward zero); b = 0 gives 0. */
export async function divSecret(s: MpcSession, a: Shared, b: Shared, opts: DivisionOptions): Promise<Shared> {
  return (await divModSecret(s, a, b, opts, 'divSecret')).quotient
}

/** Exact a mod b for secret b (unsigned: in [0, b); signed: the dividend's sign); b = 0 gives a. */
export async function modSecret(s: MpcSession, a: Shared, b: Shared, opts: DivisionOptions): Promise<Shared> {
  return (await divModSecret(s, a, b, opts, 'modSecret')).remainder
}
