/**
 * The soak's hold on the devnet's node processes: SIGKILL one, restart one from its data directory
 * (keys, LevelDB, stored tasks) with another test-only behaviour (`--fault`, src/node/faults.ts) or
 * none. A restarted node keeps its addresses, the libp2p port and the API port it registered on chain
 * and in the state file, so its peers and clients find it again; it runs where the topology puts it
 * (its own network namespace too).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { spawnNode, type NodeProcess } from './node-process.ts'
import type { Devnet } from './devnet.ts'
import type { DevnetNodeConfig } from './node-main.ts'
import type { FaultBehaviour } from '../node/faults.ts'
import { EnigmaError } from '../common/errors.ts'

/** The node config with the ports it first got (`tcp/0` and `apiPort: 0` made them random). */
export function pinnedAddresses(node: Record<string, unknown>, first: { multiaddrs: readonly string[]; api: string }): Record<string, unknown> {
  const port = first.multiaddrs.map((a) => /\/tcp\/(\d+)/.exec(a)?.[1]).find((p) => p !== undefined)
  const apiPort = Number(new URL(first.api).port)
  if (port === undefined || !apiPort) throw new EnigmaError('DEVNET_NODE_FAILED', `cannot tell the ports of ${first.api} ${first.multiaddrs.join(' ')}`)
  const listen = (node.listen as string[] | undefined) ?? ['/ip4/127.0.0.1/tcp/0']
  return { ...node, listen: listen.map((a) => a.replace(/\/tcp\/0$/, `/tcp/${port}`)), apiPort }
}

export class NodeFleet {
  readonly #devnet: Devnet
  readonly #current: NodeProcess[]
  readonly #down = new Set<number>()
  readonly #faults = new Map<number, FaultBehaviour>()

  constructor(devnet: Devnet) {
    this.#devnet = devnet
    this.#current = [...devnet.nodes]
    this.#current.forEach((p, i) => this.#watch(i, p))
  }

  #watch(i: number, p: NodeProcess): void {
    void p.exited.then(() => { if (this.#current[i] === p) this.#down.add(i) })
  }

  get size(): number { return this.#current.length }
  pid(i: number): number { return this.#current[i]!.pid }
  /** Whether node i's process has exited (killed, crashed). */
  isDown(i: number): boolean { return this.#down.has(i) }
  fault(i: number): FaultBehaviour | undefined { return this.#faults.get(i) }

  async kill(i: number): Promise<void> {
    const p = this.#current[i]!
    try { process.kill(p.pid, 'SIGKILL') } catch { /* already gone */ }
    await p.exited
  }

  /** Stops node i (SIGTERM, then SIGKILL) if it runs, and starts it again from its data directory. */
  async restart(i: number, fault?: FaultBehaviour): Promise<void> {
    const old = this.#current[i]!
    await old.stop()
    const cfg = JSON.parse(await readFile(join(old.dir, 'devnet-node.json'), 'utf8')) as DevnetNodeConfig
    const first = this.#devnet.state.nodes[i]!
    const next = await spawnNode({
      index: i, dir: old.dir, fault, exec: this.#devnet.topology.node(i).exec,
      config: { ...cfg, node: pinnedAddresses(cfg.node, first) },
    })
    this.#current[i] = next
    this.#down.delete(i)
    if (fault) this.#faults.set(i, fault)
    else this.#faults.delete(i)
    this.#watch(i, next)
  }

  async stop(): Promise<void> {
    await Promise.all(this.#current.map((p) => p.stop()))
  }
}
