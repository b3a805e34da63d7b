/**
 * Node processes for multi-process tests and benchmarks: each node is `enigma node start` (the CLI's
 * node command, bundled: #nodeCommand) in its own process with its own data dir, all on 127.0.0.1,
 * sharing one task file and one circuit folder.
 * `stop()` kills every process it started (also the ones a test left running), so a failing test
 * never leaves a node behind.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile, rename, open, rm, readFile } from 'node:fs/promises'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NodeInfo } from './client.ts'
import type { TaskSpec } from '../task-source.ts'
import type { PausePoint } from '../test-hooks.ts'
import type { FaultBehaviour } from '../faults.ts'
import { bundleEntry, FILE_LOADING_PACKAGES } from '../../common/bundle-entry.ts'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

export interface ClusterNode {
  readonly index: number
  readonly dir: string
  proc: ChildProcess | undefined
  info: NodeInfo
}

export interface ClusterOptions {
  readonly root: string
  readonly size: number
  /** Extra node.json keys for every node (e.g. mpcTimeoutMs). */
  readonly config?: Record<string, unknown>
  readonly startTimeoutMs?: number
  /**
   * Run nodes through the test-only entry (`testing/node-main.ts`) that honours `<dataDir>/pause.json`
   * (see `pause()`), instead of `enigma node start`.
   */
  readonly testEntry?: boolean
}

export class Cluster {
  readonly nodes: ClusterNode[] = []
  readonly tasksFile: string
  readonly circuitsDir: string
  readonly #opts: ClusterOptions
  #tasks: TaskSpec[] = []
  /** Program and leading arguments of a node process, found once per cluster (#nodeCommand). */
  #command: Promise<readonly string[]> | undefined
  #cancelled: { taskId: string; reason: string }[] = []

  private constructor(opts: ClusterOptions) {
    this.#opts = opts
    this.tasksFile = join(opts.root, 'tasks.json')
    this.circuitsDir = join(opts.root, 'circuits')
  }

