/**
 * The JSON-RPC transport of a client that sends transactions.
 *
 * Why not viem's `http(url, { retryCount: 0 })`, as before: a write is several requests (chain id,
 * nonce, fees, `eth_estimateGas`, `eth_sendRawTransaction`, the receipt), and with no retry at all one
 * connection dropped by a busy node failed the whole write. Seen on the devnet at load 16:
 * `fillInputSlot: HTTP request failed … fetch failed` on `eth_estimateGas` (devnet.e2e.test.ts). A
 * Node HTTP server closes an idle kept-alive socket on a timer, and a server whose event loop was
 * blocked runs that timer before it reads the request already waiting on the socket, so the client's
 * request dies with the connection. Any provider on a real network can do the same.
 *
 * What is retried: only a request that got **no HTTP answer** (the connection failed or timed out).
 * A JSON-RPC error or an HTTP status is an answer and is returned as it is (a revert is not retried).
 * A transaction is sent again only as the same signed bytes (the same hash; it cannot be applied twice),
 * and when that resend is refused because the first send got through ("already known", "nonce too
 * low", whatever the node's words), the hash is looked up: a node that knows it returns the hash, as
 * the first send would have.
 */
import { HttpRequestError, TimeoutError, http, keccak256, type Hex, type HttpTransport, type Transport } from 'viem'

export interface WriteTransportOptions {
  /** Retries of a request that got no HTTP answer (default 2). */
  readonly retries?: number
  /** First pause before a retry, doubled each time (ms, default 150). */
  readonly retryDelayMs?: number
  /** Per-request timeout (ms); viem's default when absent. */
  readonly timeoutMs?: number
  /** The fetch under viem's http transport (default: the global fetch). */
  readonly fetchFn?: typeof fetch
}

/** Whether `e` says the request got no HTTP answer at all (connection refused, reset or timed out). */
export function isUnanswered(e: unknown): boolean {
  return e instanceof TimeoutError || (e instanceof HttpRequestError && e.status === undefined)
}

export function writeTransport(url: string, o: WriteTransportOptions = {}): Transport {
  const base: HttpTransport = http(url, { retryCount: 0, ...(o.timeoutMs !== undefined ? { timeout: o.timeoutMs } : {}), ...(o.fetchFn ? { fetchFn: o.fetchFn } : {}) })
  const retries = o.retries ?? 2
  const delayMs = o.retryDelayMs ?? 150
  return (config) => {
    const inner = base(config)
    type Request = typeof inner.request
    const request = (async (args: { method: string; params?: unknown }, opts?: unknown) => {
      const call = inner.request as (a: unknown, o?: unknown) => Promise<unknown>
      const isSend = args.method === 'eth_sendRawTransaction'
      // A send that got no answer may have reached the node: a later refusal is then checked by hash.
      let maybeSent = false
      for (let k = 0; ; k++) {
        try {
          return await call(args, opts)
        } catch (e) {
          if (isUnanswered(e)) {
            if (k >= retries) throw e
            maybeSent ||= isSend
            await new Promise((r) => setTimeout(r, delayMs * 2 ** k))
            continue
          }
          const raw = (args.params as readonly Hex[] | undefined)?.[0]
          if (maybeSent && raw !== undefined) {
            const hash = keccak256(raw)
            if (await call({ method: 'eth_getTransactionByHash', params: [hash] }).catch(() => null)) return hash
          }
          throw e
        }
      }
    }) as Request
    return { ...inner, request }
  }
}
