/**
 * Defect 11 of issue #15: `checkNodes` asked each member with a 1 ms budget but each request could
 * hang for 15 s; and `waitForResult` gave up (300 s) before the default task deadline (600 s).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEnigmaClient } from '../client.ts'
import { checkNodes, CHECK_NODES_BUDGET_MS, resultWaitMs } from './waitForResult.ts'

test('checkNodes returns within its budget when every member hangs', async () => {
  const sockets = new Set<import('node:net').Socket>()
  const server: Server = createServer(() => { /* never answers: a wedged node */ })
  server.on('connection', (s) => sockets.add(s))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const committee = [0, 1, 2].map((index) => ({ index, peerId: `peer${index}`, account: `0x${String(index).repeat(40)}` as `0x${string}`, encryptionKey: `0x${'00'.repeat(32)}` as `0x${string}`, multiaddrs: [] }))
    const client = createEnigmaClient({ rpcUrl: 'http://127.0.0.1:1', controller: `0x${'aa'.repeat(20)}`, nodeApis: () => url })
    const t0 = Date.now()
    await checkNodes(client, committee, `0x${'01'.repeat(32)}`)
    const ms = Date.now() - t0
    assert.ok(ms < CHECK_NODES_BUDGET_MS + 1_500, `checkNodes took ${ms} ms`)
  } finally {
    for (const s of sockets) s.destroy()
    await new Promise((r) => server.close(r))
  }
})

test('waitForResult waits, by default, at least until the task deadline', () => {
  // createTask's default deadline is 600 s of chain time.
  assert.ok(resultWaitMs(undefined, 1_600n, 1_000n) >= 600_000)
  assert.equal(resultWaitMs(5_000, 1_600n, 1_000n), 5_000)
  assert.ok(resultWaitMs(undefined, 900n, 1_000n) > 0, 'past the deadline: a short grace, then SDK_TASK_EXPIRED decides')
})
