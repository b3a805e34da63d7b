/**
 * Structured logs on `pino` (issue #13 §5: the logger operators already ship to their collectors):
 * one JSON object per line on stderr (or a given sink), `{"level":"info","t":"<ISO time>",…,"msg":…}`.
 *
 * Shares and keys never get here. Every field object (call fields, child bindings, base fields) goes
 * through `scrub` in pino's formatters before serialisation: a `Secret` anywhere in it becomes its
 * label, byte arrays their length, errors their name/code/first line, so even a careless
 * `log.info('x', { share })` prints `<32 bytes>`, not the share. Field names that only ever hold key
 * material are redacted by pino on top (defence in depth, e.g. a hex private key in a plain string).
 */
import { pino, type Logger as PinoLogger } from 'pino'
import { Secret } from '../common/secret.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
}

/** Field names whose values are key material whatever their type. */
export const REDACTED_KEYS: readonly string[] = ['privateKey', 'accountKey', 'secretKey', 'passphrase', 'mnemonic', 'seedPhrase']
const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`])

const MAX_DEPTH = 8

/** A log-safe copy of a value: secrets, bytes, bigints and errors replaced; cycles and depth cut. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value instanceof Secret) return `[Secret ${value.label}]`
  if (value instanceof Uint8Array) return `<${value.length} bytes>`
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'function' || typeof value === 'symbol') return undefined
  if (value instanceof Error) {
    const e = value as Error & { code?: string }
    return { name: e.name, code: e.code, message: e.message.split('\n')[0] }
  }
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return '[circular]'
  if (depth >= MAX_DEPTH) return '[too deep]'
  seen.add(value)
  const out: unknown = Array.isArray(value)
    ? value.map((v) => scrub(v, depth + 1, seen))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1, seen)]))
  seen.delete(value)
  return out
}
function envLevel(): LogLevel {
  const l = process.env.ENIGMA_LOG_LEVEL as LogLevel | undefined
  return l !== undefined && LEVELS.includes(l) ? l : 'info'
}

const scrubFields = (o: Record<string, unknown>) => scrub(o) as Record<string, unknown>

function wrap(p: PinoLogger): Logger {
  // A message is a string by type; anything else is made log-safe first (a Secret there would throw).
  const text = (m: unknown) => (typeof m === 'string' ? m : JSON.stringify(scrub(m)))
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (fields === undefined) p[level](text(msg))
    else p[level](fields, text(msg))
  }
  // pino serialises child bindings once, at child(), without its formatters: scrub them here.
  // pino serialises child bindings once, at child(), without its formatters: scrub them here.
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => wrap(p.child(scrubFields(fields))) }
}

export function createLogger(options: { level?: LogLevel; sink?: (line: string) => void; base?: Record<string, unknown> } = {}): Logger {
  const sink = options.sink
  // Synchronous stderr: the last lines before a crash or an exit are the ones that matter.
  const stream = sink ? { write: (s: string) => sink(s.endsWith('\n') ? s.slice(0, -1) : s) } : pino.destination({ dest: 2, sync: true })
  const p = pino({
    level: options.level ?? envLevel(),
    base: scrubFields(options.base ?? {}),
    messageKey: 'msg',
    timestamp: () => `,"t":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }), bindings: scrubFields, log: scrubFields },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // `scrub` already made errors { name, code, message } (no stack: paths and values stay out).
    serializers: { err: (e: unknown) => e },
  }, stream)
  return wrap(p)
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger }
