/**
 * Local (non-interactive) operations on shared vectors. Shamir sharing is linear, so sums, public
 * scalings and public offsets cost no communication (o1js habit: public × secret is free). In
 * malicious mode the MAC shares follow along: r·(x + c) = r·x + c·[r], r·(c·x) = c·(r·x)
 * (Chida et al. 2018, §3).
 */
import { check } from '../common/errors.ts'
import type { Field, FieldVector } from '../field/types.ts'
import type { MpcSession, Shared } from './session.ts'
import { UnsupportedOperationError } from './errors.ts'

export function length(s: MpcSession, a: Shared): number {
  return s.field.len(a.v)
}

function sameLength(s: MpcSession, fn: string, a: Shared, b: Shared): void {
  check(a.v.length === b.v.length, fn, `vector lengths differ: ${s.field.len(a.v)} and ${s.field.len(b.v)}`)
}

/** This party's share vector of the MAC key, repeated n times (malicious mode). */
export function keyVector(s: MpcSession, len: number): FieldVector {
  if (!s.macKey) throw new UnsupportedOperationError('keyVector', 'no MAC key: call ensureMacKey first')
  return s.field.fill(len, s.field.get(s.macKey, 0))
}

export function add(s: MpcSession, a: Shared, b: Shared): Shared {
  sameLength(s, 'add', a, b)
  const f = s.field
  return { v: f.add(a.v, b.v), m: a.m && b.m ? f.add(a.m, b.m) : undefined }
}

export function sub(s: MpcSession, a: Shared, b: Shared): Shared {
  sameLength(s, 'sub', a, b)
  const f = s.field
  return { v: f.sub(a.v, b.v), m: a.m && b.m ? f.sub(a.m, b.m) : undefined }
}

export function neg(s: MpcSession, a: Shared): Shared {
  const f = s.field
  return { v: f.neg(a.v), m: a.m ? f.neg(a.m) : undefined }
}

/** a + c for a public vector c (or scalar). */
export function addPublic(s: MpcSession, a: Shared, c: FieldVector | bigint): Shared {
  const f = s.field
  const n = f.len(a.v)
  const cv = typeof c === 'bigint' ? f.fill(n, c) : c
  check(cv.length === a.v.length, 'addPublic', `public vector has ${f.len(cv)} elements, shared ${n}`)
  return { v: f.add(a.v, cv), m: a.m ? f.muladd(cv, keyVector(s, n), a.m) : undefined }
}

/** c − a for a public vector c (or scalar). */
export function publicSub(s: MpcSession, c: FieldVector | bigint, a: Shared): Shared {
  return addPublic(s, neg(s, a), c)
}

/** c · a element-wise for a public vector c (or scalar). */
export function mulPublic(s: MpcSession, a: Shared, c: FieldVector | bigint): Shared {
  const f = s.field
  if (typeof c === 'bigint') return { v: f.scale(a.v, c), m: a.m ? f.scale(a.m, c) : undefined }
  check(c.length === a.v.length, 'mulPublic', `public vector has ${f.len(c)} elements, shared ${f.len(a.v)}`)
  return { v: f.mul(a.v, c), m: a.m ? f.mul(a.m, c) : undefined }
}

/** A public vector as a sharing (every party's share of a constant is the constant). */
export function constant(s: MpcSession, c: FieldVector): Shared {
  const f = s.field
  return { v: f.slice(c, 0), m: s.malicious ? f.mul(c, keyVector(s, f.len(c))) : undefined }
}

export function concat(s: MpcSession, parts: readonly Shared[]): Shared {
  const f = s.field
  const withMac = parts.length > 0 && parts.every((p) => p.m)
  return { v: f.concat(parts.map((p) => p.v)), m: withMac ? f.concat(parts.map((p) => p.m!)) : undefined }
}

/** Elements [start, end) (a view: do not mutate). */
export function slice(s: MpcSession, a: Shared, start: number, end?: number): Shared {
  const f = s.field
  return { v: f.view(a.v, start, end), m: a.m ? f.view(a.m, start, end) : undefined }
}

