/**
 * Separate network hosts on one machine, for tests: each host is a Linux network namespace with its
 * own address, connected to the others through virtual Ethernet links into a bridge that lives in a
 * "switch" namespace of its own (nothing is added to the machine's own namespace). Processes run on a
 * host with `ip netns exec`. A host's link can be taken down and up again (a partition).
 *
 * Needs root and iproute2 (`.ci/run` installs it when missing). Addresses are in 10.77.X.0/24 with a
 * random X, and exist only inside the namespaces the topology creates (never a real network's).
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { EnigmaError } from '../../common/errors.ts'

export interface NetHost {
  readonly name: string
  /** The network namespace. */
  readonly ns: string
  /** Its IPv4 address on the topology's bridge. */
  readonly address: string
}

export interface Topology {
  readonly hosts: readonly NetHost[]
  /** Start a process on a host (in its namespace). */
  spawn(host: NetHost, command: string, args: readonly string[], options?: SpawnOptions): ChildProcess
  /** Partition: the host's link goes down (nothing reaches it or leaves it), or back up. */
  setLink(host: NetHost, up: boolean): void
  /** Delete every namespace (and so every link) the topology made. Idempotent. */
  close(): void
}

export class NetnsUnavailableError extends EnigmaError {
  override name = 'NetnsUnavailableError'
  constructor(why: string) {
    super('NETNS_UNAVAILABLE', `network namespaces are not available here: ${why}`, { details: 'tests with separate hosts need root and iproute2 (ip); .ci/run installs iproute2' })
  }
}

function ip(args: readonly string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** Why namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root'
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
  } catch {
    return 'the ip command (iproute2) is missing'
  }
  return null
}

export function createTopology(opts: { hosts: number }): Topology {
  const why = netnsUnavailable()
  if (why) throw new NetnsUnavailableError(why)
  const tag = randomBytes(3).toString('hex')
  const subnet = `10.77.${1 + (randomBytes(1)[0]! % 254)}`
  const sw = `enig-sw-${tag}`
  const made: string[] = []
  const hosts: NetHost[] = []
  const close = (): void => {
    for (const ns of made.splice(0).reverse()) {
      try { ip(['netns', 'del', ns]) } catch { /* already gone */ }
    }
    process.off('exit', close)
  }
  process.on('exit', close)
  try {
    ip(['netns', 'add', sw])
    made.push(sw)
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge'])
    ip(['-n', sw, 'link', 'set', 'br0', 'up'])
    for (let i = 0; i < opts.hosts; i++) {
      const ns = `enig-h${i}-${tag}`
      ip(['netns', 'add', ns])
      made.push(ns)
      // veth pair: `eth0` in the host, `p<i>` on the switch's bridge.
      ip(['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', sw])
      ip(['-n', sw, 'link', 'set', `p${i}`, 'master', 'br0'])
      ip(['-n', sw, 'link', 'set', `p${i}`, 'up'])
      const address = `${subnet}.${10 + i}`
      ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0'])
      ip(['-n', ns, 'link', 'set', 'eth0', 'up'])
      ip(['-n', ns, 'link', 'set', 'lo', 'up'])
      hosts.push({ name: `host${i}`, ns, address })
    }
  } catch (e) {
    close()
    throw new NetnsUnavailableError(`setting up the topology failed: ${(e as Error).message}`)
  }
  return {
    hosts,
    spawn: (host, command, args, options = {}) => spawn('ip', ['netns', 'exec', host.ns, command, ...args], options),
    setLink: (host, up) => {
      const i = hosts.indexOf(host)
      ip(['-n', sw, 'link', 'set', `p${i}`, up ? 'up' : 'down'])
    },
    close,
  }
}
