/**
 * Runs one party program in n separate Node processes connected by the TCP transport, and returns
 * their results in party order. Used by benchmarks, tests and `enigma run --transport tcp`.
 *
 *     const results = await launchParties({ n: 3, module: './my-party.ts', args: { size: 10 } })
 *
 * The module exports `party(ctx: PartyContext) => Promise<result>`; args and results cross the
 * process boundary by structured clone (JSON plus bigint, typed arrays, Map, ...).
 *
 * Ports: each child binds port 0 and reports the port the OS gave it; the parent then sends everyone
 * the full address list. Unlike "parent picks free ports, children bind them later", this cannot race
 * with other processes grabbing the port in between (several test suites share this machine).
 *
 * Keys: the parent makes a fresh Ed25519 key per party for every run and hands each child its own
 * private key and everyone's public key over the IPC channel (never on a command line), so the parties'
 * connections are mutually authenticated and encrypted (transport-tcp.ts). `insecurePlaintext`
 * turns that off for loopback benchmarks.
 *
 * Failure: the first failure (an error thrown by `party`, a crash, a kill, the overall timeout or the
 * caller's signal) kills every child with SIGKILL, waits until they are all gone, and rejects. A
 * failing party usually makes its peers fail too (MPC_PEER_DISCONNECTED, MPC_TIMEOUT); the launcher
 * waits a short grace period for the root cause and reports that party, listing the others in the
 * error's details.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isAbsolute, resolve as resolvePath } from 'node:path'
import { siblingModule } from '../common/module-file.ts'
import { InvalidArgumentError, isEnigmaError } from '../common/errors.ts'
import { deserializeError, LaunchTimeoutError, PartyExitedError, PartyFailedError } from './launch-errors.ts'
import type { ChildMessage, ParentMessage } from './launch-protocol.ts'
import { checkPartyCount, checkTimeout } from './transport-checks.ts'
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TCP_RECEIVE_TIMEOUT_MS } from './transport-tcp.ts'
import { generateCommitteeKeys } from './transport-tcp-keys.ts'

export type { PartyContext, PartyFunction } from './launch-protocol.ts'

export interface LaunchOptions {
  readonly n: number
  /** Path (absolute, or relative to the current directory) or file: URL of the party module. */
  readonly module: string | URL
  readonly args?: unknown
  /** Overall time for the whole run, start-up included (120 000 ms). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** Session id for the transport handshake (random by default). */
  readonly sessionId?: string
  /** Default receive timeout of each party's transport (30 000 ms). */
  readonly receiveTimeoutMs?: number
  /** Time for the mesh to form once everyone listens (15 000 ms). */
  readonly connectTimeoutMs?: number
  /** Passed to each party's TCP transport (listenTcp's `copyOnSend`, default true). */
  readonly copyOnSend?: boolean
  /** No authentication or encryption between the parties (loopback benchmarks only; default false). */
  readonly insecurePlaintext?: boolean
  /** 'capture' (default) keeps the tail of each child's output for error reports; 'inherit' also shows it. */
  readonly output?: 'capture' | 'inherit'
  /** Extra Node flags for the children (e.g. ['--max-old-space-size=4096']). */
  readonly execArgv?: readonly string[]
  /** Called with each child's pid right after spawning (tests use it to check nothing is left). */
  readonly onSpawn?: (party: number, pid: number) => void
}

export const DEFAULT_LAUNCH_TIMEOUT_MS = 120_000
/** How long to wait for a root cause after the first failure that looks like a consequence. */
const GRACE_MS = 250
const KILL_WAIT_MS = 5_000
const TAIL_BYTES = 4096
/** Errors a party gets because another one failed: prefer any other failure as the reported cause. */
const CONSEQUENCES = new Set(['MPC_PEER_DISCONNECTED', 'MPC_TRANSPORT_CLOSED', 'MPC_TIMEOUT', 'MPC_CONNECT_TIMEOUT'])

// Resolved from this file, not the cwd, so launching works from any directory.
const childEntry = fileURLToPath(siblingModule(import.meta.url, './launch-child.ts'))
const polyfill = new URL('../common/polyfill.mjs', import.meta.url).href
const tsxLoader = import.meta.resolve('tsx')

interface Child {
  readonly party: number
  readonly proc: ChildProcess
  readonly exited: Promise<void>
  port: number | undefined
  hasResult: boolean
  result: unknown
  isExited: boolean
  tail: string
}

interface Failure {
  readonly party: number
  readonly error: Error
}

