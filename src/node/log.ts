/**
 * Structured logs: one JSON object per line on stderr (or a given sink). Shares and keys never get
 * here: `Secret` values are replaced by their label, byte arrays by their length, so even a careless
 * `log.info('x', { share })` prints `<32 bytes>`, not the share.
 */
import { Secret } from '../common/secret.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
}

function scrub(_key: string, value: unknown): unknown {
  if (value instanceof Secret) return `[Secret ${value.label}]`
  if (value instanceof Uint8Array) return `<${value.length} bytes>`
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) {
    const e = value as Error & { code?: string }
    return { name: e.name, code: e.code, message: e.message.split('\n')[0] }
  }
  return value
}

export function createLogger(options: { level?: LogLevel; sink?: (line: string) => void; base?: Record<string, unknown> } = {}): Logger {
  const min = RANK[options.level ?? ((process.env.ENIGMA_LOG_LEVEL as LogLevel | undefined) ?? 'info')] ?? RANK.info
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'))
  const base = options.base ?? {}
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return
    let line: string
    try {
      line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...base, ...fields }, scrub)
    } catch {
      line = JSON.stringify({ t: new Date().toISOString(), level, msg, note: 'fields not serialisable' })
    }
    sink(line)
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger }
