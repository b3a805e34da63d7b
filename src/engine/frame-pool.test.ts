import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FramePool } from './frame-pool.ts'

test('frame-pool: released buffers are reused by size class, within the idle budget', () => {
  const pool = new FramePool(3 * 1024 * 1024)
  const a = pool.acquire(1024 * 1024)
  assert.equal(a.byteLength, 1024 * 1024)
  pool.release(a)
  assert.equal(pool.idleBytes, 1024 * 1024)
  assert.equal(pool.acquire(1000 * 1000), a, 'same class (2^20) comes back')
  assert.equal(pool.idleBytes, 0)
  const b = pool.acquire(3 * 1024 * 1024)
  assert.equal(b.byteLength, 4 * 1024 * 1024, 'rounded up to a power of two')
  pool.release(b)
  assert.equal(pool.idleBytes, 0, 'over the idle budget: left to the GC')
  pool.release(Buffer.alloc(100_000))
  assert.equal(pool.idleBytes, 0, 'foreign sizes are not kept')
  assert.equal(pool.acquire(10).byteLength, FramePool.minBytes)
})
