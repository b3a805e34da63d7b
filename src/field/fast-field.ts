/**
 * A `Field` from its parameters and a vector kernel: this file validates arguments, allocates outputs
 * and handles scalars (bigint is fine for one element); the kernel does all per-element work.
 */
import { check } from '../common/errors.ts'
import { FieldDivisionByZeroError, FieldEncodingError } from './errors.ts'
import type { Field, FieldName, FieldVector } from './types.ts'
import type { VectorKernel } from './kernel.ts'
import { bytesOf } from './kernel.ts'
import { createReferenceField, defaultRandomSource } from './reference.ts'
import { equalVectors, isZeroVector, int64ToP61, int64ToP127, safeIntsToField } from './convert.ts'

export function createFastField(name: FieldName, p: bigint, kernel: VectorKernel): Field {
  // Scalar and boundary (per-element bigint by nature) operations are the reference's: they are
  // not on hot paths and are the simplest code to trust.
  const ref = createReferenceField(name, p)
  const { limbs, bytes } = ref
  const fn = (f: string): string => `${name}.${f}`

  // The checks below run on every vector operation, and most operations in round-bound programs are
  // on one-element vectors, so they build their error messages only when they fail (issue #14: the
  // eager template strings were a measurable part of a one-element round's CPU).
  const isVec = (v: unknown): v is FieldVector => v instanceof BigUint64Array
  const vec = (f: string, what: string, v: unknown): FieldVector => {
    if (!isVec(v)) check(false, fn(f), `${what} must be a BigUint64Array, got ${v === null ? 'null' : typeof v}`)
    const w = v as FieldVector
    if (w.length % limbs !== 0) check(false, fn(f), `${what} has ${w.length} words, not a multiple of ${limbs}`)
    return w
  }
  const same = (f: string, a: unknown, b: unknown, names = ['a', 'b']): void => {
    const va = vec(f, names[0]!, a), vb = vec(f, names[1]!, b)
    if (va.length !== vb.length) check(false, fn(f), `vector lengths differ: ${names[0]} has ${va.length / limbs} elements, ${names[1]} has ${vb.length / limbs}`)
  }
  const output = (f: string, out: FieldVector | undefined, words: number): FieldVector => {
    if (out === undefined) return new BigUint64Array(words)
    vec(f, 'out', out)
    if (out.length !== words) check(false, fn(f), `out has ${out.length / limbs} elements, expected ${words / limbs}`)
    return out
  }
  const scalar = (f: string, s: unknown): bigint => {
    if (typeof s !== 'bigint') check(false, fn(f), `scalar must be a bigint, got ${typeof s}`)
    // Canonical scalars (nearly all: Lagrange coefficients, keys) skip the BigInt division.
    return (s as bigint) >= 0n && (s as bigint) < p ? (s as bigint) : ref.reduce(s as bigint)
  }
  const count = (f: string, n: unknown): number => {
    if (!(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) check(false, fn(f), `n must be a non-negative integer, got ${String(n)}`)
    return n as number
  }

  return {
    ...ref,
    kernel: kernel.kind,
    zeros: (n) => new BigUint64Array(count('zeros', n) * limbs),
    fill: (n, s) => {
      const v = new BigUint64Array(count('fill', n) * limbs)
      const r = scalar('fill', s)
      if (limbs === 1) v.fill(r)
      else if (n > 0) {
        v[0] = r & ((1n << 64n) - 1n)
        v[1] = r >> 64n
        for (let have = 2; have < v.length; have *= 2) v.copyWithin(have, 0, Math.min(have, v.length - have))
      }
      return v
    },

    add: (a, b, out) => {
      same('add', a, b)
      const o = output('add', out, a.length)
      kernel.add(a, b, o)
      return o
    },
    sub: (a, b, out) => {
      same('sub', a, b)
      const o = output('sub', out, a.length)
      kernel.sub(a, b, o)
      return o
    },
    neg: (a, out) => {
      vec('neg', 'a', a)
      const o = output('neg', out, a.length)
      kernel.neg(a, o)
      return o
    },
    mul: (a, b, out) => {
      same('mul', a, b)
      const o = output('mul', out, a.length)
      kernel.mul(a, b, o)
      return o
    },
    muladd: (a, b, c, out) => {
      same('muladd', a, b)
      same('muladd', a, c, ['a', 'c'])
      const o = output('muladd', out, a.length)
      kernel.muladd(a, b, c, o)
      return o
    },
    scale: (a, s, out) => {
      vec('scale', 'a', a)
      const r = scalar('scale', s)
      const o = output('scale', out, a.length)
      kernel.scale(a, r, o)
      return o
    },
    addScalar: (a, s, out) => {
      vec('addScalar', 'a', a)
      const r = scalar('addScalar', s)
      const o = output('addScalar', out, a.length)
      kernel.addScalar(a, r, o)
      return o
    },
    axpy: (s, x, y) => {
      same('axpy', x, y, ['x', 'y'])
      kernel.axpy(scalar('axpy', s), x, y)
      return y
    },
    sqrPow2k: (a, k, out) => {
      vec('sqrPow2k', 'a', a)
      if (count('sqrPow2k', k) > 0x7fffffff) check(false, fn('sqrPow2k'), `k must be below 2^31, got ${k}`)
      const o = output('sqrPow2k', out, a.length)
      kernel.sqrPow2k(a, k, o)
      return o
    },
    lincomb: (coeffs, vs, out) => {
      if (!(Array.isArray(coeffs) && Array.isArray(vs) && coeffs.length === vs.length && vs.length > 0)) {
        check(false, fn('lincomb'), `need as many coefficients as vectors (≥ 1), got ${coeffs?.length} and ${vs?.length}`)
      }
      const first = vec('lincomb', 'vs[0]', vs[0])
      for (let j = 1; j < vs.length; j++) {
        const v = vs[j]
        if (!(isVec(v) && v.length === first.length)) same('lincomb', first, v, ['vs[0]', `vs[${j}]`])
      }
      const cs = coeffs.map((c) => scalar('lincomb', c))
      const o = output('lincomb', out, first.length)
      kernel.lincomb(cs, vs, o)
      return o
    },
    dot: (a, b) => {
      same('dot', a, b)
      return kernel.dot(a, b)
    },
    sum: (a) => kernel.sum(vec('sum', 'a', a)),
    inv: (a, out) => {
      vec('inv', 'a', a)
      const o = output('inv', out, a.length)
      // Invert into a scratch copy when out aliases a, so a zero leaves the caller's data untouched.
      const target = o === a ? new BigUint64Array(a.length) : o
      if (!kernel.inv(a, target)) throw new FieldDivisionByZeroError(fn('inv'))
      if (target !== o) o.set(target)
      return o
    },
    equal: (a, b) => equalVectors(vec('equal', 'a', a), vec('equal', 'b', b)),
    isZero: (a) => isZeroVector(vec('isZero', 'a', a)),
    random: (n, source = defaultRandomSource) => {
      if (!(typeof source === 'function')) check(false, fn('random'), 'source must be a function filling a Uint8Array')
      return kernel.random(count('random', n), source)
    },
    randomAxpy: (s, y, source = defaultRandomSource) => {
      if (!(typeof source === 'function')) check(false, fn('randomAxpy'), 'source must be a function filling a Uint8Array')
      const v = vec('randomAxpy', 'y', y)
      kernel.randomAxpy(scalar('randomAxpy', s), v.length / limbs, source, v)
      return v
    },
    fromInt64: (xs) => {
      if (!(xs instanceof BigInt64Array)) check(false, fn('fromInt64'), 'xs must be a BigInt64Array')
      return limbs === 1 ? int64ToP61(xs) : int64ToP127(xs)
    },
    fromUint32: (xs) => {
      if (!(xs instanceof Uint32Array || Array.isArray(xs))) check(false, fn('fromUint32'), 'xs must be a Uint32Array or an array of numbers')
      return safeIntsToField(xs, limbs)
    },
    encode: (v) => {
      vec('encode', 'v', v)
      return bytesOf(v).slice()
    },
    decode: (bs) => {
      if (!(bs instanceof Uint8Array)) check(false, fn('decode'), 'bytes must be a Uint8Array')
      if (bs.length % bytes !== 0) throw new FieldEncodingError(fn('decode'), `${bs.length} bytes is not a multiple of ${bytes}`)
      const v = new BigUint64Array(bs.length / 8)
      bytesOf(v).set(bs)
      const bad = kernel.firstInvalid(v)
      if (bad >= 0) throw new FieldEncodingError(fn('decode'), `element ${bad} is not below p`)
      return v
    },
  }
}
