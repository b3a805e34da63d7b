/**
 * Plain-JS kernel for p = 2^127 − 1 (used where WebAssembly is unavailable). No per-element BigInt:
 * an element is four uint32 words w0..w3 (w3 < 2^31).
 *
 * - add: word sums with carries in doubles, then `canon`: v ≥ p ⇔ v + 1 ≥ 2^127, and then
 *   v − p = (v + 1) mod 2^127.
 * - mul: eight 16-bit limbs per factor; the 64 limb products (< 2^32) summed into 15 columns stay
 *   exact in float64 (< 2^35). Columns 8..14 sit at 2^128·2^(16(k−8)) ≡ 2·2^(16(k−8)), so they
 *   fold doubled into columns 0..6; one carry pass (limb 7 keeps 15 bits, its carry has weight
 *   2^127 ≡ 1 and joins word 0) and a final `canon` give the canonical product.
 */
import type { FieldVector, RandomSource } from '../types.ts'
import type { VectorKernel } from '../kernel.ts'
import { words32, bytesOf, sqrPow2kByMul } from '../kernel.ts'

const P = (1n << 127n) - 1n
const M32 = 0xffffffff
const TWO16 = 65536
const TWO32 = 4294967296

/** Scratch result words for helpers used without an explicit output. */
const R = new Uint32Array(4)

/** O[oi..oi+4) := v mod p for v = Σ w_k·2^(32k), with w0..w2 < 2^33 and w3 < 2^32, v ≤ 2^128 − 2. */
function canon(w0: number, w1: number, w2: number, w3: number, O: Uint32Array = R, oi = 0): void {
  // normalise carries
  let c = Math.floor(w0 / TWO32)
  w0 -= c * TWO32
  w1 += c
  c = Math.floor(w1 / TWO32)
  w1 -= c * TWO32
  w2 += c
  c = Math.floor(w2 / TWO32)
  w2 -= c * TWO32
  w3 += c
  // v + 1 ≥ 2^127 ?
  const t0 = w0 === M32 ? 1 : 0
  const t1 = t0 & (w1 === M32 ? 1 : 0)
  const t2 = t1 & (w2 === M32 ? 1 : 0)
  const ge = Math.floor((w3 + t2) / 2147483648) // 0 or 1
  if (ge === 0) {
    O[oi] = w0
    O[oi + 1] = w1
    O[oi + 2] = w2
    O[oi + 3] = w3
    return
  }
  // v − p = (v + 1) mod 2^127 (Uint32Array stores wrap the + 1 carries)
  O[oi] = w0 + 1
  O[oi + 1] = w1 + t0
  O[oi + 2] = w2 + t1
  O[oi + 3] = (w3 + t2) - 2147483648
}

function add(A: Uint32Array, i: number, B: Uint32Array, j: number, O: Uint32Array, oi: number): void {
  canon(A[i]! + B[j]!, A[i + 1]! + B[j + 1]!, A[i + 2]! + B[j + 2]!, A[i + 3]! + B[j + 3]!, O, oi)
}

function sub(A: Uint32Array, i: number, B: Uint32Array, j: number, O: Uint32Array, oi: number): void {
  // a + (p − b); p is all ones, so p − b is a word-wise complement
  canon(A[i]! + (M32 - B[j]!), A[i + 1]! + (M32 - B[j + 1]!), A[i + 2]! + (M32 - B[j + 2]!), A[i + 3]! + (0x7fffffff - B[j + 3]!), O, oi)
}

/**
 * O[oi..oi+4) := x·y mod p for x = X[xi..xi+4), y = Y[yi..yi+4) (straight-line code, generated once:
 * 64 limb products into 15 columns, columns 8..14 folded doubled into 0..6, one carry pass).
 */
