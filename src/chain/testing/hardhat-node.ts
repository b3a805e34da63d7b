/**
 * Starts and stops a local `hardhat node` (Hardhat 2.29, STACK-NOTES "Chain") for tests and the devnet.
 *
 * No process is ever left behind:
 * - `stop()` sends SIGTERM, then SIGKILL after a grace period, and resolves once the child has exited;
 * - an `exit` hook kills every node still running when the parent process ends (test failure, throw);
 * - the child runs Hardhat behind a watchdog that exits as soon as its stdin closes, so even a parent
 *   killed with SIGKILL (which runs no hook) takes its chain with it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, isIP } from 'node:net'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pbkdf2Sync } from 'node:crypto'
import { HDKey, hdKeyToAccount, type HDAccount } from 'viem/accounts'
import { EnigmaError } from '../../common/errors.ts'
import { repoRoot } from '../compile.ts'

/** Hardhat's well-known development mnemonic: its accounts are funded with 10 000 ETH each. */
export const HARDHAT_MNEMONIC = 'test test test test test test test test test test test junk'
export const HARDHAT_CHAIN_ID = 31337
/** Funded accounts (hardhat.config.cjs `accounts.count`). */
export const HARDHAT_ACCOUNT_COUNT = 40

export class HardhatNodeError extends EnigmaError {
  override name = 'HardhatNodeError'
  constructor(shortMessage: string, details?: string, cause?: unknown) {
    super('CHAIN_LOCAL_NODE_FAILED', shortMessage, { details, cause })
  }
}

export interface StartHardhatNodeOptions {
  /** Port on `host`; default: a free one. */
  readonly port?: number
  /**
   * Address the JSON-RPC listens on (default 127.0.0.1). A devnet whose nodes run in their own
   * network namespaces puts it on the bridge that joins them (src/devnet/netns.ts).
   */
  readonly host?: string
  /** Give up after this many milliseconds (default 60 000: slow on a busy 2-core machine). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** Print the node's output to stderr (debugging). */
  readonly verbose?: boolean
  /** Chain id (default 31337); another one tests code that must not assume Hardhat's. */
  readonly chainId?: number
  /**
   * Interval mining: one block every `intervalMs` (transactions wait for it, like a real network)
   * instead of one block per transaction. Default: automine.
   */
  readonly intervalMs?: number
}

