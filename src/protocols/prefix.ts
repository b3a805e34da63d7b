/**
 * Shared machinery of the integer protocols (bit-decompose.ts, trunc.ts, division.ts): multiplication
 * circuits that run in lock step, carry trees and prefix-carry circuits over a public value c and
 * shared random bits r, and the perfect Mersenne mask.
 *
 * - Lock step: a circuit is a generator that yields the multiplications of its next round and receives
 *   the products. `parallel` merges circuits round by round, `runCircuit` performs each round with one
 *   vectorised `mul` (so independent trees cost the rounds of the deepest one; in malicious mode every
 *   product goes through `mul` and is MAC-checked at the end).
 * - Comparison nodes (Catrina–de Hoogh 2010, "Improved Primitives for Secure Multiparty Integer
 *   Computation", §4.3; Damgård, Fitzi, Kiltz, Nielsen, Toft 2006, §5 "bit decomposition"): for a
 *   bit segment, g = [c < r] and e = [c = r] on that segment. Leaves are linear in r_i since c is
 *   public: g_i = (1 − c_i)·r_i, e_i = [c_i = r_i]. Combining a high segment over a low one:
 *   (g, e) = (g_hi + e_hi·g_lo, e_hi·e_lo) — two multiplications, one round. g and e of a segment are
 *   never both 1, which the callers use to drop products.
 * - `reduceTree`: the root of a segment, ⌈log₂ w⌉ rounds, ≈ 2w multiplications per value.
 * - `sklansky`: all prefixes [0, i] of a segment (Sklansky's conditional-sum / parallel-prefix
 *   network, as used for carries by Damgård et al. 2006 §6 and Catrina–de Hoogh 2010 §4.4):
 *   ⌈log₂ w⌉ rounds, w·⌈log₂ w⌉ multiplications per value.
 * - `maskBits`: L = field.bits random bits r_i and r = Σ 2^i r_i, uniform on [0, p] because
 *   p = 2^L − 1 (r = p ≡ 0 has probability 2^−L): c = a + r reveals nothing (perfect up to 2^−L,
 *   like compare.ts). As integers a + r = c + w·p with the wrap bit w = [c < r].
 */
import { check } from '../common/errors.ts'
import type { Field, FieldVector } from '../field/types.ts'
import { UnsupportedOperationError } from './errors.ts'
import { randomBits, randomBitsNeeds, bitsToField } from './bits.ts'
import { preprocess } from './pools.ts'
import { mul } from './mul.ts'
import { ensureMacKey } from './mac.ts'
import { add, addPublic, concat, lincomb, mulPublic, slice, weighted } from './linear.ts'
import type { MpcSession, Shared } from './session.ts'

/** One round's multiplications: pairs of equal-length shared vectors. */
export type MulRequest = readonly [Shared, Shared]
/** A multiplication circuit: yields each round's requests, receives the products, returns its result. */
export type Circuit<R> = Generator<readonly MulRequest[], R, Shared[]>

/** Multiply several pairs (of possibly different lengths) with one vectorised `mul`: one round. */
export async function mulMany(s: MpcSession, reqs: readonly MulRequest[]): Promise<Shared[]> {
  if (reqs.length === 0) return []
  if (reqs.length === 1) return [await mul(s, reqs[0]![0], reqs[0]![1])]
  const prod = await mul(s, concat(s, reqs.map((r) => r[0])), concat(s, reqs.map((r) => r[1])))
  const out: Shared[] = []
  let off = 0
  for (const [a] of reqs) {
    const len = s.field.len(a.v)
    out.push(slice(s, prod, off, off + len))
    off += len
  }
  return out
}

/** Runs a circuit, one `mul` per round. */
export async function runCircuit<R>(s: MpcSession, c: Circuit<R>): Promise<R> {
  let st = c.next(undefined as unknown as Shared[])
  while (!st.done) st = c.next(await mulMany(s, st.value))
  return st.value
}

type Results<T extends readonly unknown[]> = { [K in keyof T]: T[K] }