  static async start(opts: ClusterOptions): Promise<Cluster> {
    const c = new Cluster(opts)
    await mkdir(c.circuitsDir, { recursive: true })
    await c.#writeTasks()
    try {
      // The first node is the bootstrap peer of the others.
      // (#spawn records each node in `nodes` by index.)
      const first = await c.#spawn(0, [])
      await Promise.all(Array.from({ length: opts.size - 1 }, (_, k) => c.#spawn(k + 1, [first.info.multiaddrs[0]!])))
    } catch (e) {
      await c.stop()
      throw e
    }
    return c
  }

  get apis(): string[] {
    return this.nodes.map((n) => n.info.api)
  }

  async #spawn(index: number, bootstrap: string[], dir = join(this.#opts.root, `node${index}`), reuse?: NodeInfo): Promise<ClusterNode> {
    await mkdir(dir, { recursive: true })
    const cfgPath = join(dir, 'node.json')
    // A restarted node keeps its ports, as an operator's node would: peers and clients find it again.
    const ports = reuse ? {
      listen: [reuse.multiaddrs[0]!.replace(/\/p2p\/.*$/, '')],
      apiPort: Number(new URL(reuse.api).port),
    } : { apiPort: 0 }
    await writeFile(cfgPath, JSON.stringify({
      dataDir: dir, tasksFile: this.tasksFile, circuitDirs: [this.circuitsDir, join(dir, 'circuits')], bootstrap, ...this.#opts.config, ...ports,
    }))
    const log = await open(join(dir, 'node.log'), 'a')
    this.#command ??= this.#nodeCommand()
    const argv = [...(await this.#command), cfgPath]
    const proc = spawn(process.execPath, argv, {
      cwd: repoRoot, stdio: ['ignore', 'pipe', log.fd], env: { ...process.env, ENIGMA_LOG_LEVEL: process.env.ENIGMA_LOG_LEVEL ?? 'info' },
    })
    void log.close().catch(() => {})
    const node: ClusterNode = { index, dir, proc, info: undefined as unknown as NodeInfo }
    this.nodes[index] = node
    node.info = await new Promise<NodeInfo>((resolveInfo, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`node ${index} did not start in time (see ${dir}/node.log)`)), this.#opts.startTimeoutMs ?? 180_000)
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString('utf8')
        const nl = out.indexOf('\n')
        if (nl >= 0) { clearTimeout(timer); try { resolveInfo(JSON.parse(out.slice(0, nl)) as NodeInfo) } catch (e) { reject(e) } }
      })
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`node ${index} exited with ${code} (see ${dir}/node.log)`)) })
    })
    proc.removeAllListeners('exit')
    return node
  }

  /**
   * `enigma node start --config` (the CLI's node command, src/cli/testing/node-start-entry.ts) or the
   * test entry, each bundled with its packages (src/common/bundle-entry.ts): ≈ 1 CPU-s to the ready line
   * instead of ≈ 5–5.6 through tsx (measured at load 21). If esbuild fails: bin/enigma.mjs, tsx.
   */
  async #nodeCommand(): Promise<readonly string[]> {
    const polyfill = join(repoRoot, 'src/common/polyfill.mjs')
    const [entry, name, args] = this.#opts.testEntry
      ? [join(repoRoot, 'src/node/testing/node-main.ts'), 'cluster-test-node', []]
      : [join(repoRoot, 'src/cli/testing/node-start-entry.ts'), 'cluster-cli-node', ['start', '--config']]
    const bundle = await bundleEntry({ entry, root: repoRoot, cacheDir: join(repoRoot, '.enigma', 'cache'), name, external: FILE_LOADING_PACKAGES })
      .catch(() => undefined)
    if (bundle) return ['--import', polyfill, bundle.file, ...args]
    return this.#opts.testEntry ? ['--import', 'tsx', '--import', polyfill, entry] : [join(repoRoot, 'bin/enigma.mjs'), 'node', 'start', '--config']
  }

  /** Kill a node (SIGKILL by default: a crash, no clean shutdown). */
  async kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const node = this.nodes[index]!
    const p = node.proc
    if (!p || p.exitCode !== null || p.signalCode !== null) return
    const exited = new Promise<void>((r) => p.once('exit', () => r()))
    p.kill(signal)
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await exited
    if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') node.proc = undefined
  }

  /** Start a stopped node again from its data dir (same keys, same LevelDB). */
  async restart(index: number): Promise<void> {
    const node = this.nodes[index]!
    const others = this.nodes.filter((n) => n.index !== index && n.proc).map((n) => n.info.multiaddrs[0]!)
    const again = await this.#spawn(index, others.slice(0, 1), node.dir, node.info)
    this.nodes[index] = again
  }

  /** Make node `index` (started with `testEntry`) stop at `point` of task `taskId`; undefined clears it. */
  async pause(index: number, pause: { point: PausePoint; taskId: string } | undefined): Promise<void> {
    const dir = this.nodes[index]!.dir
    await rm(join(dir, 'paused.json'), { force: true })
    if (pause) await writeFile(join(dir, 'pause.json'), JSON.stringify(pause))
    else await rm(join(dir, 'pause.json'), { force: true })
  }

  /** Make node `index` (started with `testEntry`) misbehave in its next computations; undefined clears it. */
  async fault(index: number, behaviour: FaultBehaviour | undefined): Promise<void> {
    const dir = this.nodes[index]!.dir
    await rm(join(dir, 'fault-injected.json'), { force: true })
    if (behaviour) await writeFile(join(dir, 'fault.json'), JSON.stringify({ behaviour }))
    else await rm(join(dir, 'fault.json'), { force: true })
  }

  /** Whether node `index`'s fault acted since it was set. */
  async faultInjected(index: number): Promise<boolean> {
    try { await readFile(join(this.nodes[index]!.dir, 'fault-injected.json'), 'utf8'); return true } catch { return false }
  }

  /** Resolves once node `index` stopped at its pause point. */
  async paused(index: number, timeoutMs = 120_000): Promise<{ point: PausePoint; taskId: string }> {
    const file = join(this.nodes[index]!.dir, 'paused.json')
    const until = Date.now() + timeoutMs
    for (;;) {
      try { return JSON.parse(await readFile(file, 'utf8')) as { point: PausePoint; taskId: string } } catch { /* not yet */ }
      if (Date.now() > until) throw new Error(`node ${index} did not reach its pause point in ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async addTask(spec: TaskSpec): Promise<void> {
    this.#tasks.push(spec)
    await this.#writeTasks()
  }

  async cancelTask(taskId: string, reason: string): Promise<void> {
    this.#cancelled.push({ taskId, reason })
    await this.#writeTasks()
  }

  /** Put a compiled circuit where every node finds it, or only where node `only` does. */
  async addCircuit(name: string, encoding: Uint8Array, only?: number): Promise<void> {
    const dir = only === undefined ? this.circuitsDir : join(this.nodes[only]!.dir, 'circuits')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, `${name}.json`), encoding)
  }

  async #writeTasks(): Promise<void> {
    const tmp = `${this.tasksFile}.tmp`
    await writeFile(tmp, JSON.stringify({ tasks: this.#tasks, cancelled: this.#cancelled }))
    await rename(tmp, this.tasksFile)
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map(async (n) => {
      const p = n?.proc
      if (!p || p.exitCode !== null || p.signalCode !== null) return
      const exited = new Promise<void>((r) => p.once('exit', () => r()))
      p.kill('SIGCONT')
      p.kill('SIGTERM')
      const t = setTimeout(() => p.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(t)
      n.proc = undefined
    }))
  }
}
