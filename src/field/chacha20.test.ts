import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createCipheriv } from 'node:crypto'
import { seededRandom } from './chacha20.ts'
import { isEnigmaError } from '../common/errors.ts'

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!, (h) => parseInt(h, 16))

test('seededRandom: RFC 8439 §2.3.2 ChaCha20 block function test vector (block counter 1)', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i)
  const nonce = hex('000000090000004a00000000')
  const src = seededRandom(key, nonce)
  src(new Uint8Array(64)) // block 0
  const block1 = new Uint8Array(64)
  src(block1)
  assert.deepEqual(block1, hex(`
    10f1e7e4d13b5915500fdd1fa32071c4 c7d1f4c733c068030422aa9ac3d46c4e
    d2826446079faa0914c2d705d98b02a2 b5129cd1de164eb9cbd083e8a2503c4e`))
})

test('seededRandom: RFC 8439 A.1 test vector 1 (all-zero key and nonce, block 0)', () => {
  const out = new Uint8Array(64)
  seededRandom(new Uint8Array(32))(out)
  assert.deepEqual(out, hex(`
    76b8e0ada0f13d90405d6ae55386bd28 bdd219b8a08ded1aa836efcc8b770dc7
    da41597c5157488d7724e03fb8d84a37 6a43b8f41518a11cc387b669b2ee6586`))
})

test('seededRandom: equals node:crypto chacha20 keystream, however the reads are split', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff)
  const nonce = Uint8Array.from({ length: 12 }, (_, i) => i + 1)
  const len = 300_000
  const iv = new Uint8Array(16)
  iv.set(nonce, 4) // node's chacha20 IV = 32-bit little-endian counter ‖ 96-bit nonce
  const expected = new Uint8Array(createCipheriv('chacha20', key, iv).update(new Uint8Array(len)))
  const whole = new Uint8Array(len)
  seededRandom(key, nonce)(whole)
  assert.deepEqual(whole, expected)
  // odd-sized and unaligned reads continue the same stream
  const src = seededRandom(key, nonce)
  const backing = new Uint8Array(len + 1)
  const parts = backing.subarray(1)
  let off = 0
  for (const size of [1, 63, 64, 65, 4095, 4097, 100_000, 7]) {
    src(parts.subarray(off, off + size))
    off += size
  }
  src(parts.subarray(off))
  assert.deepEqual(parts, expected)
})

test('seededRandom: deterministic per seed, distinct across seeds, validates its arguments', () => {
  const a = new Uint8Array(1000), b = new Uint8Array(1000), c = new Uint8Array(1000)
  seededRandom(new Uint8Array(32).fill(1))(a)
  seededRandom(new Uint8Array(32).fill(1))(b)
  seededRandom(new Uint8Array(32).fill(2))(c)
  assert.deepEqual(a, b)
  assert.notDeepEqual(a, c)
  assert.throws(() => seededRandom(new Uint8Array(16)), (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT') && /seededRandom: seed must be 32 bytes, got 16/.test((e as Error).message))
  assert.throws(() => seededRandom(new Uint8Array(32), new Uint8Array(8)), (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT'))
})