export function launchParties<R = unknown>(options: LaunchOptions): Promise<R[]> {
  const fn = 'launchParties'
  checkPartyCount(fn, options.n)
  const timeoutMs = options.timeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS
  checkTimeout(fn, 'timeoutMs', timeoutMs)
  const moduleUrl = toModuleUrl(options.module)
  const { signal } = options
  if (signal?.aborted) return Promise.reject(signal.reason)
  const sessionId = options.sessionId ?? `launch-${randomUUID()}`
  const n = options.n

  return new Promise<R[]>((resolve, reject) => {
    const children: Child[] = []
    const failures: Failure[] = []
    let finishing = false
    let graceTimer: ReturnType<typeof setTimeout> | undefined

    const cleanupAndSettle = async (error: unknown, results?: R[]): Promise<void> => {
      if (finishing) return
      finishing = true
      clearTimeout(timer)
      clearTimeout(graceTimer)
      signal?.removeEventListener('abort', onAbort)
      if (error !== undefined) for (const c of children) if (!c.isExited) c.proc.kill('SIGKILL')
      // Successful children exit by themselves; failing ones were just killed. Either way, wait.
      const all = Promise.all(children.map((c) => c.exited))
      let waitTimer: ReturnType<typeof setTimeout> | undefined
      const waited = await Promise.race([all.then(() => true), new Promise<boolean>((r) => { waitTimer = setTimeout(() => r(false), KILL_WAIT_MS) })])
      clearTimeout(waitTimer)
      if (!waited) {
        for (const c of children) if (!c.isExited) c.proc.kill('SIGKILL')
        await all
      }
      if (error !== undefined) reject(error)
      else resolve(results!)
    }

    const report = (): void => {
      const root = failures.find((f) => !isConsequence(f.error)) ?? failures[0]!
      const others = failures.filter((f) => f !== root).map((f) => `party ${f.party}: ${oneLine(f.error)}`)
      const tail = children[root.party]?.tail.trim()
      const details = [
        others.length > 0 ? `other failures:\n${others.join('\n')}` : '',
        tail ? `output of party ${root.party}:\n${tail}` : '',
      ].filter(Boolean).join('\n')
      void cleanupAndSettle(new PartyFailedError(root.party, root.error, details || undefined))
    }

    const fail = (party: number, error: Error): void => {
      if (finishing || failures.some((f) => f.party === party)) return
      failures.push({ party, error })
      if (isConsequence(error)) {
        graceTimer ??= setTimeout(report, GRACE_MS)
        return
      }
      report()
    }

    const onAbort = (): void => void cleanupAndSettle(signal!.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => {
      const pending = children.filter((c) => !c.hasResult).map((c) => c.party)
      void cleanupAndSettle(new LaunchTimeoutError(timeoutMs, pending))
    }, timeoutMs)

    const post = (c: Child, msg: ParentMessage): void => {
      // A child that already died is reported by its 'exit' event.
      if (c.proc.connected) c.proc.send(msg, () => {})
    }

    const onMessage = (c: Child, msg: ChildMessage): void => {
      if (finishing) return
      if (msg.type === 'ready') {
        c.port = msg.port
        if (children.every((k) => k.port !== undefined)) {
          const peers = children.map((k) => ({ host: '127.0.0.1', port: k.port! }))
          for (const k of children) post(k, { type: 'peers', peers })
        }
      } else if (msg.type === 'result') {
        c.hasResult = true
        c.result = msg.value
        if (children.every((k) => k.hasResult)) void cleanupAndSettle(undefined, children.map((k) => k.result as R))
      } else if (msg.type === 'error') {
        fail(c.party, deserializeError(msg.error))
      }
    }

    const keys = options.insecurePlaintext === true ? undefined : generateCommitteeKeys(n)
    for (let i = 0; i < n; i++) {
      const proc = spawn(process.execPath, [
        '--import', tsxLoader, '--import', polyfill, ...(options.execArgv ?? []), childEntry,
      ], {
        stdio: ['ignore', options.output === 'inherit' ? 'inherit' : 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
      })
      let markExited!: () => void
      const c: Child = {
        party: i, proc, port: undefined, hasResult: false, result: undefined, isExited: false, tail: '',
        exited: new Promise<void>((r) => { markExited = r }),
      }
      children.push(c)
      const keepTail = (chunk: Buffer): void => {
        c.tail = (c.tail + chunk.toString('utf8')).slice(-TAIL_BYTES)
      }
      proc.stdout?.on('data', keepTail)
      proc.stderr?.on('data', (chunk: Buffer) => {
        keepTail(chunk)
        if (options.output === 'inherit') process.stderr.write(chunk)
      })
      proc.on('message', (msg: ChildMessage) => onMessage(c, msg))
      proc.on('error', (e) => fail(i, e))
      proc.on('exit', (code, sig) => {
        c.isExited = true
        markExited()
        if (!c.hasResult || code !== 0) {
          // Let a final 'error' message that raced with the exit be handled first.
          setImmediate(() => fail(i, new PartyExitedError(i, code, sig, c.tail.trim())))
        }
      })
      if (proc.pid !== undefined) options.onSpawn?.(i, proc.pid)
      post(c, {
        type: 'init', self: i, n, sessionId, module: moduleUrl, args: options.args, host: '127.0.0.1',
        receiveTimeoutMs: options.receiveTimeoutMs ?? DEFAULT_TCP_RECEIVE_TIMEOUT_MS,
        connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        copyOnSend: options.copyOnSend ?? true,
        ...(keys === undefined ? { insecurePlaintext: true } : { keys: { privateKey: keys.privateKeys[i]!, publicKeys: keys.publicKeys } }),
      })
    }
  })
}

function toModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href
  if (typeof module !== 'string' || module.length === 0) throw new InvalidArgumentError('launchParties', 'module must be a path or file: URL')
  if (module.startsWith('file:')) return module
  return pathToFileURL(isAbsolute(module) ? module : resolvePath(module)).href
}

function isConsequence(e: Error): boolean {
  return isEnigmaError(e) && CONSEQUENCES.has(e.code)
}

function oneLine(e: Error): string {
  return isEnigmaError(e) ? e.toLine() : `${e.name}: ${e.message}`
}
