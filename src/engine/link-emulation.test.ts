import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryNetwork } from './transport-memory.ts'
import { emulateLinks } from './link-emulation.ts'
import { p61 } from '../field/index.ts'
import { createSession, mul } from '../protocols/index.ts'
import { dealtShares, sharedFromDealt } from '../protocols/harness.test-util.ts'

test('a frame arrives no sooner than the one-way delay; large frames queue behind each other at the bandwidth cap', async () => {
  const [a, b] = createMemoryNetwork(2, { timeoutMs: 5_000 })
  const slow = emulateLinks(a!, { delayMs: 20, bandwidthBytesPerSec: 10_000_000 })
  const t0 = performance.now()
  slow.send(1, 'x', new Uint8Array(8))
  await b!.receive(0, 'x')
  const small = performance.now() - t0
  assert.ok(small >= 19, `small frame after ${small} ms`)
  const t1 = performance.now()
  slow.send(1, 'big1', new Uint8Array(1_000_000)) // 100 ms at 10 MB/s
  slow.send(1, 'big2', new Uint8Array(1_000_000)) // queued behind: done at 200 ms
  await b!.receive(0, 'big2')
  const big = performance.now() - t1
  assert.ok(big >= 215, `two 1 MB frames after ${big} ms (expected ≥ 200 ms serialisation + 20 ms delay)`)
  await slow.close()
  await b!.close()
})

test('a caller may reuse its buffer after send; close drops frames still in flight', async () => {
  const [a, b] = createMemoryNetwork(2, { timeoutMs: 300 })
  const slow = emulateLinks(a!, { delayMs: 10 })
  const buf = new Uint8Array([1, 2, 3])
  slow.send(1, 'x', buf)
  buf.fill(9)
  assert.deepEqual([...(await b!.receive(0, 'x'))], [1, 2, 3])
  slow.send(1, 'y', buf)
  await slow.close()
  await assert.rejects(b!.receive(0, 'y'), (e: any) => e.code === 'MPC_TIMEOUT' || e.code === 'MPC_PEER_DISCONNECTED')
  await b!.close()
})

test('a protocol over emulated links is correct and pays the delay once per round', async () => {
  const delayMs = 15
  const transports = createMemoryNetwork(3, { timeoutMs: 10_000 }).map((t) => emulateLinks(t, { delayMs }))
  const x = p61.fromBigInts([3n, 5n]), y = p61.fromBigInts([7n, 11n])
  const xs = dealtShares(p61, x, 3, 1), ys = dealtShares(p61, y, 3, 1)
  const t0 = performance.now()
  const out = await Promise.all(transports.map(async (transport) => {
    const s = createSession({ field: p61, n: 3, t: 1, transport, security: 'semi-honest', timeoutMs: 10_000 })
    const a = await sharedFromDealt(s, xs), b = await sharedFromDealt(s, ys)
    const c = await mul(s, a, b)
    return { v: c.v, rounds: s.stats.rounds }
  }))
  const ms = performance.now() - t0
  const rounds = out[0]!.rounds
  assert.ok(rounds >= 1)
  assert.ok(ms >= rounds * delayMs - 1, `${rounds} rounds took ${ms} ms`)
  const { reconstruct } = await import('../sharing/shamir.ts')
  assert.deepEqual(p61.toBigInts(reconstruct(p61, out.map((o) => o.v), [0, 1, 2], 1)), [21n, 55n])
  await Promise.all(transports.map((t) => t.close()))
})
