/**
 * The client API (issue #4): HTTP + JSON on `--api-port`.
 *
 *   GET  /v1/info                              public identity and addresses
 *   GET  /v1/tasks/{taskId}                    task status (and public result once completed)
 *   POST /v1/tasks/{taskId}/inputs/{slot}      body {"envelope": "0x…", "signature"?: "0x…", "batch"?: {"envelopeHashes": ["0x…"], "signature": "0x…"}}
 *   GET  /v1/tasks/{taskId}/input-batch        batched inputs: the leaves this node verified, and the committed root's
 *   POST /v1/tasks/{taskId}/input-batch        body {"leaves": [{"slot", "owner", "commitment"}]}: this node's root signature
 *   GET  /v1/tasks/{taskId}/input-batch/proof/{slotIndex}   the committed root, the slot's leaf in it (if any) and its proof
 *   GET  /v1/tasks/{taskId}/outputs/{name}     this node's share of a revealTo output, encrypted
 *   POST /v1/records/{recordId}/shares, GET /v1/records/{recordId}[/uses/{taskId}/{slot}]   custody (custody-api.ts)
 *   GET  /metrics                              Prometheus text format
 *   GET  /healthz
 *   OPTIONS (CORS preflight) on any route; cross-origin browser access per cors.ts
 *
 * Everything from the network is hostile until checked: URL, method, content type, body size (the
 * body is cut off at the limit, never buffered whole), JSON shape and hex lengths, and a per-IP
 * token bucket. Errors are `{"error": {"code", "message"}}` with a 4xx status (5xx only for our own
 * faults); a handler exception never takes the node down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isEnigmaError } from '../common/errors.ts'
import type { TaskRunner } from './task-runner.ts'
import type { Hex } from './task-source.ts'
import type { BatchSubmission } from './input-set.ts'
import type { Logger } from './log.ts'
import type { NodeMetrics } from './metrics.ts'
import { applyCors, DEFAULT_CORS_ORIGINS, type CorsOrigins } from './cors.ts'
import { CustodyError, type CustodyService } from './custody.ts'
import { handleCustodyRoute } from './custody-api.ts'
import { parseBatchSubmission, parseLeaves, parseSlotIndex } from './input-batch-api.ts'

export interface ApiInit {
  readonly runner: TaskRunner
  readonly info: () => Record<string, unknown>
  readonly metrics: NodeMetrics
  readonly log: Logger
  readonly host?: string
  readonly port?: number
  /** Largest request body (bytes). An envelope of a 200-element p127 slot is ~6.5 KB hex. */
  readonly maxBodyBytes?: number
  /** Token bucket per client IP: sustained requests per second and burst. */
  readonly ratePerSecond?: number
  readonly burst?: number
  /** Origins whose browser pages may call this API (cors.ts); default any. */
  readonly corsOrigins?: CorsOrigins
  /** Custody of stored records (`/v1/records/...`, custody-api.ts); absent: those routes answer 404. */
  readonly custody?: CustodyService
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

const TASK_ID = /^0x[0-9a-fA-F]{64}$/
const SLOT = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\[[0-9]{1,6}\])?$/
const HEX_BODY = /^0x([0-9a-fA-F]{2})+$/
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/

function statusOf(code: string): number {
  switch (code) {
    case 'NODE_TASK_UNKNOWN': case 'NODE_SLOT_UNKNOWN': return 404
    case 'NODE_TASK_STATE': return 409
    case 'NODE_SHARE_INVALID': return 422
    case 'NODE_CIRCUIT_UNAVAILABLE': return 503
    case 'INVALID_ARGUMENT': return 400
    default: return 500
  }
}

export class ApiServer {
  readonly #init: ApiInit
  readonly #server: Server
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  #sweeper: ReturnType<typeof setInterval> | undefined

