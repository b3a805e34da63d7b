/**
 * HTTP calls to a secret node's client API (src/node/api.ts), with the retries a client needs right
 * after creating a task: a node learns of the task by polling the chain, so for a moment it answers
 * 404 NODE_TASK_UNKNOWN (or 503 while it fetches the circuit). Those and network errors are retried
 * until `timeoutMs`; any other refusal is final. Uses the global `fetch` (Node ≥ 18 and browsers).
 */
import { SdkError } from '../errors.ts'

const RETRYABLE = new Set(['NODE_TASK_UNKNOWN', 'NODE_CIRCUIT_UNAVAILABLE', 'RATE_LIMITED', 'NOT_READY'])

export interface NodeRequest {
  readonly url: string
  readonly method?: 'GET' | 'POST'
  readonly body?: unknown
  readonly timeoutMs?: number
  readonly retryEveryMs?: number
  readonly signal?: AbortSignal
  /** Label for error messages, e.g. "node 3". */
  readonly who: string
}

export async function nodeRequest<T>(req: NodeRequest): Promise<T> {
  const until = Date.now() + (req.timeoutMs ?? 60_000)
  let every = req.retryEveryMs ?? 100
  let last = ''
  for (;;) {
    req.signal?.throwIfAborted()
    let retry = false
    try {
      const res = await fetch(req.url, {
        method: req.method ?? 'GET',
        headers: req.body === undefined ? {} : { 'content-type': 'application/json' },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.any([AbortSignal.timeout(15_000), ...(req.signal ? [req.signal] : [])]),
      })
      const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }
      if (res.ok) return json as T
      const code = json.error?.code ?? `HTTP_${res.status}`
      last = `${code}: ${json.error?.message ?? res.statusText}`
      if (!RETRYABLE.has(code)) throw new SdkError('SDK_NODE_REFUSED', `${req.who} refused: ${last}`, { meta: { nodeCode: code, status: res.status } })
      retry = true
    } catch (e) {
      if (e instanceof SdkError) throw e
      if (req.signal?.aborted) throw e
      last = e instanceof Error ? e.message : String(e)
      retry = true
    }
    if (retry && Date.now() + every > until) {
      throw new SdkError(last.startsWith('NODE_') ? 'SDK_NODE_REFUSED' : 'SDK_NODE_UNREACHABLE', `${req.who}: gave up after ${req.timeoutMs ?? 60_000} ms (${last})`)
    }
    await new Promise((r) => setTimeout(r, every))
    every = Math.min(every * 1.5, 1000)
  }
}
