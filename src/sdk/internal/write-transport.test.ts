import test from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { keccak256, type Hex } from 'viem'
import { writeTransport } from './write-transport.ts'

interface Rpc { readonly id: number; readonly method: string; readonly params?: unknown[] }
/** Per request: `drop` ends the connection without an answer (what a busy node's keep-alive timer does). */
type Handler = (rpc: Rpc, n: number) => { drop: true } | { result: unknown } | { error: { code: number; message: string } }

async function rpcServer(handler: Handler): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (c) => { body += c })
    req.on('end', () => {
      const rpc = JSON.parse(body) as Rpc
      seen.push(rpc.method)
      const out = handler(rpc, seen.length)
      if ('drop' in out) { req.socket.destroy(); return }
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ jsonrpc: '2.0', id: rpc.id, ...out }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()) }) }
}

const request = (url: string, method: string, params?: unknown[]) =>
  writeTransport(url, { retryDelayMs: 5 })({ retryCount: 0 }).request({ method, params } as never) as Promise<unknown>

const RAW: Hex = '0x02f86c827a6980843b9aca00847735940082520894000000000000000000000000000000000000dead0180c001a0aa'
const HASH = keccak256(RAW)

test('a read whose connection drops without an answer is asked again', async () => {
  const s = await rpcServer((_, n) => (n === 1 ? { drop: true } : { result: '0x7a69' }))
  try {
    assert.equal(await request(s.url, 'eth_chainId'), '0x7a69')
    assert.deepEqual(s.seen, ['eth_chainId', 'eth_chainId'])
  } finally { await s.close() }
})

test('an answer is never retried: a revert of eth_estimateGas is thrown after one request', async () => {
  const s = await rpcServer(() => ({ error: { code: 3, message: 'execution reverted' } }))
  try {
    await assert.rejects(request(s.url, 'eth_estimateGas', [{}]), /execution reverted/)
    assert.deepEqual(s.seen, ['eth_estimateGas'])
  } finally { await s.close() }
})

test('a transaction whose answer was lost: the same bytes again; refused as known, its hash is looked up and returned', async () => {
  const pool = new Set<Hex>()
  const s = await rpcServer((rpc, n) => {
    if (rpc.method === 'eth_sendRawTransaction') {
      const h = keccak256(rpc.params![0] as Hex)
      if (pool.has(h)) return { error: { code: -32000, message: 'nonce too low' } }
      pool.add(h)
      return n === 1 ? { drop: true } : { result: h }
    }
    if (rpc.method === 'eth_getTransactionByHash') return { result: pool.has(rpc.params![0] as Hex) ? { hash: rpc.params![0] } : null }
    return { error: { code: -32601, message: 'no such method' } }
  })
  try {
    assert.equal(await request(s.url, 'eth_sendRawTransaction', [RAW]), HASH)
    assert.deepEqual(s.seen, ['eth_sendRawTransaction', 'eth_sendRawTransaction', 'eth_getTransactionByHash'])
  } finally { await s.close() }
})

test('a refused transaction that was answered the first time is a refusal: no lookup, the error is thrown', async () => {
  const s = await rpcServer((rpc) => (rpc.method === 'eth_sendRawTransaction' ? { error: { code: -32000, message: 'nonce too low' } } : { result: { hash: HASH } }))
  try {
    await assert.rejects(request(s.url, 'eth_sendRawTransaction', [RAW]), /nonce too low/)
    assert.deepEqual(s.seen, ['eth_sendRawTransaction'])
  } finally { await s.close() }
})

test('a resend refused for another reason, the hash unknown to the node: the refusal is thrown', async () => {
  const s = await rpcServer((rpc, n) => {
    if (rpc.method === 'eth_sendRawTransaction') return n === 1 ? { drop: true } : { error: { code: -32000, message: 'insufficient funds' } }
    return { result: null }
  })
  try {
    await assert.rejects(request(s.url, 'eth_sendRawTransaction', [RAW]), /insufficient funds/)
    assert.deepEqual(s.seen, ['eth_sendRawTransaction', 'eth_sendRawTransaction', 'eth_getTransactionByHash'])
  } finally { await s.close() }
})

test('a node that never answers: the failure after the retries (three requests), not a hang', async () => {
  const s = await rpcServer(() => ({ drop: true }))
  try {
    await assert.rejects(request(s.url, 'eth_blockNumber'), (e: Error) => e.name === 'HttpRequestError')
    assert.deepEqual(s.seen, ['eth_blockNumber', 'eth_blockNumber', 'eth_blockNumber'])
  } finally { await s.close() }
})
