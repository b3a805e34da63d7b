/**
 * The URL a node announces for its client API (node-info.json `api`, the devnet's state file).
 *
 * A node may listen on a wildcard (`apiHost: 0.0.0.0` or `::`, every interface): that is an address
 * to bind, not one a client can connect to. The announced URL is then, in this order: the operator's
 * `apiAnnounce` (a public name behind NAT, a reverse proxy), else the first routable IP the node's
 * libp2p host announces (the machine's own address on its network), else loopback. Nothing here
 * assumes that clients share the node's machine (issue #12, item 5: separate hosts).
 */
import { isIP } from 'node:net'

/** Bind-anywhere hosts: never a destination. */
export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::' || host === '[::]' || host === '::0'
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || /^::ffff:127\./i.test(host)
}

/** `host` as it goes into a URL: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host
}

/** The IP of a `/ip4/…` or `/ip6/…` multiaddr, if it is one. */
export function multiaddrIp(addr: string): string | undefined {
  const m = /^\/(ip4|ip6)\/([^/]+)/.exec(addr)
  return m ? m[2] : undefined
}

/** The first announced IP a peer elsewhere can reach (not loopback, not a wildcard). */
export function routableIp(multiaddrs: readonly string[]): string | undefined {
  for (const a of multiaddrs) {
    const ip = multiaddrIp(a)
    if (ip !== undefined && !isWildcardHost(ip) && !isLoopbackHost(ip) && !/^fe80:/i.test(ip)) return ip
  }
  return undefined
}

export interface ApiUrlInput {
  readonly apiHost: string
  readonly apiAnnounce?: string
  readonly port: number
  /** The libp2p host's announced multiaddrs. */
  readonly multiaddrs: readonly string[]
}

export function announcedApiUrl(o: ApiUrlInput): string {
  if (o.apiAnnounce) return o.apiAnnounce.replace(/\/+$/, '')
  const host = isWildcardHost(o.apiHost) ? routableIp(o.multiaddrs) ?? '127.0.0.1' : o.apiHost
  return `http://${urlHost(host)}:${o.port}`
}
