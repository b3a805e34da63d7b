/**
 * The fused kernels of issue #14 against the BigInt reference, on both kernels of both fields:
 * `sqrPow2k` (k squarings per element in one pass: the square roots of random-bit generation) and
 * `randomAxpy` (rejection sampling fused with y += s·x: PRSS). Lengths straddle the wasm glue's
 * word-by-word copy (FEW_WORDS), the four-element lanes of the p61 squaring kernel and the 32 KiB chunks.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createField, referenceP61, referenceP127, seededRandom, P127, type Field, type FieldVector, type RandomSource } from './index.ts'
import { isEnigmaError } from '../common/errors.ts'

const CHUNK = { p61: 4096, p127: 2048 } // elements per wasm chunk (32 KiB / element size)
const seed = (k: number): Uint8Array => new Uint8Array(32).fill(k)
const modPow = (a: bigint, e: bigint, p: bigint): bigint => {
  let r = 1n
  for (let b = a % p, k = e; k > 0n; k >>= 1n, b = (b * b) % p) if (k & 1n) r = (r * b) % p
  return r
}

/** Random vectors with 0, 1, 2, p − 1, p − 2 and (for p127) word-boundary values planted at the front. */
function vectorWithEdges(R: Field, n: number, k: number): FieldVector {
  const v = R.random(n, seededRandom(seed(k)))
  const edges = [0n, 1n, 2n, R.p - 1n, R.p - 2n, (1n << 32n) - 1n, 1n << 60n, R.p === P127 ? (1n << 64n) - 1n : 3n, R.p === P127 ? 1n << 126n : 5n]
  for (let i = 0; i < Math.min(n, edges.length); i++) R.set(v, i, edges[i]!)
  return v
}

/**
 * A byte stream (independent of how the caller slices its requests, like the AES-CTR streams) whose
 * candidates of `size` bytes are, by index mod 4: all ones (= p after masking: rejected), all ones
 * but the lowest byte (≥ 2^bits before masking: masked, then kept), and seeded random otherwise.
 */
function stickyStream(size: number, k: number): RandomSource {
  const rnd = seededRandom(seed(k))
  let pos = 0
  return (bytes) => {
    rnd(bytes)
    for (let i = 0; i < bytes.length; i++, pos++) {
      const cand = Math.floor(pos / size) % 4
      if (cand === 0) bytes[i] = 0xff
      else if (cand === 1) bytes[i] = pos % size === 0 ? 0x35 : 0xff
    }
  }
}

