/**
 * The `fetch` of viem's http transport (`http(url, { fetchFn: rpcFetch() })`) over node:http(s) with
 * keep-alive sockets. Why: a node polls its RPC several times a second for as long as it runs, and
 * Node 20's global fetch (undici, web streams, a Request and Response per call) cost 1.70 ms of CPU per
 * `eth_blockNumber` through viem against 0.43 ms over node:http with a kept-alive socket (1 000 calls
 * each against a local Hardhat node, load 7). Node processes only: the SDK, which also runs in
 * browsers, keeps the global fetch.
 *
 * What viem reads of the answer (src/utils/rpc/http.ts in viem): `ok`, `status`, `statusText`,
 * `headers.get`, and the body through `text()` when `body` is null. A request that viem's timeout
 * aborts destroys its socket. Idle sockets are closed after IDLE_MS, before a server's usual 5 s
 * keep-alive timeout (Node's, Hardhat's) closes them, or after the server's `Keep-Alive: timeout=`
 * hint if that is shorter (Node's agent reads it). A kept-alive socket that the server closed anyway
 * fails the next request on it with ECONNRESET before the server read it: that request is sent again
 * once on a new connection (Node's documented `reusedSocket` check; seen under load 20 when the idle
 * sockets were kept open), any other failure is viem's to report.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

/** How long a socket stays open without a request. */
const IDLE_MS = 4_000

/** A fetch with its own keep-alive agents (one per client, so its sockets end with it). */
export function rpcFetch(o: { readonly idleMs?: number } = {}): typeof fetch {
  // `timeout` on a keep-alive agent ends idle sockets only: an active request's wait is viem's timeout.
  const timeout = o.idleMs ?? IDLE_MS
  const agents = { http: new HttpAgent({ keepAlive: true, timeout }), https: new HttpsAgent({ keepAlive: true, timeout }) }
  const fetchFn = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const send = (retry: boolean): Promise<Response> => new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:'
      const body = typeof init.body === 'string' ? init.body : ''
      const headers = { ...(init.headers as Record<string, string> | undefined), 'content-length': String(Buffer.byteLength(body)) }
      // The second attempt takes a new connection (`agent: false`), not another pooled socket.
      const agent = !retry ? false : secure ? agents.https : agents.http
      const req = (secure ? httpsRequest : httpRequest)(url, { method: init.method ?? 'POST', headers, agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => resolve(answer(res, Buffer.concat(chunks).toString('utf8'))))
      })
      const signal = init.signal
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      req.once('close', () => signal?.removeEventListener('abort', onAbort))
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (retry && req.reusedSocket && e.code === 'ECONNRESET' && !signal?.aborted) resolve(send(false))
        else reject(e)
      })
      req.end(body)
    })
    return send(true)
  }
  return fetchFn as typeof fetch
}

function answer(res: IncomingMessage, text: string): Response {
  const status = res.statusCode ?? 0
  const headers = { get: (name: string) => { const v = res.headers[name.toLowerCase()]; return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v } }
  return { ok: status >= 200 && status < 300, status, statusText: res.statusMessage ?? '', headers, body: null, text: async () => text } as unknown as Response
}