function mulTo(X: Uint32Array, xi: number, Y: Uint32Array, yi: number, O: Uint32Array, oi: number): void {
  const xw0 = X[xi]!, xw1 = X[xi + 1]!, xw2 = X[xi + 2]!, xw3 = X[xi + 3]!
  const x0 = xw0 & 0xffff, x1 = xw0 >>> 16, x2 = xw1 & 0xffff, x3 = xw1 >>> 16, x4 = xw2 & 0xffff, x5 = xw2 >>> 16, x6 = xw3 & 0xffff, x7 = xw3 >>> 16
  const yw0 = Y[yi]!, yw1 = Y[yi + 1]!, yw2 = Y[yi + 2]!, yw3 = Y[yi + 3]!
  const y0 = yw0 & 0xffff, y1 = yw0 >>> 16, y2 = yw1 & 0xffff, y3 = yw1 >>> 16, y4 = yw2 & 0xffff, y5 = yw2 >>> 16, y6 = yw3 & 0xffff, y7 = yw3 >>> 16
  const c0 = x0 * y0
  const c1 = x0 * y1 + x1 * y0
  const c2 = x0 * y2 + x1 * y1 + x2 * y0
  const c3 = x0 * y3 + x1 * y2 + x2 * y1 + x3 * y0
  const c4 = x0 * y4 + x1 * y3 + x2 * y2 + x3 * y1 + x4 * y0
  const c5 = x0 * y5 + x1 * y4 + x2 * y3 + x3 * y2 + x4 * y1 + x5 * y0
  const c6 = x0 * y6 + x1 * y5 + x2 * y4 + x3 * y3 + x4 * y2 + x5 * y1 + x6 * y0
  const c7 = x0 * y7 + x1 * y6 + x2 * y5 + x3 * y4 + x4 * y3 + x5 * y2 + x6 * y1 + x7 * y0
  const c8 = x1 * y7 + x2 * y6 + x3 * y5 + x4 * y4 + x5 * y3 + x6 * y2 + x7 * y1
  const c9 = x2 * y7 + x3 * y6 + x4 * y5 + x5 * y4 + x6 * y3 + x7 * y2
  const c10 = x3 * y7 + x4 * y6 + x5 * y5 + x6 * y4 + x7 * y3
  const c11 = x4 * y7 + x5 * y6 + x6 * y5 + x7 * y4
  const c12 = x5 * y7 + x6 * y6 + x7 * y5
  const c13 = x6 * y7 + x7 * y6
  const c14 = x7 * y7
  let t = c0 + 2 * c8
  let k = (t / TWO16) >>> 0
  const r0 = t - k * TWO16
  t = c1 + 2 * c9 + k
  const q1 = (t / TWO16) >>> 0
  const r1 = t - q1 * TWO16
  k = q1
  t = c2 + 2 * c10 + k
  const q2 = (t / TWO16) >>> 0
  const r2 = t - q2 * TWO16
  k = q2
  t = c3 + 2 * c11 + k
  const q3 = (t / TWO16) >>> 0
  const r3 = t - q3 * TWO16
  k = q3
  t = c4 + 2 * c12 + k
  const q4 = (t / TWO16) >>> 0
  const r4 = t - q4 * TWO16
  k = q4
  t = c5 + 2 * c13 + k
  const q5 = (t / TWO16) >>> 0
  const r5 = t - q5 * TWO16
  k = q5
  t = c6 + 2 * c14 + k
  const q6 = (t / TWO16) >>> 0
  const r6 = t - q6 * TWO16
  k = q6
  t = c7 + k
  const top = (t / 32768) >>> 0 // weight 2^127 ≡ 1
  const r7 = t - top * 32768
  canon(r0 + top + r1 * TWO16, r2 + r3 * TWO16, r4 + r5 * TWO16, r6 + r7 * TWO16, O, oi)
}

const scalarWords = (s: bigint): Uint32Array =>
  Uint32Array.from([0n, 32n, 64n, 96n], (sh) => Number((s >> sh) & 0xffffffffn))

