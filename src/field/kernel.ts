/**
 * The contract between a field instance (./fast-field.ts, which validates arguments and allocates)
 * and its vector kernel (WebAssembly or plain JS), which only computes. Every vector here is a
 * canonical element array of the right length, already checked; `o` may alias any input.
 */
import type { FieldVector, RandomSource } from './types.ts'

export interface VectorKernel {
  readonly kind: 'wasm' | 'js'
  add(a: FieldVector, b: FieldVector, o: FieldVector): void
  sub(a: FieldVector, b: FieldVector, o: FieldVector): void
  neg(a: FieldVector, o: FieldVector): void
  mul(a: FieldVector, b: FieldVector, o: FieldVector): void
  muladd(a: FieldVector, b: FieldVector, c: FieldVector, o: FieldVector): void
  /** s is a canonical scalar. */
  scale(a: FieldVector, s: bigint, o: FieldVector): void
  addScalar(a: FieldVector, s: bigint, o: FieldVector): void
  /** y += s·x */
  axpy(s: bigint, x: FieldVector, y: FieldVector): void
  /** o = Σ coeffs[j]·vs[j]; coefficients canonical, o may alias any vs[j]. */
  lincomb(coeffs: readonly bigint[], vs: readonly FieldVector[], o: FieldVector): void
  dot(a: FieldVector, b: FieldVector): bigint
  sum(a: FieldVector): bigint
  /** Batch inverse into o; false (o then unspecified) when a holds a zero. */
  inv(a: FieldVector, o: FieldVector): boolean
  /**
   * n uniform elements: candidates are `bytes`-sized little-endian chunks of the source's stream,
   * masked to `bits` bits, rejected when ≥ p. Kernels must consume the stream exactly like the
   * reference (the first n accepted candidates, no read-ahead), so a seeded source gives the same
   * vector on every kernel.
   */
  random(n: number, source: RandomSource): FieldVector
  /**
   * y += s·(the next n elements `random(n, source)` would return), consuming the source exactly as
   * `random` does (so a seeded stream gives bit-identical results), without the intermediate vector.
   */
  randomAxpy(s: bigint, n: number, source: RandomSource, y: FieldVector): void
  /** o = a^(2^k) element-wise (k squarings); o may alias a. */
  sqrPow2k(a: FieldVector, k: number, o: FieldVector): void
  /** Index of the first element ≥ p (or with stray high bits), −1 when all are canonical. */
  firstInvalid(a: FieldVector): number
}

/** 32-bit word view of a vector (little-endian hosts: word 2i is the low half of 64-bit word i). */
export const words32 = (v: FieldVector): Uint32Array => new Uint32Array(v.buffer, v.byteOffset, v.length * 2)

/** Bytes of a vector, sharing its memory. */
export const bytesOf = (v: FieldVector): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)

/**
 * `sqrPow2k` for kernels without a fused one (plain JS): k in-place `mul` passes over cache-sized
 * blocks of 2048 elements (measured faster in JS than squaring each element k times in a row).
 */
export function sqrPow2kByMul(mul: (a: FieldVector, b: FieldVector, o: FieldVector) => void, limbs: number, a: FieldVector, k: number, o: FieldVector): void {
  if (o !== a) bytesOf(o).set(bytesOf(a))
  const step = 2048 * limbs
  for (let lo = 0; lo < o.length; lo += step) {
    const blk = o.subarray(lo, Math.min(o.length, lo + step))
    for (let j = 0; j < k; j++) mul(blk, blk, blk)
  }
}
