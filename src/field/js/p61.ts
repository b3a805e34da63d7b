/**
 * Plain-JS kernel for p = 2^61 − 1 (used where WebAssembly is unavailable). No per-element BigInt:
 * elements are read as two uint32 halves (lo, hi < 2^29).
 *
 * - add: lo and hi sums in doubles, then `canon`: v ≥ p ⇔ v + 1 ≥ 2^61, and then v − p = (v + 1) mod 2^61.
 * - mul: three float64 limbs of 21, 21 and 19 bits (x = x0 + x1·2^21 + x2·2^42). Limb products are
 *   < 2^42 and column sums < 2^44, so every double is exact. Columns at 2^63 and 2^84 fold to ·4 at
 *   2^0 and 2^21 (2^61 ≡ 1), one carry pass brings limbs back to 21/21/19 bits with the top carry
 *   (weight 2^61 ≡ 1) added to the low limb, then the limbs are packed to (lo, hi) and `canon`ed.
 */
import type { FieldVector, RandomSource } from '../types.ts'
import type { VectorKernel } from '../kernel.ts'
import { words32, bytesOf, sqrPow2kByMul } from '../kernel.ts'

const P = (1n << 61n) - 1n
const TWO21 = 2097152
const TWO19 = 524288
const M32 = 0xffffffff
const TWO32 = 4294967296

/**
 * O[i], O[i+1] := v mod p for v = hi·2^32 + lo, lo < 2^35, hi < 2^30, v < 2^62 − 1.
 * Helpers write into a typed array rather than returning two numbers: module-level number variables
 * would box every non-Smi store as a heap number.
 */
function canon(lo: number, hi: number, O: Uint32Array, i: number): void {
  const l = lo >>> 0
  const h = hi + ((lo / TWO32) >>> 0)
  const c = (h + (l === M32 ? 1 : 0)) >>> 29
  const l2 = l + c
  O[i] = l2
  O[i + 1] = (h + (l2 > M32 ? 1 : 0)) & 0x1fffffff
}

/** As `canon`, for any v < 2^62 (a product plus an addend can exceed 2p): fold 2^61 ≡ 1 first. */
function canonWide(lo: number, hi: number, O: Uint32Array, i: number): void {
  const h = hi + ((lo / TWO32) >>> 0)
  const l = (lo >>> 0) + (h >>> 29)
  canon(l, h & 0x1fffffff, O, i) // canon carries l ≥ 2^32 into hi
}

/** O[i], O[i+1] := (x·y + (zl, zh)) mod p for x = (xl, xh), y = (yl, yh), z canonical (or 0). */
function mulAdd(xl: number, xh: number, yl: number, yh: number, zl: number, zh: number, O: Uint32Array, i: number): void {
  const x0 = xl & 0x1fffff, x1 = (xl >>> 21) | ((xh & 0x3ff) << 11), x2 = xh >>> 10
  const y0 = yl & 0x1fffff, y1 = (yl >>> 21) | ((yh & 0x3ff) << 11), y2 = yh >>> 10
  const c0 = x0 * y0 + 4 * (x1 * y2 + x2 * y1)
  let c1 = x0 * y1 + x1 * y0 + 4 * (x2 * y2)
  let c2 = x0 * y2 + x1 * y1 + x2 * y0
  let q = Math.floor(c0 / TWO21)
  const r0 = c0 - q * TWO21
  c1 += q
  q = Math.floor(c1 / TWO21)
  const r1 = c1 - q * TWO21
  c2 += q
  q = Math.floor(c2 / TWO19)
  const r2 = c2 - q * TWO19
  // v = (r0 + q) + r1·2^21 + r2·2^42 < 2^61 + 2^27, plus z < 2^61: below 2^62
  canonWide(r0 + q + (r1 & 0x7ff) * TWO21 + zl, (r1 >>> 11) + r2 * 1024 + zh, O, i)
}

