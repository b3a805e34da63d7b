/**
 * Vectorised conversions and comparisons shared by both kernels: they touch the 32-bit words of a
 * vector directly, so no element ever becomes a BigInt.
 */
import { check } from '../common/errors.ts'
import type { FieldVector } from './types.ts'
import { words32 } from './kernel.ts'

const M32 = 0xffffffff
const TWO32 = 4294967296

/** Word-wise equality (canonical vectors: equal elements have equal words). */
export function equalVectors(a: FieldVector, b: FieldVector): boolean {
  if (a.length !== b.length) return false
  const A = words32(a), B = words32(b)
  for (let i = 0; i < A.length; i++) if (A[i] !== B[i]) return false
  return true
}

export function isZeroVector(a: FieldVector): boolean {
  const A = words32(a)
  for (let i = 0; i < A.length; i++) if (A[i] !== 0) return false
  return true
}

/** Signed 64-bit integers into p61: x mod p. */
export function int64ToP61(xs: BigInt64Array): FieldVector {
  const out = new BigUint64Array(xs.length)
  const X = new Uint32Array(xs.buffer, xs.byteOffset, xs.length * 2), O = words32(out)
  for (let i = 0; i < X.length; i += 2) {
    const l = X[i]!, h = X[i + 1]!
    // u = x mod 2^64 ≡ (u mod 2^61) + (u >> 61); a negative x is u − 2^64 ≡ u − 8, so add p − 8.
    let lo = l + (h >>> 29) + (h >= 0x80000000 ? M32 - 8 : 0)
    let hi = (h & 0x1fffffff) + (h >= 0x80000000 ? 0x1fffffff : 0)
    // lo < 2^33, hi < 2^30: reduce (v < 2p + 2^32 < 2^62 − 1)
    const c = Math.floor(lo / TWO32)
    lo -= c * TWO32
    hi += c
    const top = hi >>> 29 // fold 2^61 ≡ 1 (hi < 2^30)
    hi &= 0x1fffffff
    lo += top
    const c2 = Math.floor(lo / TWO32)
    lo -= c2 * TWO32
    hi += c2
    // now v < 2^61 + 2^29 ... canonical: v ≥ p ⇔ v + 1 ≥ 2^61
    const ge = (hi + (lo === M32 ? 1 : 0)) >>> 29
    const l2 = lo + ge
    O[i] = l2
    O[i + 1] = (hi + (l2 > M32 ? 1 : 0)) & 0x1fffffff
  }
  return out
}

/** Signed 64-bit integers into p127: x ≥ 0 stays, x < 0 becomes p + x = (u − 1, 2^63 − 1) for u = x mod 2^64. */
export function int64ToP127(xs: BigInt64Array): FieldVector {
  const out = new BigUint64Array(xs.length * 2)
  const X = new Uint32Array(xs.buffer, xs.byteOffset, xs.length * 2), O = words32(out)
  for (let i = 0, j = 0; i < X.length; i += 2, j += 4) {
    const l = X[i]!, h = X[i + 1]!
    if (h < 0x80000000) {
      O[j] = l
      O[j + 1] = h
    } else {
      O[j] = l - 1 // wraps to 2^32 − 1 when l = 0 (Uint32Array stores mod 2^32)
      O[j + 1] = l === 0 ? h - 1 : h
      O[j + 2] = M32
      O[j + 3] = 0x7fffffff
    }
  }
  return out
}

/** Non-negative safe integers (below 2^53 < p) as elements of a field with `limbs` words. */
export function safeIntsToField(xs: Uint32Array | readonly number[], limbs: 1 | 2): FieldVector {
  const out = new BigUint64Array(xs.length * limbs)
  const O = words32(out)
  const step = 2 * limbs
  if (xs instanceof Uint32Array) {
    for (let i = 0; i < xs.length; i++) O[i * step] = xs[i]!
    return out
  }
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!
    check(Number.isSafeInteger(x) && x >= 0, 'fromUint32', `element ${i} is not a non-negative safe integer: ${x}`)
    O[i * step] = x % TWO32
    O[i * step + 1] = Math.floor(x / TWO32)
  }
  return out
}
