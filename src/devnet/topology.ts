/**
 * Where the devnet's processes run and which addresses they use (issue #12, item 5). The chain's
 * JSON-RPC listens on `chainHost`; node i listens (libp2p and client API) on `node(i).listenHost`
 * (default: its `host`) and announces `host`; `exec` is a command prefix that runs the node's process
 * elsewhere, e.g. `ip netns exec <name>` (src/devnet/netns.ts). The default is today's: everything on
 * 127.0.0.1 in this machine's network namespace.
 */
import { isIP } from 'node:net'
import { EnigmaError } from '../common/errors.ts'
import { isWildcardHost } from '../node/api-address.ts'

export interface NodePlacement {
  /** The node's address as others reach it (announced). */
  readonly host: string
  /** The address it binds (default `host`); a wildcard exercises the node's own address discovery. */
  readonly listenHost?: string
  /** Command prefix for the node's process (default: none, run here). */
  readonly exec?: readonly string[]
}

export interface DevnetTopology {
  /** `loopback`, `host` or `netns` (shown by the devnet). */
  readonly kind: string
  /** Address the chain's JSON-RPC listens on; nodes and clients reach the chain there. */
  readonly chainHost: string
  node(index: number): NodePlacement
}

export const LOOPBACK_TOPOLOGY: DevnetTopology = { kind: 'loopback', chainHost: '127.0.0.1', node: () => ({ host: '127.0.0.1' }) }

/** Chain and nodes on one given address of this machine (e.g. its LAN address, so other machines' clients reach the devnet). */
export function hostTopology(host: string): DevnetTopology {
  if (isIP(host) === 0 || isWildcardHost(host)) throw new EnigmaError('DEVNET_USAGE', `--host must be an IP address of this machine (not a wildcard), got '${host}'`)
  return { kind: 'host', chainHost: host, node: () => ({ host }) }
}

/** The node-config keys (src/node/config.ts) that put a node on `placement`. */
export function nodeAddressConfig(placement: NodePlacement): { listen: string[]; apiHost: string } {
  const bind = placement.listenHost ?? placement.host
  const proto = isIP(bind) === 6 || bind === '::' ? 'ip6' : 'ip4'
  return { listen: [`/${proto}/${bind}/tcp/0`], apiHost: bind }
}