export function createJsP61Kernel(): VectorKernel {
  const lohi = (s: bigint): [number, number] => [Number(s & 0xffffffffn), Number(s >> 32n)]
  const toBig = (W: Uint32Array): bigint => (BigInt(W[1]!) << 32n) | BigInt(W[0]!)

  const mul = (a: FieldVector, b: FieldVector, o: FieldVector): void => {
    const A = words32(a), B = words32(b), O = words32(o)
    for (let i = 0; i < A.length; i += 2) mulAdd(A[i]!, A[i + 1]!, B[i]!, B[i + 1]!, 0, 0, O, i)
  }
  return {
    kind: 'js',
    add: (a, b, o) => {
      const A = words32(a), B = words32(b), O = words32(o)
      for (let i = 0; i < A.length; i += 2) canon(A[i]! + B[i]!, A[i + 1]! + B[i + 1]!, O, i)
    },
    sub: (a, b, o) => {
      // a + (p − b)
      const A = words32(a), B = words32(b), O = words32(o)
      for (let i = 0; i < A.length; i += 2) canon(A[i]! + (M32 - B[i]!), A[i + 1]! + (0x1fffffff - B[i + 1]!), O, i)
    },
    neg: (a, o) => {
      const A = words32(a), O = words32(o)
      for (let i = 0; i < A.length; i += 2) canon(M32 - A[i]!, 0x1fffffff - A[i + 1]!, O, i)
    },
    mul,
    muladd: (a, b, c, o) => {
      const A = words32(a), B = words32(b), Cw = words32(c), O = words32(o)
      for (let i = 0; i < A.length; i += 2) mulAdd(A[i]!, A[i + 1]!, B[i]!, B[i + 1]!, Cw[i]!, Cw[i + 1]!, O, i)
    },
    scale: (a, s, o) => {
      const [sl, sh] = lohi(s)
      const A = words32(a), O = words32(o)
      for (let i = 0; i < A.length; i += 2) mulAdd(A[i]!, A[i + 1]!, sl, sh, 0, 0, O, i)
    },
    addScalar: (a, s, o) => {
      const [sl, sh] = lohi(s)
      const A = words32(a), O = words32(o)
      for (let i = 0; i < A.length; i += 2) canon(A[i]! + sl, A[i + 1]! + sh, O, i)
    },
    axpy: (s, x, y) => axpy(lohi(s), words32(x), words32(y)),
    lincomb: (coeffs, vs, o) => {
      // Accumulate in a fresh buffer so o may alias any input.
      const acc = new Uint32Array(o.length * 2)
      for (let j = 0; j < vs.length; j++) axpy(lohi(coeffs[j]!), words32(vs[j]!), acc)
      words32(o).set(acc)
    },
    dot: (a, b) => {
      const A = words32(a), B = words32(b), acc = new Uint32Array(2)
      for (let i = 0; i < A.length; i += 2) mulAdd(A[i]!, A[i + 1]!, B[i]!, B[i + 1]!, acc[0]!, acc[1]!, acc, 0)
      return toBig(acc)
    },
    sum: (a) => {
      const A = words32(a), acc = new Uint32Array(2)
      for (let i = 0; i < A.length; i += 2) canon(acc[0]! + A[i]!, acc[1]! + A[i + 1]!, acc, 0)
      return toBig(acc)
    },
    inv: (a, o) => {
      const A = words32(a), O = words32(o)
      const n = A.length
      if (n === 0) return true
      // Montgomery's trick: prefix products, one scalar inversion, then a backward pass.
      const pre = new Uint32Array(n)
      const acc = Uint32Array.of(1, 0)
      for (let i = 0; i < n; i += 2) {
        pre[i] = acc[0]!
        pre[i + 1] = acc[1]!
        mulAdd(acc[0]!, acc[1]!, A[i]!, A[i + 1]!, 0, 0, acc, 0)
      }
      if (acc[0] === 0 && acc[1] === 0) return false
      const [il, ih] = lohi(powP(toBig(acc), P - 2n))
      const inv = Uint32Array.of(il, ih), t = new Uint32Array(2)
      for (let i = n - 2; i >= 0; i -= 2) {
        mulAdd(inv[0]!, inv[1]!, pre[i]!, pre[i + 1]!, 0, 0, t, 0)
        mulAdd(inv[0]!, inv[1]!, A[i]!, A[i + 1]!, 0, 0, inv, 0)
        O[i] = t[0]!
        O[i + 1] = t[1]!
      }
      return true
    },
    randomAxpy: (s, n, source, y) => axpy(lohi(s), words32(randomJs(n, source)), words32(y)),
    sqrPow2k: (a, k, o) => sqrPow2kByMul(mul, 1, a, k, o),
    random: (n, source) => randomJs(n, source),
    firstInvalid: (a) => {
      const A = words32(a)
      for (let i = 0; i < A.length; i += 2) {
        const h = A[i + 1]!
        if (h > 0x1fffffff || (h === 0x1fffffff && A[i] === M32)) return i / 2
      }
      return -1
    },
  }
}

function axpy([sl, sh]: [number, number], X: Uint32Array, Y: Uint32Array): void {
  for (let i = 0; i < X.length; i += 2) mulAdd(X[i]!, X[i + 1]!, sl, sh, Y[i]!, Y[i + 1]!, Y, i)
}

function powP(b: bigint, e: bigint): bigint {
  let r = 1n
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P
  return r
}

/** Rejection sampling over the source's stream: mask to 61 bits, drop p itself, compact in place. */
function randomJs(n: number, source: RandomSource): FieldVector {
  const out = new BigUint64Array(n)
  const W = words32(out)
  let filled = 0
  while (filled < n) {
    const want = n - filled
    source(bytesOf(out.subarray(filled)))
    let k = filled * 2
    for (let i = filled * 2; i < (filled + want) * 2; i += 2) {
      const l = W[i]!, h = W[i + 1]! & 0x1fffffff
      W[k] = l
      W[k + 1] = h
      if (!(h === 0x1fffffff && l === M32)) k += 2
    }
    filled = k / 2
  }
  return out
}
