/**
 * The one argument parser of every `enigma` command: Node's `util.parseArgs` (strict), with its
 * errors turned into one `CLI_USAGE` line that carries the command's usage, and the few value checks
 * commands share (integers, name=value params, choices). `--help`/`-h` and `--json` are known to every
 * command.
 */
import { parseArgs } from 'node:util'
import { EnigmaError } from '../common/errors.ts'

export class CliUsageError extends EnigmaError {
  override name = 'CliUsageError'
  constructor(what: string, usage?: string) {
    super('CLI_USAGE', what, usage ? { details: usage } : {})
  }
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly multiple?: boolean
  readonly short?: string
}
export type OptionSpecs = Readonly<Record<string, OptionSpec>>

export interface ParsedArgs {
  /** Option name (without dashes) → value; `multiple` options give arrays. */
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>
  readonly positionals: readonly string[]
  readonly help: boolean
  readonly json: boolean
}

const COMMON: OptionSpecs = { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } }

/** What util.parseArgs says, as the message the CLI has always printed. */
function usageMessage(e: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^'\s]+)/.exec(e.message)?.[1]?.split('=')[0]
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option ${flag ?? e.message}`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const long = /--[A-Za-z0-9-]+/.exec(e.message)?.[0]
      return /argument missing|ambiguous/.test(e.message) ? `${long ?? flag} needs a value` : `${long ?? flag}: ${e.message}`
    }
    default: return e.message
  }
}

export function parseCommandArgs(args: readonly string[], options: OptionSpecs, usage: string): ParsedArgs {
  let r
  try {
    r = parseArgs({ args: [...args], options: { ...COMMON, ...options }, allowPositionals: true, strict: true })
  } catch (e) {
    if (e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw new CliUsageError(usageMessage(e), usage)
    throw e
  }
  const values = r.values as ParsedArgs['values']
  return { values, positionals: r.positionals, help: values.help === true, json: values.json === true }
}

/** The string value of an option, or undefined (the last one if it was given twice). */
export function str(p: ParsedArgs, name: string): string | undefined {
  const v = p.values[name]
  const last = Array.isArray(v) ? v[v.length - 1] : v
  return typeof last === 'string' ? last : undefined
}

/** Every value of a `multiple` string option, in order. */
export function list(p: ParsedArgs, name: string): string[] {
  const v = p.values[name]
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string')
}

export function int(flag: string, v: string | undefined, min: number, usage?: string): number | undefined {
  if (v === undefined) return undefined
  if (!/^[0-9]+$/.test(v) || Number(v) < min) throw new CliUsageError(`${flag} must be an integer ≥ ${min}, got '${v}'`, usage)
  return Number(v)
}

export function choice<T extends string>(flag: string, v: string | undefined, choices: readonly T[], usage?: string): T | undefined {
  if (v === undefined) return undefined
  if (!(choices as readonly string[]).includes(v)) throw new CliUsageError(`${flag} must be ${choices.join(' or ')}, got '${v}'`, usage)
  return v as T
}

/** `--param name=value` (repeatable) → { name: value }. */
export function params(p: ParsedArgs, usage?: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const kv of list(p, 'param')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(kv)
    if (!m) throw new CliUsageError(`--param expects name=value, got '${kv}'`, usage)
    out[m[1]!] = m[2]!
  }
  return out
}

export const PARAM_OPTION: OptionSpecs = { param: { type: 'string', multiple: true, short: 'p' } }
export const SECURITY_CHOICES = ['semi-honest', 'malicious'] as const