/** Split a shared vector into consecutive parts of the given lengths. */
export function split(s: MpcSession, a: Shared, lengths: readonly number[]): Shared[] {
  const out: Shared[] = []
  let off = 0
  for (const len of lengths) {
    out.push(slice(s, a, off, off + len))
    off += len
  }
  check(off === length(s, a), 'split', `parts add up to ${off} elements, vector has ${length(s, a)}`)
  return out
}

/** Σ_j c_j · parts_j for public scalars c_j. */
export function lincomb(s: MpcSession, coeffs: readonly bigint[], parts: readonly Shared[]): Shared {
  const f = s.field
  const withMac = parts.every((p) => p.m)
  return {
    v: f.lincomb(coeffs, parts.map((p) => p.v)),
    m: withMac ? f.lincomb(coeffs, parts.map((p) => p.m!)) : undefined,
  }
}

/**
 * Rows `rows` of a row-major matrix of `N`-element rows (a bit matrix, a stack of tree nodes), copied
 * into one new vector in that order. One allocation whatever the row count: round-bound programs
 * gather dozens of one-element rows per comparison, where a view per row plus a concat cost more
 * than the arithmetic (issue #14). Short rows are copied as 32-bit words (no BigInt per element).
 */
export function gatherRows(f: Field, v: FieldVector, rows: readonly number[], N: number): FieldVector {
  const words = N * f.limbs
  const out = new BigUint64Array(rows.length * words)
  if (words <= 8) {
    const src = new Uint32Array(v.buffer, v.byteOffset, v.length * 2)
    const dst = new Uint32Array(out.buffer)
    const w2 = 2 * words
    for (let k = 0; k < rows.length; k++) {
      const from = rows[k]! * w2
      if (from + w2 > src.length) check(false, 'gatherRows', `row ${rows[k]} is outside a vector of ${f.len(v)} elements`)
      for (let i = 0, to = k * w2; i < w2; i++) dst[to + i] = src[from + i]!
    }
    return out
  }
  const bytes = 8 * words
  const src = new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  const dst = new Uint8Array(out.buffer)
  for (let k = 0; k < rows.length; k++) {
    const from = rows[k]! * bytes
    if (from + bytes > src.length) check(false, 'gatherRows', `row ${rows[k]} is outside a vector of ${f.len(v)} elements`)
    dst.set(src.subarray(from, from + bytes), k * bytes)
  }
  return out
}

/** Rows `rows` of a shared row-major matrix of `N`-element rows (gatherRows), with their MACs. */
export function gather(s: MpcSession, a: Shared, rows: readonly number[], N: number): Shared {
  const f = s.field
  return { v: gatherRows(f, a.v, rows, N), m: a.m ? gatherRows(f, a.m, rows, N) : undefined }
}

/**
 * Σ_{i ∈ [from, to)} 2^(i − from)·row_i of a bit-major shared matrix of N-element rows (the integer a
 * vector of shared bits stands for). One value (N = 1) is one dot product with the session's bit
 * weights instead of a lincomb over one-element rows.
 */
export function weighted(s: MpcSession, bits: Shared, from: number, to: number, N: number): Shared {
  const f = s.field
  const k = to - from
  if (N === 1 && k <= f.bits) {
    const w = f.view((s.bitWeights ??= f.fromBigInts(Array.from({ length: f.bits }, (_, i) => f.powS(2n, BigInt(i))))), 0, k)
    const dot = (v: FieldVector): FieldVector => f.fromBigInts([f.dot(f.view(v, from, to), w)])
    return { v: dot(bits.v), m: bits.m ? dot(bits.m) : undefined }
  }
  const rows = Array.from({ length: k }, (_, i) => slice(s, bits, (from + i) * N, (from + i + 1) * N))
  return lincomb(s, rows.map((_, i) => f.powS(2n, BigInt(i))), rows)
}
