/**
 * Starts devnet nodes as child processes and guarantees none outlives us: each child holds our pipe
 * on its stdin (it exits when the pipe closes, even if we die by SIGKILL), `stop()` sends SIGTERM
 * then SIGKILL, and an exit hook SIGKILLs whatever is still running when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { repoRoot } from '../chain/compile.ts'
import { EnigmaError } from '../common/errors.ts'
import type { DevnetNodeConfig } from './node-main.ts'
import type { FaultBehaviour } from '../node/faults.ts'
import { devnetNodeCommand } from './node-bundle.ts'

export interface NodeInfoLine {
  readonly peerId: string
  readonly encryptionKey: `0x${string}`
  readonly account: `0x${string}`
  readonly multiaddrs: readonly string[]
  readonly api: string
}

export interface NodeProcess {
  readonly index: number
  readonly dir: string
  readonly info: NodeInfoLine
  readonly pid: number
  readonly logFile: string
  /** Resolves when the process exits (for any reason). */
  readonly exited: Promise<void>
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
let hooked = false
function hookExit(): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => { for (const c of running) c.kill('SIGKILL') })
}

export interface SpawnNodeOptions {
  readonly index: number
  readonly dir: string
  readonly config: DevnetNodeConfig
  readonly startTimeoutMs?: number
  /** Test-only misbehaviour of this node (devnet `--fault`), passed on its command line, not in its config. */
  readonly fault?: FaultBehaviour
  /**
   * Command prefix that runs the node elsewhere, e.g. `['ip', 'netns', 'exec', name]` (src/devnet/netns.ts).
   * It must exec the node in place (same pid, stdin passed on) so signals and the stdin watch still reach it.
   */
  readonly exec?: readonly string[]
}

export async function spawnNode(o: SpawnNodeOptions): Promise<NodeProcess> {
  hookExit()
  await mkdir(o.dir, { recursive: true })
  const cfgPath = join(o.dir, 'devnet-node.json')
  await writeFile(cfgPath, JSON.stringify(o.config, null, 2))
  const logFile = join(o.dir, 'node.log')
  const log = await open(logFile, 'a')
  const argv = [...(await devnetNodeCommand()), cfgPath, ...(o.fault ? ['--fault', o.fault] : [])]
  const [cmd, ...args] = [...(o.exec ?? []), ...argv]
  const child = spawn(cmd!, args, {
    cwd: repoRoot, stdio: ['pipe', 'pipe', log.fd],
    env: { ...process.env, ENIGMA_LOG_LEVEL: process.env.ENIGMA_LOG_LEVEL ?? 'info', NODE_OPTIONS: '' },
  })
  await log.close().catch(() => {})
  running.add(child)
  const exited = new Promise<void>((r) => child.once('exit', () => { running.delete(child); r() }))
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 8_000)
        await exited
        clearTimeout(t)
      }
      child.stdin?.destroy()
      child.stdout?.destroy()
    })()
    return stopping
  }
  try {
    const info = await new Promise<NodeInfoLine>((resolve, reject) => {
      let out = ''
      const ms = o.startTimeoutMs ?? 300_000
      const timer = setTimeout(() => reject(new EnigmaError('DEVNET_NODE_FAILED', `node ${o.index} did not start within ${ms} ms (see ${logFile})`)), ms)
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString('utf8')
        const nl = out.indexOf('\n')
        if (nl < 0) return
        clearTimeout(timer)
        try { resolve(JSON.parse(out.slice(0, nl)) as NodeInfoLine) } catch (e) { reject(e) }
      })
      child.once('exit', (code, sig) => {
        clearTimeout(timer)
        reject(new EnigmaError('DEVNET_NODE_FAILED', `node ${o.index} exited during start (code ${code}, signal ${sig}); see ${logFile}`))
      })
    })
    child.stdout!.resume() // keep draining
    return { index: o.index, dir: o.dir, info, pid: child.pid!, logFile, exited, stop }
  } catch (e) {
    await stop()
    throw e
  }
}