for (const [name, R] of [['p61', referenceP61], ['p127', referenceP127]] as const) {
  for (const kernel of ['wasm', 'js'] as const) {
    const F = createField(name, { kernel })
    const tag = `${name}/${kernel}`
    const ch = CHUNK[name]
    const lengths = [0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 2048, 2049, ch - 1, ch, ch + 1, 2 * ch + 3]

    test(`${tag}: sqrPow2k matches the reference and repeated mul at every boundary length`, () => {
      for (const n of lengths) {
        const a = vectorWithEdges(R, n, n % 200 + 1)
        for (const k of n <= 2049 ? [0, 1, 2, 3, F.bits - 2, 2 * F.bits + 1] : [1, F.bits - 2]) {
          const got = F.sqrPow2k(a, k)
          assert.ok(R.equal(got, R.sqrPow2k(a, k)), `${tag} n = ${n} k = ${k}`)
          if (n <= 17 || k <= 3) {
            let m: FieldVector = a.slice()
            for (let j = 0; j < k; j++) m = F.mul(m, m)
            assert.ok(R.equal(got, m), `${tag} n = ${n} k = ${k}: equals ${k} calls of mul`)
          }
        }
      }
    })

    test(`${tag}: sqrPow2k of a square with k = bits − 2 is a square root (±x), and out may alias a`, () => {
      const n = ch + 7
      const x = vectorWithEdges(R, n, 77)
      const root = F.sqrPow2k(F.mul(x, x), F.bits - 2)
      for (let i = 0; i < n; i++) {
        const r = R.get(root, i), xi = R.get(x, i)
        assert.ok(r === xi || r === R.negS(xi), `${tag}: √(x²) = ±x at ${i}`)
      }
      const a = x.slice()
      assert.equal(F.sqrPow2k(a, 5, a), a)
      assert.ok(R.equal(a, R.sqrPow2k(x, 5)), 'aliased output')
    })

    test(`${tag}: randomAxpy equals axpy of random on the same stream, consuming exactly as much of it`, () => {
      for (const n of lengths) {
        // The reference draws one candidate per source call (slow): it is the oracle up to 2049
        // elements; longer vectors take the candidates from this kernel's `random`, which field.test.ts
        // checks against the reference.
        const draw = n <= 2049 ? R : F
        for (const s of n <= 17 ? [0n, 1n, F.p - 1n, 0xdeadbeefcafen, F.p + 3n, -5n] : [F.p - 1n, -5n]) {
          for (const mk of [(k: number) => seededRandom(seed(k)), (k: number) => stickyStream(F.bytes, k)]) {
            const y0 = vectorWithEdges(R, n, 3)
            const fused = mk(n % 50 + 9), plain = mk(n % 50 + 9)
            const y = y0.slice()
            assert.equal(F.randomAxpy(s, y, fused), y, 'returns y')
            const expected = R.axpy(s, draw.random(n, plain), y0.slice())
            assert.ok(R.equal(y, expected), `${tag} n = ${n} s = ${s}`)
            // Same position in the stream afterwards: the next draws agree.
            assert.ok(R.equal(F.random(3, fused), R.random(3, plain)), `${tag} n = ${n}: stream position after randomAxpy`)
          }
        }
      }
    })

    test(`${tag}: randomAxpy with a source that itself uses the field (re-entrancy) keeps its candidates`, () => {
      const inner = seededRandom(seed(5))
      const reentrant: RandomSource = (bytes) => {
        F.randomAxpy(7n, F.zeros(ch + 1), seededRandom(seed(6))) // reuses the kernel's buffers in between
        inner(bytes)
      }
      const n = 3 * ch + 1
      const y = F.randomAxpy(11n, F.zeros(n), reentrant)
      assert.ok(R.equal(y, R.scale(F.random(n, seededRandom(seed(5))), 11n)))
    })

    test(`${tag}: sqrPow2k and randomAxpy reject bad arguments naming the function`, () => {
      const bad = (f: () => unknown, re: RegExp): void =>
        assert.throws(f, (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT') && re.test((e as Error).message))
      bad(() => F.sqrPow2k(F.zeros(2), -1), /sqrPow2k: n must be a non-negative integer/)
      bad(() => F.sqrPow2k(F.zeros(2), 1.5), /sqrPow2k: n must be/)
      bad(() => F.sqrPow2k(F.zeros(2), 2 ** 31), /sqrPow2k: k must be below 2\^31/)
      bad(() => F.sqrPow2k(F.zeros(2), 1, F.zeros(3)), /sqrPow2k: out has 3 elements, expected 2/)
      bad(() => F.randomAxpy(1n, [1n] as unknown as FieldVector), /randomAxpy: y must be a BigUint64Array/)
      bad(() => F.randomAxpy(1n, F.zeros(1), 3 as unknown as RandomSource), /randomAxpy: source must be a function/)
    })
  }
}

test('reference sqrPow2k is x^(2^k) by plain modular exponentiation', () => {
  for (const R of [referenceP61, referenceP127]) {
    const v = vectorWithEdges(R, 12, 4)
    for (const k of [0, 1, 7, R.bits - 2]) {
      const got = R.sqrPow2k(v, k)
      for (let i = 0; i < 12; i++) assert.equal(R.get(got, i), modPow(R.get(v, i), 1n << BigInt(k), R.p), `${R.name} k = ${k} at ${i}`)
    }
  }
})
