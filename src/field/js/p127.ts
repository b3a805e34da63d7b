/**
 * Plain-JS kernel for p = 2^127 − 1 (used where WebAssembly is unavailable). No per-element BigInt:
 * an element is four uint32 words w0..w3 (w3 < 2^31).
 *
 * - add: word sums with carries in doubles, then `canon`: v ≥ p ⇔ v + 1 ≥ 2^127, and then
 *   v − p = (v + 1) mod 2^127.
 * - mul: eight 16-bit limbs per factor in float64; the 64 limb products (< 2^32) summed into 15
 *   columns stay exact (< 2^35). Columns 8..14 sit at 2^128·2^(16(k−8)) ≡ 2·2^(16(k−8)), so they
 *   fold doubled into columns 0..6; one carry pass (limb 7 keeps 15 bits, its carry has weight
 *   2^127 ≡ 1 and joins word 0) and a final `canon` give the canonical product.
 */
import type { FieldVector, RandomSource } from '../types.ts'
import type { VectorKernel } from '../kernel.ts'
import { words32, bytesOf } from '../kernel.ts'

const P = (1n << 127n) - 1n
const M32 = 0xffffffff
const TWO16 = 65536
const TWO32 = 4294967296

// Scratch limbs and columns (module-level: no allocation per element).
const X = new Float64Array(8)
const Y = new Float64Array(8)
const Cc = new Float64Array(16)
/** Result words of the helpers. */
const R = new Uint32Array(4)
/** Carried limbs of a product. */
const L = new Float64Array(8)

/** R := v mod p for v = Σ w_k·2^(32k), with w0..w2 < 2^33 and w3 < 2^32, v ≤ 2^128 − 2. */
function canon(w0: number, w1: number, w2: number, w3: number): void {
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
    R[0] = w0
    R[1] = w1
    R[2] = w2
    R[3] = w3
    return
  }
  // v − p = (v + 1) mod 2^127
  R[0] = w0 + 1
  R[1] = w1 + t0
  R[2] = w2 + t1
  R[3] = (w3 + t2) - 2147483648
}

function add(A: Uint32Array, i: number, B: Uint32Array, j: number): void {
  canon(A[i]! + B[j]!, A[i + 1]! + B[j + 1]!, A[i + 2]! + B[j + 2]!, A[i + 3]! + B[j + 3]!)
}

function sub(A: Uint32Array, i: number, B: Uint32Array, j: number): void {
  // a + (p − b); p is all ones, so p − b is a word-wise complement
  canon(A[i]! + (M32 - B[j]!), A[i + 1]! + (M32 - B[j + 1]!), A[i + 2]! + (M32 - B[j + 2]!), A[i + 3]! + (0x7fffffff - B[j + 3]!))
}

function limbs(D: Float64Array, A: Uint32Array, i: number): void {
  for (let k = 0; k < 4; k++) {
    const w = A[i + k]!
    D[2 * k] = w & 0xffff
    D[2 * k + 1] = w >>> 16
  }
}

/** R := x·y mod p for x given as limbs in X and y in Y. */
function mulLimbs(): void {
  Cc.fill(0)
  for (let i = 0; i < 8; i++) {
    const xi = X[i]!
    for (let j = 0; j < 8; j++) Cc[i + j] += xi * Y[j]!
  }
  let carry = 0
  for (let k = 0; k < 7; k++) {
    const t = Cc[k]! + 2 * Cc[k + 8]! + carry
    carry = Math.floor(t / TWO16)
    L[k] = t - carry * TWO16
  }
  const t7 = Cc[7]! + carry
  const top = Math.floor(t7 / 32768)
  L[7] = t7 - top * 32768
  canon(L[0]! + top + L[1]! * TWO16, L[2]! + L[3]! * TWO16, L[4]! + L[5]! * TWO16, L[6]! + L[7]! * TWO16)
}

function store(O: Uint32Array, i: number): void {
  O[i] = R[0]!
  O[i + 1] = R[1]!
  O[i + 2] = R[2]!
  O[i + 3] = R[3]!
}

const scalarWords = (s: bigint): Uint32Array =>
  Uint32Array.from([0n, 32n, 64n, 96n], (sh) => Number((s >> sh) & 0xffffffffn))

export function createJsP127Kernel(): VectorKernel {
  const axpy = (S: Uint32Array, Xw: Uint32Array, Yw: Uint32Array): void => {
    limbs(Y, S, 0)
    for (let i = 0; i < Xw.length; i += 4) {
      limbs(X, Xw, i)
      mulLimbs()
      add(R, 0, Yw, i)
      store(Yw, i)
    }
  }
  return {
    kind: 'js',
    add: (a, b, o) => {
      const A = words32(a), B = words32(b), O = words32(o)
      for (let i = 0; i < A.length; i += 4) {
        add(A, i, B, i)
        store(O, i)
      }
    },
    sub: (a, b, o) => {
      const A = words32(a), B = words32(b), O = words32(o)
      for (let i = 0; i < A.length; i += 4) {
        sub(A, i, B, i)
        store(O, i)
      }
    },
    neg: (a, o) => {
      const A = words32(a), O = words32(o)
      const Z = new Uint32Array(4)
      for (let i = 0; i < A.length; i += 4) {
        sub(Z, 0, A, i)
        store(O, i)
      }
    },
    mul: (a, b, o) => {
      const A = words32(a), B = words32(b), O = words32(o)
      for (let i = 0; i < A.length; i += 4) {
        limbs(X, A, i)
        limbs(Y, B, i)
        mulLimbs()
        store(O, i)
      }
    },
    muladd: (a, b, c, o) => {
      const A = words32(a), B = words32(b), Cw = words32(c), O = words32(o)
      for (let i = 0; i < A.length; i += 4) {
        limbs(X, A, i)
        limbs(Y, B, i)
        mulLimbs()
        add(R, 0, Cw, i)
        store(O, i)
      }
    },
    scale: (a, s, o) => {
      const A = words32(a), O = words32(o)
      limbs(Y, scalarWords(s), 0)
      for (let i = 0; i < A.length; i += 4) {
        limbs(X, A, i)
        mulLimbs()
        store(O, i)
      }
    },
    addScalar: (a, s, o) => {
      const A = words32(a), O = words32(o), S = scalarWords(s)
      for (let i = 0; i < A.length; i += 4) {
        add(A, i, S, 0)
        store(O, i)
      }
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
        limbs(X, A, i)
        limbs(Y, B, i)
        mulLimbs()
        add(R, 0, acc, 0)
        store(acc, 0)
      }
      return toBig(acc, 0)
    },
    sum: (a) => {
      const A = words32(a), acc = new Uint32Array(4)
      for (let i = 0; i < A.length; i += 4) {
        add(A, i, acc, 0)
        store(acc, 0)
      }
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
        limbs(X, acc, 0)
        limbs(Y, A, i)
        mulLimbs()
        store(acc, 0)
      }
      if ((acc[0]! | acc[1]! | acc[2]! | acc[3]!) === 0) return false
      const inv = scalarWords(powP(toBig(acc, 0), P - 2n))
      const tmp = new Uint32Array(4)
      for (let i = n - 4; i >= 0; i -= 4) {
        limbs(X, inv, 0)
        limbs(Y, pre, i)
        mulLimbs()
        store(tmp, 0)
        limbs(Y, A, i)
        mulLimbs()
        store(inv, 0)
        O.set(tmp, i)
      }
      return true
    },
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
