/**
 * Separate hosts on one machine (issue #12, item 5): every devnet node in its own Linux network
 * namespace with its own address, joined by veth pairs to a bridge; the chain listens on the bridge's
 * address. Nodes reach the chain and each other only through the bridge (a namespace has no other
 * way out, and its loopback is its own), so nothing can work by accident through 127.0.0.1.
 *
 *   root namespace:  bridge enbr<id> 10.a.b.1/24  ← hardhat (JSON-RPC), the test's clients
 *                      ├── env<id>h0 ══ veth ══ eth0 10.a.b.2  in namespace enigma-<id>-0  ← node 0
 *                      ├── env<id>h1 ══ veth ══ eth0 10.a.b.3  in namespace enigma-<id>-1  ← node 1 …
 *
 * Names carry a random run id and the subnet is chosen free of every route and address this machine
 * has, so parallel runs never collide. `close()` removes exactly what this run made: its namespaces
 * (their veth pairs go with them) and its bridge; so does process exit and SIGINT/SIGTERM, and the
 * next run sweeps what a run killed by SIGKILL left behind (its marker names its owner, checked by
 * pid and start time). `partition(i)` takes node i's link down (`ip link set <veth> down`).
 *
 * Needs root and iproute2 (`ip`); `netnsSupport()` says why not otherwise. CI runs as root and
 * `.ci/run` installs iproute2.
 */
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { EnigmaError } from '../common/errors.ts'
import { isOurProcess, selfRef } from './process-check.ts'
import type { DevnetTopology, NodePlacement } from './topology.ts'

const run = promisify(execFile)

export interface NetnsTopology extends DevnetTopology {
  readonly kind: 'netns'
  /** Random id of this run; every name below contains it. */
  readonly id: string
  /** `10.a.b.0/24` */
  readonly subnet: string
  readonly bridge: string
  readonly nodes: number
  namespace(index: number): string
  /** Node i's address (in its namespace). */
  address(index: number): string
  /** The bridge-side end of node i's veth pair (the link `partition` takes down). */
  hostVeth(index: number): string
  /** Cut node i off the network: its link goes down; its connections stall, nothing is reset. */
  partition(index: number): Promise<void>
  /** Bring node i's link back. */
  heal(index: number): Promise<void>
  /** Remove the namespaces and the bridge (safe to call twice). */
  close(): Promise<void>
}

export interface NetnsOptions {
  readonly nodes: number
  /** Node indexes that bind a wildcard (`0.0.0.0`) instead of their address: tests the node's own address discovery. */
  readonly wildcardListen?: readonly number[]
}

/** Whether this process can make namespaces, or why not (a test skips with this reason). */
export function netnsSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces are Linux only' }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (CI runs as root)' }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
  } catch {
    return { ok: false, reason: 'iproute2 (`ip`) is not installed (.ci/run installs it on CI)' }
  }
  return { ok: true }
}

interface Marker { readonly pid: number; readonly startTime?: string; readonly bridge: string; readonly namespaces: readonly string[]; readonly veths?: readonly string[] }

function markerDir(): string {
  for (const d of ['/run/enigma-netns', join(tmpdir(), 'enigma-netns')]) {
    try { mkdirSync(d, { recursive: true, mode: 0o700 }); return d } catch { /* next */ }
  }
  throw new EnigmaError('DEVNET_NETNS_FAILED', 'no folder for the netns markers')
}

/**
 * Synchronous removal (exit and signal handlers cannot wait). Errors mean "already gone". The veths
 * go first and explicitly: a namespace outlives its name while a socket in it lives on, and after a
 * partition the members' orphaned TCP sockets retransmit into the cut link for minutes, keeping the
 * namespace, and with it its veth pair, alive. Deleting one end of a pair deletes both.
 */
function removeSync(m: Pick<Marker, 'bridge' | 'namespaces' | 'veths'>): void {
  for (const v of m.veths ?? []) try { execFileSync('ip', ['link', 'del', v], { stdio: 'ignore' }) } catch { /* gone */ }
  for (const ns of m.namespaces) try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }) } catch { /* gone */ }
  try { execFileSync('ip', ['link', 'del', m.bridge], { stdio: 'ignore' }) } catch { /* gone */ }
}

/** Removes what runs killed without cleaning up left behind (their owner is dead); only names from our own markers. */
export function sweepStaleNetns(): number {
  const dir = markerDir()
  let swept = 0
  for (const f of readdirSync(dir)) {
    if (!/^[0-9a-f]{6}\.json$/.test(f)) continue
    let m: Marker
    try { m = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Marker } catch { continue }
    if (isOurProcess({ pid: m.pid, startTime: m.startTime })) continue
    const id = f.slice(0, 6)
    // Only names of the shape we make, with the marker's id: a corrupt marker cannot make us delete another's.
    removeSync({ bridge: `enbr${id}`, namespaces: m.namespaces.filter((n) => n.startsWith(`enigma-${id}-`)), veths: (m.veths ?? []).filter((v) => v.startsWith(`env${id}h`)) })
    rmSync(join(dir, f), { force: true })
    swept++
  }
  return swept
}

const open = new Set<() => void>()
let hooked = false
function hookProcess(): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => { for (const c of open) c() })
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const on = () => {
      for (const c of open) c()
      // If nobody else handles the signal, die of it as we would have without this handler.
      if (process.listenerCount(sig) === 1) { process.off(sig, on); process.kill(process.pid, sig) }
    }
    process.on(sig, on)
  }
}

const ipToInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0)
function overlaps(aNet: number, aLen: number, bNet: number, bLen: number): boolean {
  const len = Math.min(aLen, bLen)
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
  return ((aNet & mask) >>> 0) === ((bNet & mask) >>> 0)
}

/** Prefixes this machine already uses (routes of every table, addresses). */
async function usedPrefixes(): Promise<{ net: number; len: number }[]> {
  const out: { net: number; len: number }[] = []
  const [routes, addrs] = await Promise.all([run('ip', ['-4', '-o', 'route', 'show', 'table', 'all']), run('ip', ['-4', '-o', 'addr', 'show'])])
  const add = (cidr: string) => {
    const [ip, len] = cidr.split('/')
    if (ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip)) out.push({ net: ipToInt(ip), len: len === undefined ? 32 : Number(len) })
  }
  for (const line of routes.stdout.split('\n')) {
    const words = line.trim().split(/\s+/)
    const dest = ['local', 'broadcast', 'unicast', 'multicast', 'anycast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat'].includes(words[0]!) ? words[1] : words[0]
    if (dest && dest !== 'default') add(dest)
  }
  for (const m of addrs.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+\/\d+)/g)) add(m[1]!)
  return out
}

async function freeSubnet(): Promise<[number, number]> {
  const used = await usedPrefixes()
  for (let k = 0; k < 200; k++) {
    const a = randomInt(64, 255), b = randomInt(0, 256)
    if (!used.some((u) => overlaps(ipToInt(`10.${a}.${b}.0`), 24, u.net, u.len))) return [a, b]
  }
  throw new EnigmaError('DEVNET_NETNS_FAILED', 'no free 10.x.y.0/24 subnet for the namespaces')
}

export async function createNetnsTopology(o: NetnsOptions): Promise<NetnsTopology> {
  const support = netnsSupport()
  if (!support.ok) throw new EnigmaError('DEVNET_NETNS_UNAVAILABLE', support.reason)
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 200) throw new EnigmaError('DEVNET_USAGE', `netns: nodes must be 1..200, got ${o.nodes}`)
  hookProcess()
  sweepStaleNetns()
  const id = randomBytes(3).toString('hex')
  const bridge = `enbr${id}`
  const namespace = (i: number) => `enigma-${id}-${i}`
  const hostVeth = (i: number) => `env${id}h${i}`
  const [a, b] = await freeSubnet()
  const address = (i: number) => `10.${a}.${b}.${i + 2}`
  const chainHost = `10.${a}.${b}.1`
  const made = { bridge, namespaces: [] as string[], veths: [] as string[] }
  const markerFile = join(markerDir(), `${id}.json`)
  const writeMarker = () => writeFileSync(markerFile, JSON.stringify({ ...selfRef(), ...made } satisfies Marker))
  let closed = false
  const closeSync = () => {
    if (closed) return
    closed = true
    removeSync(made)
    rmSync(markerFile, { force: true })
    open.delete(closeSync)
  }
  open.add(closeSync)
  writeMarker()
  const ip = async (...args: string[]) => {
    try {
      await run('ip', args)
    } catch (e) {
      throw new EnigmaError('DEVNET_NETNS_FAILED', `ip ${args.join(' ')}: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`, { cause: e })
    }
  }
  try {
    await ip('link', 'add', bridge, 'type', 'bridge')
    await ip('addr', 'add', `${chainHost}/24`, 'dev', bridge)
    await ip('link', 'set', bridge, 'up')
    for (let i = 0; i < o.nodes; i++) {
      const ns = namespace(i)
      await ip('netns', 'add', ns)
      made.namespaces.push(ns)
      writeMarker()
      // The namespace end is created inside the namespace as eth0: names there never collide.
      made.veths.push(hostVeth(i))
      writeMarker()
      await ip('link', 'add', hostVeth(i), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
      await ip('link', 'set', hostVeth(i), 'master', bridge, 'up')
      await ip('-n', ns, 'addr', 'add', `${address(i)}/24`, 'dev', 'eth0')
      await ip('-n', ns, 'link', 'set', 'eth0', 'up')
      await ip('-n', ns, 'link', 'set', 'lo', 'up')
    }
  } catch (e) {
    closeSync()
    throw e
  }
  const wildcard = new Set(o.wildcardListen ?? [])
  const check = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= o.nodes) throw new EnigmaError('DEVNET_USAGE', `netns: no node ${i} (0..${o.nodes - 1})`)
  }
  return {
    kind: 'netns', id, subnet: `10.${a}.${b}.0/24`, bridge, nodes: o.nodes, chainHost,
    namespace: (i) => { check(i); return namespace(i) },
    address: (i) => { check(i); return address(i) },
    hostVeth: (i) => { check(i); return hostVeth(i) },
    node(i): NodePlacement {
      check(i)
      return { host: address(i), ...(wildcard.has(i) ? { listenHost: '0.0.0.0' } : {}), exec: ['ip', 'netns', 'exec', namespace(i)] }
    },
    partition: async (i) => { check(i); await ip('link', 'set', hostVeth(i), 'down') },
    heal: async (i) => { check(i); await ip('link', 'set', hostVeth(i), 'up') },
    close: async () => closeSync(),
  }
}
