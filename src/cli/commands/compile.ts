/**
 * `enigma compile <contract.ts> [--param k=v]... [--json]`: compile a secret contract and print its
 * cost report (a public interface: flag names and JSON shape are stable). Also exports the argument
 * parsing and contract loading shared with `enigma run`.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { existsSync, readFileSync } from 'node:fs'
import type { Command } from '../main.ts'
import { EnigmaError, isEnigmaError } from '../../common/errors.ts'
import { choice, CliUsageError, int, params, parseCommandArgs, PARAM_OPTION, SECURITY_CHOICES, str, type OptionSpecs, type ParsedArgs } from '../args.ts'
import type { CostReport } from '../../circuit/cost.ts'
import { compileContract, lintContractSource, SecretConditionError, type Compiled, type Contract } from '../../lang/index.ts'

export const COMPILE_USAGE = `Usage: enigma compile <contract.ts> [--param k=v]... [--nodes N] [--threshold T] [--security semi-honest|malicious] [--json] [--no-lint]

Compiles a secret contract with the given params and prints its cost: gates, multiplications,
comparisons, random bits, rounds and estimated bytes per party for a committee of N nodes (default 5).
It also checks the source for secrets used as JavaScript conditions (if, while, ?:, !, &&, ||);
--no-lint skips that check.

Examples:
  enigma compile examples/millionaires.ts
  enigma compile examples/vickrey-auction.ts --param bidders=8 --nodes 7 --security malicious --json`

export { CliUsageError }

export interface ContractArgs {
  file: string | undefined
  params: Record<string, string>
  json: boolean
  help: boolean
  /** Skip the source check for secrets used as conditions (lint.ts). */
  noLint: boolean
  nodes: number
  threshold: number | undefined
  security: 'semi-honest' | 'malicious'
  /** Flags a caller accepts beyond the common ones: name → value (last wins). */
  extra: Record<string, string>
}

const CONTRACT_OPTIONS: OptionSpecs = {
  ...PARAM_OPTION, 'no-lint': { type: 'boolean' }, nodes: { type: 'string' }, threshold: { type: 'string' }, security: { type: 'string' },
}

/** Parse the flags common to compile and run; `extraFlags` lists flags with a value the caller owns. */
export function parseContractArgs(args: readonly string[], usage: string, extraFlags: readonly string[] = [], moreOptions: OptionSpecs = {}): ContractArgs & { parsed: ParsedArgs } {
  const extraOptions = Object.fromEntries(extraFlags.map((f) => [f.replace(/^--/, ''), { type: 'string' } as const]))
  const p = parseCommandArgs(args, { ...CONTRACT_OPTIONS, ...extraOptions, ...moreOptions }, usage)
  const extra: Record<string, string> = {}
  for (const f of extraFlags) {
    const v = str(p, f.replace(/^--/, ''))
    if (v !== undefined) extra[f] = v
  }
  if (p.positionals.length > 1) throw new CliUsageError(`unexpected argument '${p.positionals[1]}'`, usage)
  const file = p.positionals[0]
  if (!p.help && file === undefined) throw new CliUsageError('missing <contract.ts>', usage)
  return {
    file, params: params(p, usage), json: p.json, help: p.help, noLint: p.values['no-lint'] === true,
    nodes: int('--nodes', str(p, 'nodes'), 1) ?? 5, threshold: int('--threshold', str(p, 'threshold'), 1),
    security: choice('--security', str(p, 'security'), SECURITY_CHOICES, usage) ?? 'semi-honest', extra, parsed: p,
  }
}

/** Check committee parameters: honest majority needs t < n/2 (and n ≥ 3, t ≥ 1). */
export function committee(a: ContractArgs): { nodes: number; threshold: number } {
  const nodes = a.nodes
  const threshold = a.threshold ?? Math.floor((nodes - 1) / 2)
  if (nodes < 3) throw new CliUsageError(`--nodes must be at least 3, got ${nodes}`)
  if (threshold < 1 || 2 * threshold >= nodes) {
    throw new CliUsageError(`--threshold must satisfy 1 ≤ t < nodes/2 (honest majority), got t=${threshold} with ${nodes} nodes`)
  }
  return { nodes, threshold }
}

/** Import a contract module (default export, or the only export made with defineContract). */
export async function loadContract(file: string): Promise<Contract<any, any>> {
  const path = resolve(file)
  if (!existsSync(path)) throw new CliUsageError(`contract file not found: ${file}`)
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(path).href)
  } catch (e) {
    if (isEnigmaError(e)) throw e
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]
    throw new EnigmaError('CONTRACT_LOAD_FAILED', `cannot load ${file}: ${first}`, { cause: e })
  }
  const candidates = [mod.default, ...Object.values(mod)].filter((v) => (v as { kind?: unknown } | null)?.kind === 'enigma-contract')
  if (candidates.length === 0) throw new EnigmaError('CONTRACT_LOAD_FAILED', `${file} exports no contract; write \`export default defineContract({ ... })\``)
  return candidates[0] as Contract<any, any>
}

export async function compileFromArgs(a: ContractArgs): Promise<Compiled> {
  const contract = await loadContract(a.file!)
  const { nodes, threshold } = committee(a)
  return compileContract(contract, a.params, { nodes, threshold, security: a.security })
}

/**
 * The source check (lang/lint.ts): `if (secret)` and friends cannot be caught while tracing, so
 * they are found in the contract's source with the type checker. Throws LANG_SECRET_CONDITION.
 */
export async function lintContractFile(file: string): Promise<void> {
  let diags
  try {
    diags = await lintContractSource(resolve(file), {
      readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
      fileExists: existsSync,
    })
  } catch (e) {
    // `typescript` is a devDependency: without it (a production install) the check cannot run.
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      console.error('enigma: warning: the source check needs the typescript package; skipped (install dev dependencies, or pass --no-lint)')
      return
    }
    throw e
  }
  const d = diags[0]
  if (d) throw new SecretConditionError(`${file}:${d.line}:${d.column}`, d.message, diags.length - 1)
}

export function formatCost(c: CostReport): string {
  const params = Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(' ')
  const rows: [string, string | number][] = [
    ['contract', `${c.contract}${params ? ` (${params})` : ''}`],
    ['code hash', c.codeHash ?? ''],
    ['field', c.field],
    ['inputs / outputs', `${c.inputs} / ${c.outputs} values`],
    ['gates', c.gates],
    ['multiplications', c.multiplications],
    ['comparisons', c.comparisons],
    ['truncations', c.truncations],
    ['divisions', c.divisions],
    ['mults incl. protocols', c.totalMultiplications],
    ['random bits', c.randomBits],
    ['interactive levels', c.levels],
    ['rounds (estimate)', c.rounds],
    [`bytes per party (n=${c.nodes}, t=${c.threshold}, ${c.security})`, c.bytesPerParty],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile a secret contract and print its cost',
  async run(args) {
    const a = parseContractArgs(args, COMPILE_USAGE)
    if (a.help) {
      console.log(COMPILE_USAGE)
      return 0
    }
    const compiled = await compileFromArgs(a)
    if (!a.noLint) await lintContractFile(a.file!)
    console.log(a.json ? JSON.stringify(compiled.cost) : formatCost(compiled.cost))
    return 0
  },
}
