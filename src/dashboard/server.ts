/**
 * The dashboard's server (issue #13 §2), on Node's own http stack: the page, its bundle, its config,
 * and two narrow pass-throughs so the browser reads everything from one origin (no CORS needed on
 * the chain or the nodes): read-only JSON-RPC to the chain and GETs of the nodes' public routes
 * (proxy-rules.ts). It holds no key and stores nothing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Address } from 'viem'
import { EnigmaError } from '../common/errors.ts'
import { bundleDashboard } from './bundle.ts'
import { DASHBOARD_HTML } from './page.ts'
import { allowedNodePath, isReadOnlyRpc } from './proxy-rules.ts'

export interface DashboardOptions {
  readonly rpcUrl: string
  readonly controller: Address
  readonly chainId?: number
  /** Client-API base URLs of the nodes to show metrics of (optional: the chain alone is enough). */
  readonly nodeApis?: readonly string[]
  /** First block to scan for events (default 0). */
  readonly fromBlock?: bigint
  /** The records contract (contracts/EnigmaRecords.sol), when the network has one: records and grants are shown. */
  readonly records?: Address
  readonly host?: string
  /** Port (default 0: a free one). */
  readonly port?: number
  /** How often the page polls (ms, default 1000). */
  readonly pollMs?: number
}

export interface DashboardConfig {
  readonly controller: Address
  readonly chainId: number
  readonly nodeApis: number
  readonly fromBlock: string
  readonly pollMs: number
  readonly records?: Address
}

export interface Dashboard {
  readonly url: string
  stop(): Promise<void>
}

const MAX_BODY = 1 << 20

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length
    if (size > MAX_BODY) throw new EnigmaError('DASHBOARD_BODY_TOO_LARGE', 'request body too large')
    chunks.push(c)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, cache = 'no-store'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff' })
  res.end(body)
}
const sendJson = (res: ServerResponse, status: number, v: unknown) => send(res, status, 'application/json', JSON.stringify(v))

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(o.controller)) throw new EnigmaError('DASHBOARD_USAGE', `controller is not an address: ${o.controller}`)
  if (o.records !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(o.records)) throw new EnigmaError('DASHBOARD_USAGE', `records is not an address: ${o.records}`)
  if (!/^https?:\/\//.test(o.rpcUrl)) throw new EnigmaError('DASHBOARD_USAGE', `rpc must be an http(s) URL, got ${o.rpcUrl}`)
  const nodeApis = (o.nodeApis ?? []).map((u) => u.replace(/\/+$/, ''))
  const bundle = await bundleDashboard()
  const config: DashboardConfig = {
    controller: o.controller, chainId: o.chainId ?? 31337, nodeApis: nodeApis.length, fromBlock: String(o.fromBlock ?? 0n), pollMs: o.pollMs ?? 1000,
    ...(o.records ? { records: o.records } : {}),
  }
  // Content-Security-Policy: the page runs only its own script and talks only to its own origin.
  const csp = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'"

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      res.setHeader('content-security-policy', csp)
      return send(res, 200, 'text/html; charset=utf-8', DASHBOARD_HTML)
    }
    if (req.method === 'GET' && path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', bundle.js)
    if (req.method === 'GET' && path === '/api/config') return sendJson(res, 200, config)
    if (path === '/rpc') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' })
      let body: unknown
      try { body = JSON.parse(await readBody(req)) } catch { return sendJson(res, 400, { error: 'invalid JSON' }) }
      if (!isReadOnlyRpc(body)) return sendJson(res, 403, { error: 'the dashboard passes read-only JSON-RPC methods only' })
      const r = await fetch(o.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
      return send(res, r.status, 'application/json', new Uint8Array(await r.arrayBuffer()))
    }
    const m = /^\/node\/([0-9]+)\/(.+)$/.exec(path)
    if (m && req.method === 'GET') {
      const api = nodeApis[Number(m[1])]
      const rest = allowedNodePath(m[2]!)
      if (api === undefined || rest === undefined) return sendJson(res, 404, { error: 'no such node route' })
      // The node's status travels in a header: a task a node does not know yet (404) or a node that is
      // down is an ordinary state for the page, not a failed request in the browser's console.
      try {
        const r = await fetch(`${api}/${rest}`, { signal: AbortSignal.timeout(3_000) })
        res.setHeader('x-upstream-status', String(r.status))
        return send(res, 200, r.headers.get('content-type') ?? 'text/plain', new Uint8Array(await r.arrayBuffer()))
      } catch {
        res.setHeader('x-upstream-status', '502')
        return sendJson(res, 200, { error: 'node unreachable' })
      }
    }
    return sendJson(res, 404, { error: 'not found' })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => { if (!res.headersSent) sendJson(res, 502, { error: 'upstream failed' }); else res.destroy() })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new EnigmaError('DASHBOARD_LISTEN_FAILED', `cannot listen on ${o.host ?? '127.0.0.1'}:${o.port ?? 0}: ${e.message}`)))
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve())
  })
  const addr = server.address() as AddressInfo
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
  let stopped: Promise<void> | undefined
  return {
    url: `http://${host}:${addr.port}/`,
    stop: () => (stopped ??= new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections() })),
  }
}