export function createJsP127Kernel(): VectorKernel {
  const axpy = (S: Uint32Array, Xw: Uint32Array, Yw: Uint32Array): void => {
    for (let i = 0; i < Xw.length; i += 4) {
      mulTo(Xw, i, S, 0, R, 0)
      add(R, 0, Yw, i, Yw, i)
    }
  }
  const mul = (a: FieldVector, b: FieldVector, o: FieldVector): void => {
    const A = words32(a), B = words32(b), O = words32(o)
    for (let i = 0; i < A.length; i += 4) mulTo(A, i, B, i, O, i)
  }
  return {
    kind: 'js',
    add: (a, b, o) => {
      const A = words32(a), B = words32(b), O = words32(o)
      for (let i = 0; i < A.length; i += 4) add(A, i, B, i, O, i)
    },
    sub: (a, b, o) => {
      const A = words32(a), B = words32(b), O = words32(o)
      for (let i = 0; i < A.length; i += 4) sub(A, i, B, i, O, i)
    },
    neg: (a, o) => {
      const A = words32(a), O = words32(o)
      const Z = new Uint32Array(4)
      for (let i = 0; i < A.length; i += 4) sub(Z, 0, A, i, O, i)
    },
    mul,
    muladd: (a, b, c, o) => {
      const A = words32(a), B = words32(b), Cw = words32(c), O = words32(o)
      for (let i = 0; i < A.length; i += 4) {
        mulTo(A, i, B, i, R, 0)
        add(R, 0, Cw, i, O, i)
      }
    },
    scale: (a, s, o) => {
      const A = words32(a), O = words32(o), S = scalarWords(s)
      for (let i = 0; i < A.length; i += 4) mulTo(A, i, S, 0, O, i)
    },
    addScalar: (a, s, o) => {
      const A = words32(a), O = words32(o), S = scalarWords(s)
      for (let i = 0; i < A.length; i += 4) add(A, i, S, 0, O, i)
    },
    axpy: (s, x, y) => axpy(scalarWords(s), words32(x), words32(y)),
    lincomb: (coeffs, vs, o) => {
      const acc = new Uint32Array(o.length * 2)
      for (let j = 0; j < vs.length; j++) axpy(scalarWords(coeffs[j]!), words32(vs[j]!), acc)
      words32(o).set(acc)
    },
    dot: (a, b) => {
      const A = words32(a), B = words32(b), acc = new Uint32Array(4)
      for (let i = 0; i < A.length; i += 4) {
        mulTo(A, i, B, i, R, 0)
        add(R, 0, acc, 0, acc, 0)
      }
      return toBig(acc, 0)
    },
    sum: (a) => {
      const A = words32(a), acc = new Uint32Array(4)
      for (let i = 0; i < A.length; i += 4) add(A, i, acc, 0, acc, 0)
      return toBig(acc, 0)
    },
    inv: (a, o) => {
      const A = words32(a), O = words32(o)
      const n = A.length
      if (n === 0) return true
      // Montgomery's trick: prefix products, one scalar inversion, then a backward pass.
      const pre = new Uint32Array(n)
      const acc = Uint32Array.of(1, 0, 0, 0)
      for (let i = 0; i < n; i += 4) {
        pre.set(acc, i)
        mulTo(acc, 0, A, i, acc, 0)
      }
      if ((acc[0]! | acc[1]! | acc[2]! | acc[3]!) === 0) return false
      const inv = scalarWords(powP(toBig(acc, 0), P - 2n))
      const tmp = new Uint32Array(4)
      for (let i = n - 4; i >= 0; i -= 4) {
        mulTo(inv, 0, pre, i, tmp, 0)
        mulTo(inv, 0, A, i, inv, 0)
        O.set(tmp, i)
      }
      return true
    },
    randomAxpy: (s, n, source, y) => axpy(scalarWords(s), words32(randomJs(n, source)), words32(y)),
    sqrPow2k: (a, k, o) => sqrPow2kByMul(mul, 2, a, k, o),
    random: (n, source) => randomJs(n, source),
    firstInvalid: (a) => {
      const A = words32(a)
      for (let i = 0; i < A.length; i += 4) {
        const h = A[i + 3]!
        if (h > 0x7fffffff || (h === 0x7fffffff && A[i] === M32 && A[i + 1] === M32 && A[i + 2] === M32)) return i / 4
      }
      return -1
    },
  }
}

function toBig(W: Uint32Array, i: number): bigint {
  return BigInt(W[i]!) | (BigInt(W[i + 1]!) << 32n) | (BigInt(W[i + 2]!) << 64n) | (BigInt(W[i + 3]!) << 96n)
}

function powP(b: bigint, e: bigint): bigint {
  let r = 1n
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P
  return r
}

/** Rejection sampling over the source's stream: mask to 127 bits, drop p itself, compact in place. */
function randomJs(n: number, source: RandomSource): FieldVector {
  const out = new BigUint64Array(2 * n)
  const W = words32(out)
  let filled = 0
  while (filled < n) {
    source(bytesOf(out.subarray(2 * filled)))
    let k = filled * 4
    for (let i = filled * 4; i < n * 4; i += 4) {
      const w0 = W[i]!, w1 = W[i + 1]!, w2 = W[i + 2]!, w3 = W[i + 3]! & 0x7fffffff
      W[k] = w0
      W[k + 1] = w1
      W[k + 2] = w2
      W[k + 3] = w3
      if (!(w3 === 0x7fffffff && w0 === M32 && w1 === M32 && w2 === M32)) k += 4
    }
    filled = k / 4
  }
  return out
}
