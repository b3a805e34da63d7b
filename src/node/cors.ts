/**
 * Cross-origin access to the client API, so a dApp page served from its own origin can call a node
 * from the browser (issue #13). The API carries no cookies or credentials (inputs are encrypted to the
 * node and signed by their owner), so, like public JSON-RPC endpoints, any origin is allowed by
 * default; an operator can restrict it to a list (`corsOrigins` in the node config). Credentials are
 * never allowed (no Access-Control-Allow-Credentials), per the Fetch standard's CORS protocol.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** `['*']` (any origin) or exact origins such as `https://app.example.org`. */
export type CorsOrigins = readonly string[]

export const DEFAULT_CORS_ORIGINS: CorsOrigins = ['*']
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:]+\](:[0-9]{1,5})?$/

/** Config check: each entry is '*' or a scheme://host[:port] origin (no path, no trailing slash). */
export function isCorsOrigin(s: string): boolean {
  return s === '*' || ORIGIN.test(s)
}

export type CorsVerdict = 'not-cors' | 'allowed' | 'denied' | 'preflight-answered'

/**
 * Sets the CORS response headers for `req` and answers a preflight (OPTIONS with
 * Access-Control-Request-Method) itself. A request from an origin not on the list is 'denied': the
 * caller refuses it (403), so a browser page from that origin can neither read nor cause anything.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: CorsOrigins): CorsVerdict {
  const origin = req.headers.origin
  if (origin === undefined) return 'not-cors'
  // A page served by this very host (same origin) is not cross-origin, whatever the list says.
  const sameOrigin = req.headers.host !== undefined && (origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`)
  const any = allowed.includes('*')
  if (!any && !sameOrigin && !allowed.includes(origin)) return 'denied'
  res.setHeader('access-control-allow-origin', any ? '*' : origin)
  if (!any) res.setHeader('vary', 'Origin')
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
      'content-length': '0',
    })
    res.end()
    return 'preflight-answered'
  }
  return 'allowed'
}
