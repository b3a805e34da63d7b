/** Encoding, integer conversions and sampling of both kernels of both fields. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createField, referenceP61, referenceP127, seededRandom, type Field } from './index.ts'
import { isEnigmaError } from '../common/errors.ts'

const fields: [Field, Field][] = []
for (const [name, ref] of [['p61', referenceP61], ['p127', referenceP127]] as const) {
  for (const kernel of ['wasm', 'js'] as const) fields.push([createField(name, { kernel }), ref])
}
const seed = (k: number): Uint8Array => new Uint8Array(32).fill(k)
const invalidEncoding = (e: unknown): boolean => isEnigmaError(e, 'FIELD_INVALID_ENCODING')

for (const [F, R] of fields) {
  const tag = `${F.name}/${F.kernel}`

  test(`${tag}: encode is little-endian canonical bytes and decode inverts it`, () => {
    const v = F.fromBigInts([0n, 1n, F.p - 1n, 0x0102030405060708n])
    const bytes = F.encode(v)
    assert.equal(bytes.length, 4 * F.bytes)
    assert.deepEqual([...bytes.subarray(F.bytes, F.bytes + 2)], [1, 0])
    assert.deepEqual([...bytes.subarray(3 * F.bytes, 3 * F.bytes + 8)], [8, 7, 6, 5, 4, 3, 2, 1])
    assert.deepEqual(bytes, R.encode(v))
    assert.ok(F.equal(F.decode(bytes), v))
    bytes[0] = 99
    assert.equal(F.get(v, 0), 0n, 'encode copies')
    const big = F.random(10_000)
    assert.ok(F.equal(F.decode(F.encode(big)), big))
    // unaligned input bytes
    const shifted = new Uint8Array(F.bytes * 3 + 1)
    shifted.set(F.encode(big.subarray(0, 3 * F.limbs)), 1)
    assert.ok(F.equal(F.decode(shifted.subarray(1)), big.subarray(0, 3 * F.limbs)))
    assert.equal(F.len(F.decode(new Uint8Array(0))), 0)
  })

  test(`${tag}: decode rejects wrong lengths and elements ≥ p`, () => {
    for (const len of [1, F.bytes - 1, F.bytes + 1, 3 * F.bytes + 5]) {
      assert.throws(() => F.decode(new Uint8Array(len)), invalidEncoding, `length ${len}`)
    }
    const tooBig = [F.p, F.p + 1n, (1n << BigInt(8 * F.bytes)) - 1n, 1n << BigInt(F.bits)]
    if (F.limbs === 2) tooBig.push(1n << 127n, (1n << 128n) - 2n)
    else tooBig.push(1n << 63n, 1n << 62n)
    for (const x of tooBig) {
      for (const at of [0, 5, 5000]) {
        const v = F.random(5001)
        const w = new BigUint64Array(v)
        if (F.limbs === 1) w[at] = x
        else {
          w[2 * at] = x & ((1n << 64n) - 1n)
          w[2 * at + 1] = x >> 64n
        }
        assert.throws(() => F.decode(new Uint8Array(w.buffer)), (e: unknown) =>
          invalidEncoding(e) && new RegExp(`element ${at} is not below p`).test((e as Error).message), `${x} at ${at}`)
      }
    }
  })

  test(`${tag}: fromInt64 and fromUint32 embed integers like the reference`, () => {
    const xs = BigInt64Array.from([0n, 1n, -1n, 2n, -2n, 8n, -8n, -9n, 7n, (1n << 63n) - 1n, -(1n << 63n), -(1n << 61n), (1n << 61n) - 1n,
      1n << 61n, (1n << 61n) + 7n, -((1n << 61n) - 1n), 0x7fffffff_ffffffffn, -0x1_0000_0000n, 0x1_0000_0000n, -0x1234_5678_9abc_def0n])
    assert.ok(F.equal(F.fromInt64(xs), R.fromInt64(xs)))
    const rnd = new BigInt64Array(5000)
    seededRandom(seed(3))(new Uint8Array(rnd.buffer))
    assert.ok(F.equal(F.fromInt64(rnd), R.fromInt64(rnd)))
    const us = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 123456789012345]
    assert.ok(F.equal(F.fromUint32(us), R.fromBigInts(us.map(BigInt))))
    const u32 = Uint32Array.from([0, 1, 0xffffffff, 77])
    assert.ok(F.equal(F.fromUint32(u32), R.fromBigInts([...u32].map(BigInt))))
    assert.throws(() => F.fromUint32([-1]), (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT'))
    assert.throws(() => F.fromUint32([2 ** 53]), (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT'))
    assert.throws(() => F.fromUint32([0.5]), (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT'))
  })

  test(`${tag}: random is canonical, uniform-looking and equals the reference under a seeded source`, () => {
    const n = 20_000
    const v = F.random(n)
    assert.equal(F.len(v), n)
    assert.doesNotThrow(() => F.decode(F.encode(v)), 'all elements < p')
    // top bit (bit bits−1) is set with probability ≈ 1/2: 20 000 samples, 6σ ≈ 425
    let top = 0
    for (let i = 0; i < n; i++) if (F.get(v, i) >> BigInt(F.bits - 1) === 1n) top++
    assert.ok(Math.abs(top - n / 2) < 425, `top bit set ${top} times of ${n}`)
    // lowest bit too
    let low = 0
    for (let i = 0; i < n; i++) low += Number(F.get(v, i) & 1n)
    assert.ok(Math.abs(low - n / 2) < 425, `low bit set ${low} times of ${n}`)
    // same seed ⇒ same vector, across kernels and the reference (same consumption of the stream)
    for (const m of [0, 1, 3, 4097, 9000]) {
      const fast = F.random(m, seededRandom(seed(9)))
      assert.ok(F.equal(fast, R.random(m, seededRandom(seed(9)))), `seeded random n = ${m}`)
    }
    assert.ok(!F.equal(F.random(100, seededRandom(seed(1))), F.random(100, seededRandom(seed(2)))))
  })

  test(`${tag}: random is safe against a source that uses the same field while filling`, () => {
    const inner = seededRandom(seed(11))
    const reentrant = (out: Uint8Array): void => {
      inner(out)
      F.mul(F.random(300), F.random(300)) // clobbers any shared kernel buffer
    }
    assert.ok(F.equal(F.random(5000, reentrant), R.random(5000, seededRandom(seed(11)))))
  })

  test(`${tag}: random rejects candidates ≥ p (a source that emits p first)`, () => {
    // A source whose stream starts with two all-ones candidates (= p after masking), then counts up.
    let calls = 0
    const source = (out: Uint8Array): void => {
      for (let i = 0; i < out.length; i++, calls++) out[i] = calls < 2 * F.bytes ? 0xff : calls % 251
    }
    const v = F.random(3, source)
    const refCalls = calls
    calls = 0
    const r = R.random(3, source)
    assert.ok(F.equal(v, r), 'same result as the reference')
    assert.equal(calls, refCalls, 'consumed as many bytes as the reference')
    for (let i = 0; i < 3; i++) assert.ok(F.get(v, i) < F.p)
  })
}
