import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createPublicClient, http, HttpRequestError, TimeoutError } from 'viem'
import { getBlockNumber, getChainId } from 'viem/actions'
import { rpcFetch } from './rpc-fetch.ts'

/** A JSON-RPC server on loopback that answers with `handle`, counting the connections it accepted. */
async function rpcServer(handle: (body: { id: number; method: string }, res: ServerResponse) => void, keepAliveTimeout = 5_000) {
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = ''
    req.setEncoding('utf8').on('data', (d: string) => { text += d }).on('end', () => handle(JSON.parse(text), res))
  })
  server.keepAliveTimeout = keepAliveTimeout
  let connections = 0
  server.on('connection', () => { connections++ })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, connections: () => connections, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }) }
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

test('viem over rpcFetch: results, JSON-RPC errors and HTTP errors as with the global fetch; one kept-alive socket', async () => {
  const s = await rpcServer((b, res) => {
    if (b.method === 'eth_blockNumber') return json(res, 200, { jsonrpc: '2.0', id: b.id, result: '0x2a' })
    if (b.method === 'eth_chainId') return json(res, 200, { jsonrpc: '2.0', id: b.id, error: { code: -32601, message: 'no chain id here' } })
    json(res, 503, { jsonrpc: '2.0', id: b.id, error: 'down' })
  })
  try {
    for (const fetchFn of [rpcFetch(), undefined]) {
      const before = s.connections()
      const client = createPublicClient({ transport: http(s.url, { retryCount: 0, ...(fetchFn ? { fetchFn } : {}) }) })
      for (let i = 0; i < 5; i++) assert.equal(await getBlockNumber(client, { cacheTime: 0 }), 42n)
      await assert.rejects(getChainId(client), (e: Error) => /no chain id here/.test(e.message))
      await assert.rejects(client.request({ method: 'eth_gasPrice' } as never), (e: Error) => {
        const cause = (e as { walk?: (f: (x: unknown) => boolean) => unknown }).walk?.((x) => x instanceof HttpRequestError) as HttpRequestError | undefined
        assert.equal(cause?.status, 503, String(e))
        return true
      })
      // rpcFetch sends all seven requests on one kept-alive connection.
      if (fetchFn) assert.equal(s.connections() - before, 1)
    }
  } finally {
    await s.close()
  }
})

test('a kept-alive socket the server closed: the request that found it closed goes out again on a new one', async () => {
  // The server drops every connection at its second request without answering, as a server whose idle
  // timeout closed the socket just as the client reused it.
  const seen = new WeakMap<object, number>()
  const s = await rpcServer((b, res) => {
    const n = (seen.get(res.socket!) ?? 0) + 1
    seen.set(res.socket!, n)
    if (n === 2) return void res.socket!.destroy()
    json(res, 200, { jsonrpc: '2.0', id: b.id, result: '0x1' })
  })
  try {
    const client = createPublicClient({ transport: http(s.url, { retryCount: 0, fetchFn: rpcFetch() }) })
    for (let i = 0; i < 4; i++) assert.equal(await getBlockNumber(client, { cacheTime: 0 }), 1n)
    assert.equal(s.connections(), 4, 'requests 2 and 4 found their socket dropped and went out again on new connections')
  } finally {
    await s.close()
  }
})

test('an idle socket is closed by the client before the server would close it', async () => {
  let closed = 0
  const s = await rpcServer((b, res) => {
    res.socket!.once('close', () => { closed++ })
    json(res, 200, { jsonrpc: '2.0', id: b.id, result: '0x1' })
  }, 60_000)
  try {
    const client = createPublicClient({ transport: http(s.url, { retryCount: 0, fetchFn: rpcFetch({ idleMs: 100 }) }) })
    assert.equal(await getBlockNumber(client, { cacheTime: 0 }), 1n)
    assert.equal(await getBlockNumber(client, { cacheTime: 0 }), 1n)
    assert.equal(s.connections(), 1, 'back to back: one socket')
    await new Promise((r) => setTimeout(r, 400))
    assert.ok(closed >= 1, 'the client closed the idle socket (the server keeps them 60 s)')
    assert.equal(await getBlockNumber(client, { cacheTime: 0 }), 1n)
    assert.equal(s.connections(), 2)
  } finally {
    await s.close()
  }
})

test('viem\'s timeout ends a request the server never answers, and the socket with it', async () => {
  let open = 0
  const s = await rpcServer((_b, res) => { open++; res.on('close', () => { open-- }) })
  try {
    const client = createPublicClient({ transport: http(s.url, { retryCount: 0, timeout: 200, fetchFn: rpcFetch() }) })
    await assert.rejects(getBlockNumber(client, { cacheTime: 0 }), (e: Error) => e instanceof TimeoutError || (e as { walk?: (f: (x: unknown) => boolean) => unknown }).walk?.((x) => x instanceof TimeoutError) !== undefined)
    for (let i = 0; i < 50 && open > 0; i++) await new Promise((r) => setTimeout(r, 20))
    assert.equal(open, 0, 'the server saw the request end')
  } finally {
    await s.close()
  }
})
