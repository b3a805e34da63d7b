import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FrameDecoder, encodeFrame } from './frame-codec.ts'
import { isEnigmaError } from '../common/errors.ts'

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

function decodeAll(chunks: Buffer[], max?: number): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = []
  const d = new FrameDecoder((label, payload) => out.push([label, payload]), max)
  for (const c of chunks) d.push(c)
  assert.equal(d.pendingBytes, 0)
  return out
}

test('frame-codec: the layout is [u8 labelLen][label][u32 BE len][payload]', () => {
  const f = encodeFrame('ab', Uint8Array.of(9, 8, 7))
  assert.deepEqual([...f], [2, 0x61, 0x62, 0, 0, 0, 3, 9, 8, 7])
})

test('frame-codec: any chunking of a frame stream decodes to the same frames', () => {
  const rand = rng(42)
  for (let round = 0; round < 40; round++) {
    const frames: [string, Uint8Array][] = []
    for (let k = 0; k < 30; k++) {
      const label = 'l'.repeat(Math.floor(rand() * 20)) + String(k)
      const size = rand() < 0.1 ? Math.floor(rand() * 200_000) : Math.floor(rand() * 300)
      const payload = new Uint8Array(size)
      for (let i = 0; i < size; i += 97) payload[i] = Math.floor(rand() * 256)
      frames.push([label, payload])
    }
    const wire = Buffer.concat(frames.map(([l, p]) => encodeFrame(l, p)))
    const chunks: Buffer[] = []
    for (let at = 0; at < wire.length;) {
      const len = rand() < 0.3 ? 1 : 1 + Math.floor(rand() * 70_000)
      chunks.push(wire.subarray(at, at + len))
      at += len
    }
    const got = decodeAll(chunks)
    assert.equal(got.length, frames.length)
    got.forEach(([l, p], i) => {
      assert.equal(l, frames[i]![0])
      assert.ok(Buffer.from(p).equals(frames[i]![1]), `payload ${i} of round ${round}`)
      assert.equal(Object.getPrototypeOf(p), Uint8Array.prototype, 'payloads are plain Uint8Arrays, not Buffers')
    })
  }
})

test('frame-codec: empty payloads and a 16 MB payload in 64 KB chunks', () => {
  const big = new Uint8Array(16 * 1024 * 1024)
  big[big.length - 1] = 1
  const wire = Buffer.concat([encodeFrame('', new Uint8Array(0)), encodeFrame('big', big), encodeFrame('e', new Uint8Array(0))])
  const chunks: Buffer[] = []
  for (let at = 0; at < wire.length; at += 65536) chunks.push(wire.subarray(at, at + 65536))
  const got = decodeAll(chunks)
  assert.deepEqual(got.map(([l, p]) => [l, p.length]), [['', 0], ['big', big.length], ['e', 0]])
  assert.equal(got[1]![1][big.length - 1], 1)
})

test('frame-codec: a frame above the limit is refused with MPC_BAD_FRAME', () => {
  const d = new FrameDecoder(() => {}, 1000)
  assert.throws(() => d.push(encodeFrame('x', new Uint8Array(1001))), (e) => isEnigmaError(e, 'MPC_BAD_FRAME'))
})
