/**
 * Test helpers for killing devnet node processes with SIGKILL at a chosen moment (a line in their log)
 * and restarting them from their data dirs on their ports. Shared by the devnet kill tests
 * (custody-epochs.e2e.test.ts, state-kill.full-test.ts).
 */
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevnet, type Devnet, type StartDevnetOptions } from './devnet.ts'
import { spawnNode, type NodeProcess } from './node-process.ts'
import type { DevnetNodeConfig } from './node-main.ts'

/** Polls `f` until it returns a value (not undefined), or fails after `ms` with the last error seen. */
export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 120_000, everyMs = 200): Promise<T> {
  const end = Date.now() + ms
  let lastError: unknown
  for (;;) {
    const v = await f().catch((e) => { lastError = e; return undefined })
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Restarts a killed node from its data dir, on its ports (as an operator's node: the registry's addresses stay right). */
export async function restartNode(devnet: Devnet, index: number, was: NodeProcess): Promise<NodeProcess> {
  const nodeDir = devnet.state.nodes[index]!.dataDir
  const config = JSON.parse(await readFile(join(nodeDir, 'devnet-node.json'), 'utf8')) as DevnetNodeConfig
  const node = { ...config.node, listen: [was.info.multiaddrs[0]!.replace(/\/p2p\/.*$/, '')], apiPort: Number(new URL(was.info.api).port) }
  return spawnNode({ index, dir: nodeDir, config: { ...config, node } })
}

/** Kills `victims` with SIGKILL and waits until they are gone. */
export async function killNodes(procs: readonly NodeProcess[], victims: readonly number[]): Promise<void> {
  for (const v of victims) process.kill(procs[v]!.pid, 'SIGKILL')
  await Promise.all(victims.map((v) => procs[v]!.exited))
}

/** Offset of each node's log, to look for lines written after it. */
export async function logSizes(procs: readonly NodeProcess[]): Promise<number[]> {
  return Promise.all(procs.map(async (p) => (await stat(p.logFile)).size))
}

/** What a node's log holds past `from` (a byte offset from `logSizes`). */
export async function logSince(proc: NodeProcess, from: number): Promise<string> {
  const fh = await open(proc.logFile, 'r')
  try {
    const { size } = await fh.stat()
    const buf = Buffer.alloc(Math.max(0, size - from))
    await fh.read(buf, 0, buf.length, from)
    return buf.toString('utf8')
  } finally {
    await fh.close()
  }
}

/** A devnet whose node processes a test kills and replaces, with its phase timings (printed at stop). */
export interface KillableDevnet {
  /** The live process of each node index (replaced when restarted). */
  readonly procs: NodeProcess[]
  readonly devnet: Devnet
  /** Records the time since the previous phase under `name`. */
  phase(name: string): void
  stop(): Promise<void>
}

/** Starts a devnet in a fresh temporary folder (kept with ENIGMA_TEST_KEEP=1). */
export async function startKillableDevnet(label: string, options: Omit<StartDevnetOptions, 'dir'>): Promise<KillableDevnet> {
  const dir = await mkdtemp(join(tmpdir(), `enigma-${label.replace(/\W+/g, '-')}-`))
  const phases: [string, number][] = []
  let last = Date.now()
  const phase = (name: string) => { const now = Date.now(); phases.push([name, now - last]); last = now }
  const devnet = await startDevnet({ ...options, dir: join(dir, 'devnet') })
  const procs = [...devnet.nodes]
  phase('devnet')
  return {
    procs, devnet, phase,
    async stop() {
      console.log(`# ${label} phases (ms): ${phases.map(([k, v]) => `${k} ${v}`).join(', ')}`)
      for (const p of procs) await p.stop()
      await devnet.stop()
      if (process.env.ENIGMA_TEST_KEEP === '1') console.log(`# kept ${dir}`)
      else await rm(dir, { recursive: true, force: true })
    },
  }
}
