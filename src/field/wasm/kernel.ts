/**
 * JS glue for the WebAssembly kernels: instantiates the committed module bytes synchronously (so
 * field instances exist at import time) and streams the caller's vectors through the module's
 * memory in chunks. Vectors live in ordinary BigUint64Arrays outside wasm memory (views into a
 * growable wasm memory would be detached by growth), so each chunk is copied in and out with typed
 * array `set` (a memcpy); chunks of 32 KiB per operand keep all operands in L1/L2 while the kernel
 * runs, and amortise the JS→wasm call.
 */
import { EnigmaError } from '../../common/errors.ts'
import type { FieldName, FieldVector, RandomSource } from '../types.ts'
import type { VectorKernel } from '../kernel.ts'
import { P61_WASM_BASE64, P127_WASM_BASE64 } from './kernels.generated.ts'

type Ptr = number
interface KernelExports {
  memory: WebAssembly.Memory
  add(a: Ptr, b: Ptr, o: Ptr, n: number): void
  sub(a: Ptr, b: Ptr, o: Ptr, n: number): void
  neg(a: Ptr, o: Ptr, n: number): void
  mul(a: Ptr, b: Ptr, o: Ptr, n: number): void
  muladd(a: Ptr, b: Ptr, c: Ptr, o: Ptr, n: number): void
  /** p61: (a, s, o, n); p127: (a, sLo, sHi, o, n). */
  scale(a: Ptr, s: bigint, o: Ptr | bigint, n: number, m?: number): void
  addScalar(a: Ptr, s: bigint, o: Ptr | bigint, n: number, m?: number): void
  /** p61: (s, a, o, n); p127: (sLo, sHi, a, o, n). */
  axpy(s: bigint, a: Ptr | bigint, o: Ptr, n: number, m?: number): void
  dot(a: Ptr, b: Ptr, n: number): bigint | undefined
  sum(a: Ptr, n: number): bigint | undefined
  inv(a: Ptr, o: Ptr, t: Ptr, n: number): number
  sample(a: Ptr, o: Ptr, n: number): number
  firstInvalid(a: Ptr, n: number): number
  sqrPow2k(a: Ptr, o: Ptr, n: number, k: number): void
  /** p61: (s, a, o, n); p127: (sLo, sHi, a, o, n). Returns how many candidates were kept. */
  sampleAxpy(s: bigint, a: Ptr | bigint, o: Ptr, n: number, m?: number): number
  /** p127 only: lazy linear-combination columns (see p127.wat.ts). */
  colAxpy?(sl: bigint, sh: bigint, a: Ptr, f: Ptr, n: number): void
  colFlush?(f: Ptr, o: Ptr, n: number, acc: number): void
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export function wasmBytes(name: FieldName): Uint8Array<ArrayBuffer> {
  return decodeBase64(name === 'p61' ? P61_WASM_BASE64 : P127_WASM_BASE64)
}

/** True when this JS engine has WebAssembly (compiling may still be refused, e.g. by a CSP). */
export function wasmAvailable(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function'
}

const MASK64 = (1n << 64n) - 1n
/** Bytes per operand buffer in wasm memory. */
const BUF_BYTES = 32 * 1024
/** Up to this many 64-bit words, operands are copied word by word (see `put`). */
const FEW_WORDS = 16

export function createWasmKernel(name: FieldName): VectorKernel {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(name)), {})
  const x = instance.exports as unknown as KernelExports
  const W = name === 'p61' ? 1 : 2 // 64-bit words per element
  const CH = BUF_BYTES / (8 * W) // elements per chunk
  const CW = CH * W // words per chunk
  // Byte offsets of the operand buffers; bytes [0, 1024) hold results (p127 dot/sum).
  const A = 1024
  const B = A + BUF_BYTES
  const C = B + BUF_BYTES
  const O = C + BUF_BYTES
  const T = O + BUF_BYTES
  const F = T + BUF_BYTES // p127 lincomb columns: 40 bytes per element
  const memNeeded = x.colAxpy ? F + CH * 40 : F
  if (x.memory.buffer.byteLength < memNeeded) {
    throw new EnigmaError('FIELD_INTERNAL', `createWasmKernel: the ${name} module's memory is smaller than its buffers (a build bug)`)
  }
  // The memory never grows (fixed size in the module), so these views stay valid.
  const mem = new BigUint64Array(x.memory.buffer)
  const memBytes = new Uint8Array(x.memory.buffer)
  const wA = A / 8, wB = B / 8, wC = C / 8, wO = O / 8

  // Calls with a scalar argument: one i64, or (lo, hi) for p127. Written out rather than spread from an
  // array, which allocated and slowed one-element operations.
  const scaleAt = W === 1 ? (s: bigint, m: number) => x.scale(A, s, O, m) : (s: bigint, m: number) => x.scale(A, s & MASK64, s >> 64n, O, m)
  const addScalarAt = W === 1 ? (s: bigint, m: number) => x.addScalar(A, s, O, m) : (s: bigint, m: number) => x.addScalar(A, s & MASK64, s >> 64n, O, m)
  const axpyAt = W === 1 ? (s: bigint, m: number) => x.axpy(s, A, O, m) : (s: bigint, m: number) => x.axpy(s & MASK64, s >> 64n, A, O, m)
  const sampleAxpyAt = W === 1 ? (s: bigint, m: number) => x.sampleAxpy(s, A, O, m) : (s: bigint, m: number) => x.sampleAxpy(s & MASK64, s >> 64n, A, O, m)
  const result = (r: bigint | undefined): bigint =>
    W === 1 ? BigInt.asUintN(64, r!) : mem[0]! | (mem[1]! << 64n)

  /** randomAxpy's candidate buffer, reused between calls (undefined while a call holds it). */
  let scratch: BigUint64Array | undefined = new BigUint64Array(CW)

  const each = (len: number, f: (lo: number, hi: number, m: number) => void): void => {
    for (let off = 0; off < len; off += CW) {
      const hi = Math.min(len, off + CW)
      f(off, hi, (hi - off) / W)
    }
  }
  // Copy through byte views: V8's BigUint64Array.prototype.set converts element by element through
  // BigInt (measured ~30x slower than a Uint8Array copy), which dominated every vector operation.
  const bytesOfWords = (v: FieldVector, lo: number, hi: number): Uint8Array => new Uint8Array(v.buffer, v.byteOffset + lo * 8, (hi - lo) * 8)
  // A few words are copied one by one instead: building the byte views costs more than the copy
  // there (issue #14: a one-element operation spent most of its time in view construction).
  const put = (v: FieldVector, lo: number, hi: number, at: number): void => {
    if (hi - lo <= FEW_WORDS) for (let i = lo; i < hi; i++) mem[at + i - lo] = v[i]!
    else memBytes.set(bytesOfWords(v, lo, hi), at * 8)
  }
  const take = (o: FieldVector, lo: number, hi: number): void => {
    if (hi - lo <= FEW_WORDS) for (let i = lo; i < hi; i++) o[i] = mem[wO + i - lo]!
    else bytesOfWords(o, lo, hi).set(memBytes.subarray(O, O + (hi - lo) * 8))
  }

  const binary = (f: (a: Ptr, b: Ptr, o: Ptr, n: number) => void) => (a: FieldVector, b: FieldVector, o: FieldVector): void =>
    each(a.length, (lo, hi, m) => {
      put(a, lo, hi, wA)
      put(b, lo, hi, wB)
      f(A, B, O, m)
      take(o, lo, hi)
    })

  // Per-chunk results of dot and sum are canonical; chunks combine with one bigint addition each.
  const P = W === 1 ? (1n << 61n) - 1n : (1n << 127n) - 1n
  const addMod = (u: bigint, v: bigint): bigint => (u + v) % P

  return {
    kind: 'wasm',
    add: binary(x.add),
    sub: binary(x.sub),
    mul: binary(x.mul),
    neg: (a, o) =>
      each(a.length, (lo, hi, m) => {
        put(a, lo, hi, wA)
        x.neg(A, O, m)
        take(o, lo, hi)
      }),
    muladd: (a, b, c, o) =>
      each(a.length, (lo, hi, m) => {
        put(a, lo, hi, wA)
        put(b, lo, hi, wB)
        put(c, lo, hi, wC)
        x.muladd(A, B, C, O, m)
        take(o, lo, hi)
      }),
    scale: (a, s, o) =>
      each(a.length, (lo, hi, m) => {
        put(a, lo, hi, wA)
        scaleAt(s, m)
        take(o, lo, hi)
      }),
    addScalar: (a, s, o) =>
      each(a.length, (lo, hi, m) => {
        put(a, lo, hi, wA)
        addScalarAt(s, m)
        take(o, lo, hi)
      }),
    axpy: (s, xv, y) =>
      each(xv.length, (lo, hi, m) => {
        put(xv, lo, hi, wA)
        put(y, lo, hi, wO)
        axpyAt(s, m)
        take(y, lo, hi)
      }),
    lincomb: (coeffs, vs, o) => {
      const { colAxpy, colFlush } = x
      if (colAxpy && colFlush) {
        // p127: sum unreduced product columns of up to 32 vectors, reduce each element once.
        const args = coeffs.map((s) => [s & MASK64, s >> 64n] as const)
        each(o.length, (lo, hi, m) => {
          mem.fill(0n, F / 8, F / 8 + 5 * m)
          let pending = 0
          let flushed = 0
          for (let j = 0; j < vs.length; j++) {
            put(vs[j]!, lo, hi, wA)
            colAxpy(args[j]![0]!, args[j]![1]!, A, F, m)
            if (++pending === 32 && j + 1 < vs.length) {
              colFlush(F, O, m, flushed)
              flushed = 1
              pending = 0
            }
          }
          colFlush(F, O, m, flushed)
          take(o, lo, hi)
        })
        return
      }
      each(o.length, (lo, hi, m) => {
        mem.fill(0n, wO, wO + hi - lo)
        for (let j = 0; j < vs.length; j++) {
          put(vs[j]!, lo, hi, wA)
          axpyAt(coeffs[j]!, m)
        }
        take(o, lo, hi)
      })
    },
    dot: (a, b) => {
      let acc = 0n
      each(a.length, (lo, hi, m) => {
        put(a, lo, hi, wA)
        put(b, lo, hi, wB)
        acc = addMod(acc, result(x.dot(A, B, m)))
      })
      return acc
    },
    sum: (a) => {
      let acc = 0n
      each(a.length, (lo, hi, m) => {
        put(a, lo, hi, wA)
        acc = addMod(acc, result(x.sum(A, m)))
      })
      return acc
    },
    inv: (a, o) => {
      let ok = true
      each(a.length, (lo, hi, m) => {
        if (!ok) return
        put(a, lo, hi, wA)
        if (x.inv(A, O, T, m) === 0) ok = false
        else take(o, lo, hi)
      })
      return ok
    },
    sqrPow2k: (a, k, o) =>
      each(a.length, (lo, hi, m) => {
        put(a, lo, hi, wA)
        x.sqrPow2k(A, O, m, k)
        take(o, lo, hi)
      }),
    randomAxpy: (s, n, source, y) => {
      // As `random` below (same candidates, same requests to the source, so the same stream), but
      // each kept candidate is multiplied into y at once instead of being written to a fresh vector.
      const rnd = scratch === undefined ? new BigUint64Array(CW) : scratch
      scratch = undefined // a re-entrant call (a source that uses this field) gets its own buffer
      const rndBytes = new Uint8Array(rnd.buffer)
      let filled = 0
      while (filled < n) {
        const want = Math.min(CH, n - filled)
        const bytes = rndBytes.subarray(0, want * W * 8)
        source(bytes)
        memBytes.set(bytes, A)
        put(y, filled * W, (filled + want) * W, wO)
        const kept = sampleAxpyAt(s, want)
        take(y, filled * W, (filled + kept) * W)
        filled += kept
      }
      scratch = rnd
    },
    random: (n: number, source: RandomSource) => {
      const out = new BigUint64Array(n * W)
      // The source fills a buffer of this call, not wasm memory or a shared scratch: a source that
      // itself calls this field (re-entrancy) must not overwrite candidates it has produced.
      const rnd = new BigUint64Array(Math.min(CW, n * W))
      const rndBytes = new Uint8Array(rnd.buffer)
      let filled = 0
      while (filled < n) {
        const want = Math.min(CH, n - filled)
        source(rndBytes.subarray(0, want * W * 8))
        memBytes.set(rndBytes.subarray(0, want * W * 8), A)
        // sample() masks, rejects and compacts in place.
        const kept = x.sample(A, A, want)
        new Uint8Array(out.buffer, filled * W * 8, kept * W * 8).set(memBytes.subarray(A, A + kept * W * 8))
        filled += kept
      }
      return out
    },
    firstInvalid: (a) => {
      let found = -1
      each(a.length, (lo, hi, m) => {
        if (found >= 0) return
        put(a, lo, hi, wA)
        const i = x.firstInvalid(A, m)
        if (i >= 0) found = lo / W + i
      })
      return found
    },
  }
}
