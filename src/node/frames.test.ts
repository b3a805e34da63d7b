import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeFrame, FrameDecoder } from './frames.ts'

test('frames round-trip under any chunking', () => {
  const frames = [
    encodeFrame('0xabc', 'mul/3/r1', new Uint8Array([1, 2, 3])),
    encodeFrame('task-2', 'x', new Uint8Array(0)),
    encodeFrame('0xabc', 'big', new Uint8Array(100_000).fill(7)),
  ]
  const all = new Uint8Array(frames.reduce((s, f) => s + f.length, 0))
  let o = 0
  for (const f of frames) { all.set(f, o); o += f.length }
  for (const step of [1, 3, 7, 1000, all.length]) {
    const d = new FrameDecoder()
    const got = []
    for (let i = 0; i < all.length; i += step) got.push(...d.push(all.subarray(i, i + step)))
    assert.equal(got.length, 3)
    assert.equal(got[0]!.session, '0xabc'); assert.equal(got[0]!.label, 'mul/3/r1'); assert.deepEqual([...got[0]!.payload], [1, 2, 3])
    assert.equal(got[1]!.payload.length, 0)
    assert.equal(got[2]!.payload.length, 100_000); assert.equal(got[2]!.payload[99_999], 7)
    assert.equal(d.bufferedBytes, 0)
  }
})

test('oversized or malformed frames are refused with NODE_FRAME_INVALID', () => {
  const d = new FrameDecoder(1000)
  const big = new Uint8Array(8); new DataView(big.buffer).setUint32(0, 5000)
  assert.throws(() => d.push(big), { code: 'NODE_FRAME_INVALID' } as object)
  const bad = new Uint8Array([0, 0, 0, 3, 9, 1, 1])
  assert.throws(() => new FrameDecoder().push(bad), { code: 'NODE_FRAME_INVALID' } as object)
  assert.throws(() => encodeFrame('', 'x', new Uint8Array(0)), { code: 'NODE_FRAME_INVALID' } as object)
  assert.throws(() => encodeFrame('s', 'x'.repeat(256), new Uint8Array(0)), { code: 'NODE_FRAME_INVALID' } as object)
})
