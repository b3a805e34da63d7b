/**
 * Local (non-interactive) operations on shared vectors. Shamir sharing is linear, so sums, public
 * scalings and public offsets cost no communication (o1js habit: public × secret is free). In
 * malicious mode the MAC shares follow along: r·(x + c) = r·x + c·[r], r·(c·x) = c·(r·x)
 * (Chida et al. 2018, §3).
 */
import { check } from '../common/errors.ts'
import type { FieldVector } from '../field/types.ts'
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