export interface HardhatNode {
  /** JSON-RPC over HTTP, e.g. http://127.0.0.1:41234 */
  readonly url: string
  readonly port: number
  readonly chainId: number
  readonly pid: number
  /** Stops the node and waits for its process to exit. Safe to call twice. */
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // 'exit' handlers must be synchronous: a kill signal is all we can do, and all we need.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

/** Asks the OS for a free port (tiny race with other processes; start() retries on EADDRINUSE). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

const accountCache = new Map<number, HDAccount>()
let masterKey: HDKey | undefined

/** The i-th funded account of the local chain (0 is the default deployer). */
export function hardhatAccount(index: number): HDAccount {
  if (!Number.isInteger(index) || index < 0 || index >= HARDHAT_ACCOUNT_COUNT) {
    throw new HardhatNodeError(`hardhatAccount: index must be 0..${HARDHAT_ACCOUNT_COUNT - 1}, got ${index}`)
  }
  let account = accountCache.get(index)
  if (!account) {
    // The mnemonic's BIP-39 seed is 2 048 rounds of HMAC-SHA-512: node:crypto takes a few ms where viem's
    // JavaScript took 0.3–1 s of a test file's start; derive the master key once, then each account.
    masterKey ??= HDKey.fromMasterSeed(pbkdf2Sync(HARDHAT_MNEMONIC.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512'))
    account = hdKeyToAccount(masterKey, { addressIndex: index })
    accountCache.set(index, account)
  }
  return account
}

export async function startHardhatNode(options: StartHardhatNodeOptions = {}): Promise<HardhatNode> {
  const attempts = options.port === undefined ? 3 : 1
  let lastError: unknown
  for (let i = 0; i < attempts; i++) {
    try {
      return await startOnce(options.port ?? (await freePort(options.host)), options)
    } catch (e) {
      lastError = e
      if (!(e instanceof HardhatNodeError) || !/EADDRINUSE/.test(e.details ?? '')) throw e
    }
  }
  throw lastError
}

async function startOnce(port: number, options: StartHardhatNodeOptions): Promise<HardhatNode> {
  const chainId = options.chainId ?? HARDHAT_CHAIN_ID
  if (!Number.isSafeInteger(chainId) || chainId < 1) throw new HardhatNodeError(`startHardhatNode: chainId must be a positive integer, got ${chainId}`)
  if (options.intervalMs !== undefined && (!Number.isSafeInteger(options.intervalMs) || options.intervalMs < 1)) {
    throw new HardhatNodeError(`startHardhatNode: intervalMs must be a positive integer, got ${options.intervalMs}`)
  }
  installExitHook()
  const require = createRequire(import.meta.url)
  let cli: string
  try {
    cli = require.resolve('hardhat/internal/cli/bootstrap.js')
  } catch (e) {
    // hardhat is an optional peer dependency of enigma-ts: only a local chain needs it (issue #13).
    throw new HardhatNodeError('the local chain needs the hardhat package; install it with `npm install --save-dev hardhat@^2.29.1`', undefined, e)
  }
  const argv = ['--config', join(repoRoot, 'hardhat.config.cjs'), 'node', '--hostname', options.host ?? '127.0.0.1', '--port', String(port)]
  // Watchdog: the parent holds our stdin open; when it goes away (even by SIGKILL), we exit.
  const watchdog = [
    "process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();",
    `process.argv = [process.argv[0], ${JSON.stringify(cli)}, ...${JSON.stringify(argv)}];`,
    `require(${JSON.stringify(cli)});`,
  ].join('\n')
  const child = spawn(process.execPath, ['-e', watchdog], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    // hardhat.config.cjs reads these (Hardhat 2 has no command-line flag for either).
    env: {
      ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true', NODE_OPTIONS: '',
      ENIGMA_HARDHAT_CHAIN_ID: String(chainId), ENIGMA_HARDHAT_INTERVAL_MS: options.intervalMs === undefined ? '' : String(options.intervalMs),
    },
  })
  running.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(child)
    resolve()
  }))

  let output = ''
  const ready = new Promise<void>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 60_000
    const timer = setTimeout(() => reject(new HardhatNodeError(`hardhat node not ready after ${timeoutMs} ms`, output.slice(-2000))), timeoutMs)
    const onAbort = () => reject(new HardhatNodeError('hardhat node start aborted', undefined, options.signal?.reason))
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      if (options.verbose) process.stderr.write(text)
      if (output.length < 100_000) output += text
      if (/Started HTTP and WebSocket JSON-RPC server at/.test(output)) done(resolve)
    }
    const done = (then: () => void) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      then()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code, sig) => done(() =>
      reject(new HardhatNodeError(`hardhat node exited during start (code ${code}, signal ${sig})`, output.slice(-2000)))))
    if (options.signal?.aborted) onAbort()
  })

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
        await exited
        clearTimeout(timer)
      }
      child.stdin!.destroy()
      child.stdout!.destroy()
      child.stderr!.destroy()
    })()
    return stopping
  }

  try {
    await ready
  } catch (e) {
    await stop()
    throw e
  }
  // Keep draining output so the child never blocks on a full pipe.
  return {
    url: `http://${isIP(options.host ?? '') === 6 ? `[${options.host}]` : options.host ?? '127.0.0.1'}:${port}`,
    port,
    chainId,
    pid: child.pid!,
    stop,
    [Symbol.asyncDispose]: stop,
  }
}
