/**
 * BigInt reference implementation of the Field interface: simple enough to trust by reading, used by
 * tests as the oracle for the fast kernels (noble-curves habit: check fast code against a plain one).
 * Every operation goes element by element through BigInt: never use this on a hot path.
 */
import { check } from '../common/errors.ts'
import { FieldDivisionByZeroError, FieldEncodingError } from './errors.ts'
import type { Field, FieldName, FieldVector, RandomSource } from './types.ts'

const MASK64 = (1n << 64n) - 1n

/** A copy of a word vector, made through byte views (fast; see `slice` below). */
export function copyWords(v: BigUint64Array): BigUint64Array {
  const out = new BigUint64Array(v.length)
  new Uint8Array(out.buffer).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
  return out
}

export const defaultRandomSource: RandomSource = (bytes) => {
  // getRandomValues takes at most 65536 bytes per call.
  for (let off = 0; off < bytes.length; off += 65536) {
    globalThis.crypto.getRandomValues(bytes.subarray(off, Math.min(bytes.length, off + 65536)))
  }
}

export function createReferenceField(name: FieldName, p: bigint): Field {
  const bits = p.toString(2).length
  const limbs: 1 | 2 = bits <= 64 ? 1 : 2
  check(bits <= 128, 'createReferenceField', `p must fit in 128 bits, has ${bits}`)
  const bytes = 8 * limbs

  const reduce = (x: bigint): bigint => {
    const r = x % p
    return r < 0n ? r + p : r
  }
  const len = (v: FieldVector): number => v.length / limbs
  const get = (v: FieldVector, i: number): bigint =>
    limbs === 1 ? v[i]! : v[2 * i]! | (v[2 * i + 1]! << 64n)
  const set = (v: FieldVector, i: number, s: bigint): void => {
    if (limbs === 1) v[i] = s
    else {
      v[2 * i] = s & MASK64
      v[2 * i + 1] = s >> 64n
    }
  }
  const zeros = (n: number): FieldVector => new BigUint64Array(n * limbs)
  const sameLen = (fn: string, a: FieldVector, b: FieldVector): number => {
    check(a.length === b.length, fn, `vector lengths differ: ${len(a)} and ${len(b)}`)
    return len(a)
  }
  const map2 = (fn: string, f: (x: bigint, y: bigint) => bigint) =>
    (a: FieldVector, b: FieldVector, out?: FieldVector): FieldVector => {
      const n = sameLen(fn, a, b)
      const o = out ?? zeros(n)
      for (let i = 0; i < n; i++) set(o, i, f(get(a, i), get(b, i)))
      return o
    }
  const map1 = (f: (x: bigint) => bigint) => (a: FieldVector, out?: FieldVector): FieldVector => {
    const n = len(a)
    const o = out ?? zeros(n)
    for (let i = 0; i < n; i++) set(o, i, f(get(a, i)))
    return o
  }
  // Round-bound protocols ask for powers of two and their inverses in every call (bit weights 2^i,
  // ½, 2^−m; issue #14: ≈ 10 % of a one-value comparison's CPU went to BigInt exponentiation).
  // 2^e is canonical for e < bits (p ≥ 2^(bits−1) and p is odd), and for p = 2^bits − 1 (both
  // fields) (2^m)^−1 = 2^(bits−m) since 2^bits ≡ 1; other x fall through to the general code.
  const bitsN = BigInt(bits)
  const mersenne = (p & (p + 1n)) === 0n
  const powS = (a: bigint, e: bigint): bigint => {
    if (a === 2n && e >= 0n && e < bitsN) return 1n << e
    let r = 1n
    let b = reduce(a)
    let k = e
    while (k > 0n) {
      if (k & 1n) r = (r * b) % p
      b = (b * b) % p
      k >>= 1n
    }
    return r
  }
  const invS = (a: bigint): bigint => {
    const x = reduce(a)
    if (x === 0n) throw new FieldDivisionByZeroError('inv')
    if (mersenne && (x & (x - 1n)) === 0n) {
      const m = BigInt(x.toString(2).length - 1)
      return m === 0n ? 1n : 1n << (bitsN - m)
    }
    return powS(x, p - 2n)
  }

  const field: Field = {
    name,
    p,
    bits,
    limbs,
    bytes,
    kernel: 'js',
    reduce,
    addS: (a, b) => reduce(a + b),
    subS: (a, b) => reduce(a - b),
    mulS: (a, b) => reduce(a * b),
    negS: (a) => reduce(-a),
    invS,
    powS,
    len,
    zeros,
    fill: (n, s) => {
      const v = zeros(n)
      const r = reduce(s)
      for (let i = 0; i < n; i++) set(v, i, r)
      return v
    },
    get,
    set: (v, i, s) => set(v, i, reduce(s)),
    // Copies go through byte views: V8 copies BigUint64Array element by element through BigInt
    // (BigUint64Array.prototype.slice/set measured 50–130 ms per million elements, a Uint8Array view
    // 4 ms), which made every slice and concat of the protocols a hot spot.
    slice: (v, start, end) => copyWords(v.subarray(start * limbs, end === undefined ? undefined : end * limbs)),
    view: (v, start, end) => v.subarray(start * limbs, end === undefined ? undefined : end * limbs),
    concat: (vs) => {
      const out = new BigUint64Array(vs.reduce((s, v) => s + v.length, 0))
      const bytesOut = new Uint8Array(out.buffer)
      let off = 0
      for (const v of vs) {
        bytesOut.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), off)
        off += v.byteLength
      }
      return out
    },
    add: map2('add', (x, y) => reduce(x + y)),
    sub: map2('sub', (x, y) => reduce(x - y)),
    neg: map1((x) => reduce(-x)),
    mul: map2('mul', (x, y) => (x * y) % p),
    muladd: (a, b, c, out) => {
      const n = sameLen('muladd', a, b)
      sameLen('muladd', a, c)
      const o = out ?? zeros(n)
      for (let i = 0; i < n; i++) set(o, i, (get(a, i) * get(b, i) + get(c, i)) % p)
      return o
    },
    scale: (a, s, out) => map1((x) => (x * reduce(s)) % p)(a, out),
    addScalar: (a, s, out) => map1((x) => reduce(x + s))(a, out),
    axpy: (s, x, y) => {
      const n = sameLen('axpy', x, y)
      const r = reduce(s)
      for (let i = 0; i < n; i++) set(y, i, (get(y, i) + r * get(x, i)) % p)
      return y
    },
    sqrPow2k: (a, k, out) => {
      check(Number.isSafeInteger(k) && k >= 0, 'sqrPow2k', `k must be a non-negative integer, got ${k}`)
      return map1((x) => {
        for (let j = 0; j < k; j++) x = (x * x) % p
        return x
      })(a, out)
    },
    lincomb: (coeffs, vs, out) => {
      check(coeffs.length === vs.length && vs.length > 0, 'lincomb', `need as many coefficients as vectors (≥ 1), got ${coeffs.length} and ${vs.length}`)
      const n = len(vs[0]!)
      const o = out ?? zeros(n)
      for (let i = 0; i < n; i++) {
        let acc = 0n
        for (let j = 0; j < vs.length; j++) acc += reduce(coeffs[j]!) * get(vs[j]!, i)
        set(o, i, acc % p)
      }
      return o
    },
    dot: (a, b) => {
      const n = sameLen('dot', a, b)
      let acc = 0n
      for (let i = 0; i < n; i++) acc += get(a, i) * get(b, i)
      return acc % p
    },
    sum: (a) => {
      let acc = 0n
      for (let i = 0; i < len(a); i++) acc += get(a, i)
      return acc % p
    },
    inv: (a, out) => map1(invS)(a, out),
    equal: (a, b) => a.length === b.length && a.every((w, i) => w === b[i]),
    isZero: (a) => a.every((w) => w === 0n),
    random: (n, source = defaultRandomSource) => {
      const v = zeros(n)
      const buf = new Uint8Array(bytes)
      const topMask = (1n << BigInt(bits)) - 1n
      for (let i = 0; i < n; i++) {
        for (;;) {
          source(buf)
          let x = 0n
          for (let j = bytes - 1; j >= 0; j--) x = (x << 8n) | BigInt(buf[j]!)
          x &= topMask
          if (x < p) {
            set(v, i, x)
            break
          }
        }
      }
      return v
    },
    randomAxpy: (s, y, source = defaultRandomSource) => field.axpy(s, field.random(len(y), source), y),
    fromBigInts: (xs) => {
      const v = zeros(xs.length)
      xs.forEach((x, i) => set(v, i, reduce(x)))
      return v
    },
    toBigInts: (v) => Array.from({ length: len(v) }, (_, i) => get(v, i)),
    fromInt64: (xs) => {
      const v = zeros(xs.length)
      xs.forEach((x, i) => set(v, i, reduce(x)))
      return v
    },
    fromUint32: (xs) => {
      const v = zeros(xs.length)
      for (let i = 0; i < xs.length; i++) set(v, i, reduce(BigInt(xs[i]!)))
      return v
    },
    encode: (v) => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)),
    decode: (bs) => {
      if (bs.length % bytes !== 0) throw new FieldEncodingError('decode', `${bs.length} bytes is not a multiple of ${bytes}`)
      const v = new BigUint64Array(bs.length / 8)
      new Uint8Array(v.buffer).set(bs)
      for (let i = 0; i < len(v); i++) {
        if (get(v, i) >= p) throw new FieldEncodingError('decode', `element ${i} is not below p`)
      }
      return v
    },
  }
  return field
}

export const P61 = (1n << 61n) - 1n
export const P127 = (1n << 127n) - 1n

export const referenceP61: Field = createReferenceField('p61', P61)
export const referenceP127: Field = createReferenceField('p127', P127)