  constructor(init: ApiInit) {
    this.#init = init
    this.#server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => { void this.#handle(req, res) })
    this.#server.requestTimeout = 15_000
    this.#server.headersTimeout = 10_000
    this.#server.keepAliveTimeout = 5_000
    this.#server.maxHeadersCount = 64
    this.#server.on('clientError', (_e, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"BAD_REQUEST","message":"malformed HTTP"}}')
      else socket.destroy()
    })
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#init.port ?? 0, this.#init.host ?? '127.0.0.1', () => { this.#server.off('error', reject); resolve() })
    })
    this.#sweeper = setInterval(() => {
      const now = Date.now()
      for (const [ip, b] of this.#buckets) if (now - b.at > 60_000) this.#buckets.delete(ip)
    }, 30_000)
    this.#sweeper.unref()
    return (this.#server.address() as AddressInfo).port
  }

  get port(): number {
    return (this.#server.address() as AddressInfo | null)?.port ?? 0
  }

  async stop(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper)
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #allow(ip: string): boolean {
    const rate = this.#init.ratePerSecond ?? 200
    const burst = this.#init.burst ?? 400
    const now = Date.now()
    const b = this.#buckets.get(ip) ?? { tokens: burst, at: now }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate)
    b.at = now
    this.#buckets.set(ip, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let route = 'unknown'
    try {
      if (!this.#allow(req.socket.remoteAddress ?? '?')) throw new HttpError(429, 'RATE_LIMITED', 'too many requests; slow down')
      const cors = applyCors(req, res, this.#init.corsOrigins ?? DEFAULT_CORS_ORIGINS)
      if (cors === 'preflight-answered') { route = 'preflight'; return }
      if (cors === 'denied') throw new HttpError(403, 'CORS_ORIGIN_DENIED', 'this node does not accept requests from that origin (corsOrigins)')
      const url = req.url ?? '/'
      if (url.length > 2048) throw new HttpError(414, 'URI_TOO_LONG', 'URL too long')
      const path = url.split('?')[0]!
      const parts = path.split('/').filter(Boolean).map((p) => {
        try { return decodeURIComponent(p) } catch { throw new HttpError(400, 'BAD_REQUEST', 'bad URL encoding') }
      })
      if (path === '/metrics') { route = 'metrics'; this.#only(req, 'GET'); return this.#text(res, 200, await this.#init.metrics.registry.render()) }
      if (path === '/healthz') { route = 'healthz'; this.#only(req, 'GET'); return this.#json(res, 200, { ok: true }) }
      if (parts[0] !== 'v1') throw new HttpError(404, 'NOT_FOUND', 'no such route')
      if (parts.length === 2 && parts[1] === 'info') {
        route = 'info'; this.#only(req, 'GET')
        return this.#json(res, 200, this.#init.info())
      }
      if (parts[1] === 'records' && this.#init.custody) {
        route = 'records'
        const ctype = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        if (req.method === 'POST' && ctype !== 'application/json') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json')
        const r = await handleCustodyRoute(this.#init.custody, { method: req.method, parts: parts.slice(2), body: () => this.#body(req) })
        return this.#json(res, r.status, r.body)
      }
      if (parts[1] !== 'tasks' || parts.length < 3) throw new HttpError(404, 'NOT_FOUND', 'no such route')
      const taskId = parts[2]!
      if (!TASK_ID.test(taskId)) throw new HttpError(400, 'BAD_TASK_ID', 'task id must be 0x + 64 hex digits')
      const id = taskId.toLowerCase() as Hex
      if (parts.length === 3) {
        route = 'task'; this.#only(req, 'GET')
        return this.#json(res, 200, await this.#status(id))
      }
      if (parts.length === 5 && parts[3] === 'inputs') {
        route = 'input'; this.#only(req, 'POST')
        const slot = parts[4]!
        if (!SLOT.test(slot)) throw new HttpError(400, 'BAD_SLOT', 'slot must look like name or name[i]')
        const ctype = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        if (ctype !== 'application/json') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json')
        const body = await this.#body(req)
        const { envelope, signature, batch } = parseSubmission(body)
        const r = await this.#init.runner.submitInput(id, slot, envelope, signature, batch ? { batch } : {})
        return this.#json(res, 200, { accepted: r.accepted, duplicate: r.duplicate, received: r.received, expected: r.expected })
      }
      if (parts.length === 4 && parts[3] === 'input-batch') {
        route = 'input-batch'
        if (req.method === 'GET') return this.#json(res, 200, await this.#init.runner.inputBatchHeld(id))
        this.#only(req, 'POST')
        const ctype = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        if (ctype !== 'application/json') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json')
        return this.#json(res, 200, await this.#init.runner.signInputRoot(id, parseLeaves(await this.#body(req))))
      }
      if (parts.length === 6 && parts[3] === 'input-batch' && parts[4] === 'proof') {
        route = 'input-batch-proof'; this.#only(req, 'GET')
        const proof = await this.#init.runner.inputBatchProof(id, parseSlotIndex(parts[5]!))
        if (!proof) throw new HttpError(404, 'NOT_READY', 'no committed input root whose leaves this node saw (yet)')
        return this.#json(res, 200, proof)
      }
      if (parts.length === 5 && parts[3] === 'outputs') {
        route = 'output'; this.#only(req, 'GET')
        const result = await this.#init.runner.getResult(id)
        if (!result) throw new HttpError(404, 'NOT_READY', 'no result for this task on this node (yet)')
        // Own keys only: `constructor`, `__proto__`, `toString` are not outputs (issue #15).
        const share = Object.hasOwn(result.outputShares, parts[4]!) ? result.outputShares[parts[4]!] : undefined
        if (!share) throw new HttpError(404, 'NO_SUCH_OUTPUT', 'no encrypted output of that name')
        return this.#json(res, 200, { taskId: id, output: parts[4], recipient: share.recipient, envelope: share.envelope })
      }
      throw new HttpError(404, 'NOT_FOUND', 'no such route')
    } catch (e) {
      let status: number, code: string, message: string
      if (e instanceof HttpError) ({ status, code, message } = e)
      else if (e instanceof CustodyError) ({ status, code, message } = { status: e.status, code: e.code, message: e.shortMessage })
      else if (isEnigmaError(e)) { status = statusOf(e.code); code = e.code; message = e.shortMessage }
      else { status = 500; code = 'INTERNAL'; message = 'internal error' }
      if (status >= 500) this.#init.log.error('api request failed', { route, err: e })
      else this.#init.log.debug('api request refused', { route, code })
      if (!res.headersSent) this.#json(res, status, { error: { code, message } }, status === 413 || status === 429)
      else res.destroy()
    } finally {
      this.#init.metrics.apiRequests.inc({ route, status: String(res.statusCode) })
    }
  }

  async #status(id: Hex): Promise<Record<string, unknown>> {
    const rec = await this.#init.runner.getTask(id)
    if (!rec) throw new HttpError(404, 'NODE_TASK_UNKNOWN', 'no such task on this node')
    const out: Record<string, unknown> = {
      taskId: id, state: rec.state, inputs: { received: rec.inputs.length, expected: rec.spec.inputSlots.length },
      updatedAt: rec.updatedAt,
    }
    if (rec.reason) out.reason = rec.reason
    if (rec.state === 'completed') {
      const r = await this.#init.runner.getResult(id)
      if (r) out.result = { outputHash: r.outputHash, publicOutputs: r.publicOutputs, public: r.publicValues, encryptedOutputs: Object.keys(r.outputShares), attestation: r.attestation }
    }
    return out
  }

  #only(req: IncomingMessage, method: string): void {
    if (req.method !== method) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${method}`)
  }

  #body(req: IncomingMessage): Promise<string> {
    const max = this.#init.maxBodyBytes ?? 1024 * 1024
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (Number.isFinite(declared) && declared > max) return Promise.reject(new HttpError(413, 'BODY_TOO_LARGE', `body over ${max} bytes`))
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let n = 0
      req.on('data', (c: Buffer) => {
        n += c.length
        if (n > max) { reject(new HttpError(413, 'BODY_TOO_LARGE', `body over ${max} bytes`)); req.pause(); return }
        chunks.push(c)
      })
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', () => reject(new HttpError(400, 'BAD_REQUEST', 'request aborted')))
    })
  }

  #json(res: ServerResponse, status: number, body: unknown, close = false): void {
    const text = JSON.stringify(body, (_k, v) => typeof v === 'bigint' ? v.toString() : v)
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(close ? { connection: 'close' } : {}) })
    res.end(text)
  }

  #text(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' })
    res.end(body)
  }
}

/** The body of an input submission, checked (exported for the fuzz test). */
export function parseSubmission(text: string): { envelope: Uint8Array; signature: Hex | undefined; batch?: BatchSubmission } {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new HttpError(400, 'BAD_JSON', 'body is not JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BAD_SCHEMA', 'body must be an object')
  const b = body as Record<string, unknown>
  for (const k of Object.keys(b)) if (k !== 'envelope' && k !== 'signature' && k !== 'batch') throw new HttpError(400, 'BAD_SCHEMA', `unknown field '${k.slice(0, 40)}'`)
  if (typeof b.envelope !== 'string' || !HEX_BODY.test(b.envelope)) throw new HttpError(400, 'BAD_SCHEMA', 'envelope must be 0x-prefixed hex bytes')
  if (b.signature !== undefined && (typeof b.signature !== 'string' || !SIGNATURE.test(b.signature))) throw new HttpError(400, 'BAD_SCHEMA', 'signature must be 65 bytes of 0x-hex')
  return {
    envelope: new Uint8Array(Buffer.from(b.envelope.slice(2), 'hex')), signature: b.signature as Hex | undefined,
    ...(b.batch !== undefined ? { batch: parseBatchSubmission(b.batch) } : {}),
  }
}
