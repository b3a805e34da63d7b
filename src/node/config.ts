/**
 * Node configuration: a JSON file (`--config node.json`) overridden by command-line flags. Every
 * field is checked here so a typo fails at start-up with a clear message, not mid-task.
 */
import { readFile } from 'node:fs/promises'
import { NodeError } from './errors.ts'
import { DEFAULT_CORS_ORIGINS, isCorsOrigin, type CorsOrigins } from './cors.ts'

export interface NodeConfig {
  /** Keys, LevelDB and node-info.json live here. */
  readonly dataDir: string
  /** libp2p listen multiaddrs; loopback unless configured (never exposed by accident). */
  readonly listen: readonly string[]
  /** Addresses announced to peers instead of the listen ones (public IP / DNS behind NAT). */
  readonly announce: readonly string[]
  readonly bootstrap: readonly string[]
  /** Address the client API binds to; loopback unless configured (`0.0.0.0` / `::`: every interface). */
  readonly apiHost: string
  /**
   * The API's URL as clients should use it (announced in node-info.json), e.g. behind NAT or a proxy.
   * Unset: `http://apiHost:port`, or for a wildcard apiHost the first routable announced IP (api-address.ts).
   */
  readonly apiAnnounce?: string
  /** 0 = any free port (written to node-info.json). */
  readonly apiPort: number
  /** The local file-backed task source; unset = no tasks until a source is wired in. */
  readonly tasksFile?: string
  /** Folders with compiled circuits (`*.json`), found by code hash. */
  readonly circuitDirs: readonly string[]
  readonly mpcTimeoutMs: number
  /** How long committee members wait for each other to start a computation. */
  readonly mpcStartTimeoutMs: number
  readonly computeTimeoutMs: number
  readonly allowPrivateAddresses: boolean
  /** fsync every LevelDB write (power-loss safe, slower). */
  readonly durable: boolean
  readonly maxBodyBytes: number
  readonly ratePerSecond: number
  /** Ended tasks (records, shares, results) are deleted this long after they ended. */
  readonly taskRetentionMs: number
  /** Origins whose browser pages may call the client API: ['*'] (default) or exact origins. */
  readonly corsOrigins: CorsOrigins
}

export const DEFAULT_CONFIG: NodeConfig = {
  dataDir: '.enigma/node',
  listen: ['/ip4/127.0.0.1/tcp/0'],
  announce: [],
  bootstrap: [],
  apiHost: '127.0.0.1',
  apiPort: 0,
  circuitDirs: [],
  mpcTimeoutMs: 30_000,
  mpcStartTimeoutMs: 60_000,
  computeTimeoutMs: 600_000,
  allowPrivateAddresses: true,
  durable: false,
  maxBodyBytes: 1024 * 1024,
  ratePerSecond: 200,
  taskRetentionMs: 7 * 24 * 3600 * 1000,
  corsOrigins: DEFAULT_CORS_ORIGINS,
}

/** setTimeout's limit: a larger delay fires at once (Node clamps it to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1
const TIMEOUT_KEYS = ['mpcTimeoutMs', 'mpcStartTimeoutMs', 'computeTimeoutMs'] as const

function bad(what: string): never {
  throw new NodeError('NODE_CONFIG_INVALID', `config: ${what}`)
}

const strings = (v: unknown, name: string): string[] => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${name} must be a list of strings`)
  return v as string[]
}

export function checkConfig(raw: Record<string, unknown>): NodeConfig {
  const known = new Set(Object.keys(DEFAULT_CONFIG).concat(['tasksFile', 'apiAnnounce']))
  for (const k of Object.keys(raw)) if (!known.has(k)) bad(`unknown key '${k}'`)
  const c = { ...DEFAULT_CONFIG, ...raw } as Record<string, unknown>
  if (typeof c.dataDir !== 'string' || c.dataDir === '') bad('dataDir must be a path')
  const listen = strings(c.listen, 'listen')
  for (const a of [...listen, ...strings(c.announce, 'announce'), ...strings(c.bootstrap, 'bootstrap')]) {
    if (!a.startsWith('/')) bad(`'${a}' is not a multiaddr`)
  }
  if (typeof c.apiHost !== 'string') bad('apiHost must be a string')
  if (c.apiAnnounce !== undefined && !isHttpUrl(c.apiAnnounce)) bad(`apiAnnounce must be an http(s) URL, got '${String(c.apiAnnounce).slice(0, 80)}'`)
  for (const k of ['apiPort', 'mpcTimeoutMs', 'mpcStartTimeoutMs', 'computeTimeoutMs', 'maxBodyBytes', 'ratePerSecond']) {
    if (!Number.isSafeInteger(c[k]) || (c[k] as number) < 0) bad(`${k} must be a non-negative integer`)
  }
  if ((c.apiPort as number) > 65535) bad('apiPort must be ≤ 65535')
  for (const k of TIMEOUT_KEYS) {
    const v = c[k] as number
    if (v < 1 || v > MAX_TIMER_MS) bad(`${k} must be between 1 and ${MAX_TIMER_MS} ms (2^31 - 1, the longest timer), got ${v}`)
  }
  if (!Number.isSafeInteger(c.taskRetentionMs) || (c.taskRetentionMs as number) < 0) bad('taskRetentionMs must be a non-negative integer (ms)')
  if (c.tasksFile !== undefined && typeof c.tasksFile !== 'string') bad('tasksFile must be a path')
  strings(c.circuitDirs, 'circuitDirs')
  for (const o of strings(c.corsOrigins, 'corsOrigins')) if (!isCorsOrigin(o)) bad(`corsOrigins: '${o}' is not '*' or an origin like https://app.example.org`)
  if (typeof c.allowPrivateAddresses !== 'boolean' || typeof c.durable !== 'boolean') bad('allowPrivateAddresses and durable must be booleans')
  return c as unknown as NodeConfig
}

function isHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false
  try {
    const u = new URL(v)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
  } catch {
    return false
  }
}

export async function loadConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    bad(`cannot read ${path}: ${(e as Error).message}`)
  }
  try {
    const v = JSON.parse(text) as unknown
    if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${path} must hold a JSON object`)
    return v as Record<string, unknown>
  } catch (e) {
    if (e instanceof NodeError) throw e
    bad(`${path} is not JSON`)
  }
}