/** Runs circuits side by side: round j of each is merged into one round. */
export function* parallel<T extends readonly unknown[]>(...cs: { [K in keyof T]: Circuit<T[K]> }): Circuit<Results<T>> {
  const gens = cs as unknown as Circuit<unknown>[]
  const states = gens.map((g) => g.next(undefined as unknown as Shared[]))
  for (;;) {
    const live = states.flatMap((st, i) => (st.done ? [] : [i]))
    if (live.length === 0) break
    const reqs: MulRequest[] = []
    const counts = live.map((i) => {
      const r = states[i]!.value as readonly MulRequest[]
      reqs.push(...r)
      return r.length
    })
    const prods = reqs.length > 0 ? yield reqs : []
    let off = 0
    live.forEach((i, k) => {
      states[i] = gens[i]!.next(prods.slice(off, off + counts[k]!))
      off += counts[k]!
    })
  }
  return states.map((st) => st.value) as unknown as Results<T>
}

/** A one-round circuit computing a single product. */
export function* product(a: Shared, b: Shared): Circuit<Shared> {
  const [p] = yield [[a, b]]
  return p!
}

/** Comparison node of a bit segment: g = [c < r], e = [c = r] on the segment. */
export interface CmpNode {
  readonly g: Shared
  readonly e: Shared
}

/**
 * Leaves for rows [0, rows) of public bits c (0/1 bytes, bit-major) and shared bits r (bit-major,
 * N values per row): g_i = (1 − c_i)·r_i, e_i = r_i·(2c_i − 1) + (1 − c_i).
 */
export function compareLeaves(s: MpcSession, c: Uint8Array, r: Shared, rows: number, N: number): CmpNode[] {
  const f = s.field
  const cf = bitsToField(f, c.subarray(0, rows * N))
  const rr = slice(s, r, 0, rows * N)
  const one = f.fill(rows * N, 1n)
  const oneMinusC = f.sub(one, cf)
  const g = mulPublic(s, rr, oneMinusC)
  const e = addPublic(s, mulPublic(s, rr, f.sub(f.add(cf, cf), one)), oneMinusC)
  return Array.from({ length: rows }, (_, i) => ({ g: slice(s, g, i * N, (i + 1) * N), e: slice(s, e, i * N, (i + 1) * N) }))
}

/** The (g, e) of a whole segment (nodes low to high). With needE false the root's e is skipped. */
export function* reduceTree(s: MpcSession, nodes: readonly CmpNode[], needE: boolean): Circuit<CmpNode> {
  check(nodes.length > 0, 'reduceTree', 'empty segment')
  let cur = nodes.slice()
  while (cur.length > 1) {
    const pairs = Math.floor(cur.length / 2)
    const withE = needE || cur.length > 2
    const reqs: MulRequest[] = []
    for (let j = 0; j < pairs; j++) {
      const lo = cur[2 * j]!
      const hi = cur[2 * j + 1]!
      reqs.push([hi.e, lo.g])
      if (withE) reqs.push([hi.e, lo.e])
    }
    const prod = yield reqs
    const step = withE ? 2 : 1
    const next: CmpNode[] = []
    for (let j = 0; j < pairs; j++) {
      const hi = cur[2 * j + 1]!
      next.push({ g: add(s, hi.g, prod[step * j]!), e: withE ? prod[step * j + 1]! : hi.e })
    }
    if (cur.length % 2 === 1) next.push(cur[cur.length - 1]!)
    cur = next
  }
  return cur[0]!
}

/** Every prefix (g, e) over [0, i] of a segment, by Sklansky's network. */
export function* sklansky(s: MpcSession, nodes: readonly CmpNode[]): Circuit<CmpNode[]> {
  const w = nodes.length
  let P = nodes.slice()
  for (let j = 0; 1 << j < w; j++) {
    const reqs: MulRequest[] = []
    const targets: [number, number][] = []
    for (let i = 0; i < w; i++) {
      if (((i >> j) & 1) === 0) continue
      const partner = ((i >> j) << j) - 1
      reqs.push([P[i]!.e, P[partner]!.g], [P[i]!.e, P[partner]!.e])
      targets.push([i, partner])
    }
    const prod = yield reqs
    const next = P.slice()
    targets.forEach(([i], k) => {
      next[i] = { g: add(s, P[i]!.g, prod[2 * k]!), e: prod[2 * k + 1]! }
    })
    P = next
  }
  return P
}

/** L = field.bits shared random bits (bit-major, L rows of N) and r = Σ 2^i r_i. */
export async function maskBits(s: MpcSession, N: number, rows = s.field.bits): Promise<{ bits: Shared; r: Shared }> {
  await ensureMacKey(s)
  const bits = await randomBits(s, rows * N)
  return { bits, r: weighted(s, bits, 0, rows, N) }
}

/** Σ 2^i·row_i of a bit-major shared matrix (linear.ts; re-exported for trunc.ts and division.ts). */
export { weighted }

/** c mod 2^m for public canonical c (m ≤ field bits), read from 32-bit words without BigInt. */
export function publicLowBits(f: Field, c: FieldVector, m: number): FieldVector {
  const n = f.len(c)
  const words = new Uint32Array(c.buffer, c.byteOffset, c.length * 2)
  const per = f.limbs * 2
  const parts: FieldVector[] = []
  const coeffs: bigint[] = []
  for (let w = 0; 32 * w < m; w++) {
    const nb = Math.min(32, m - 32 * w)
    const mask = nb === 32 ? 0xffffffff : (1 << nb) - 1
    const vals = new Uint32Array(n)
    for (let j = 0; j < n; j++) vals[j] = (words[j * per + w]! & mask) >>> 0
    parts.push(f.fromUint32(vals))
    coeffs.push(f.powS(2n, BigInt(32 * w)))
  }
  return f.lincomb(coeffs, parts)
}

/**
 * Top up the pools for `bits` random bits drawn in `calls` randomBits calls and `muls` circuit
 * multiplications, in one round.
 */
export async function reserve(s: MpcSession, bits: number, muls: number, calls = 1): Promise<void> {
  await ensureMacKey(s)
  const perCall = randomBitsNeeds(s, 0)
  const need = randomBitsNeeds(s, bits)
  await preprocess(s, {
    randoms: need.randoms + (calls - 1) * perCall.randoms + 4,
    doubles: need.doubles + (s.malicious ? 2 : 1) * muls,
  })
}

/** `bits` must be an integer ≥ 1; `bits + spare` must fit the field (else MPC_UNSUPPORTED). */
export function checkBits(s: MpcSession, fn: string, bits: number, spare: number, why: string): void {
  check(Number.isInteger(bits) && bits >= 1, fn, `bits must be a positive integer, got ${bits}`)
  if (bits + spare > s.field.bits) {
    throw new UnsupportedOperationError(fn, `${bits}-bit operands need a field of at least ${bits + spare} bits (${why}); ${s.field.name} has ${s.field.bits}${s.field.bits < 127 ? ' (use p127)' : ''}`)
  }
}

/** `shift` must be an integer with 0 < shift < bits. */
export function checkShift(fn: string, name: string, shift: number, bits: number): void {
  check(Number.isInteger(shift) && shift > 0 && shift < bits, fn, `${name} must be an integer with 0 < ${name} < bits (${bits}), got ${shift}`)
}

/** Π_i x_i over `rows` shared vectors of N elements (bit-major), by a balanced tree: ⌈log₂ rows⌉ rounds. */
export function* productTreeCircuit(s: MpcSession, x: Shared, rows: number, N: number): Circuit<Shared> {
  let nodes = Array.from({ length: rows }, (_, i) => slice(s, x, i * N, (i + 1) * N))
  while (nodes.length > 1) {
    const pairs = Math.floor(nodes.length / 2)
    const prods = yield Array.from({ length: pairs }, (_, j): MulRequest => [nodes[j]!, nodes[pairs + j]!])
    if (nodes.length % 2 === 1) prods.push(nodes[nodes.length - 1]!)
    nodes = prods
  }
  return nodes[0]!
}
