/**
 * What `enigma store|grant|revoke|delete|records` share: the record id argument, the contract a grant
 * names (a file, an example name or a code hash, with --param), and JSON output with bigints.
 */
import type { Hex } from 'viem'
import { CliUsageError, params, type ParsedArgs } from '../args.ts'

export const bigintJson = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)

export function recordIdArg(p: ParsedArgs, usage: string): Hex {
  const rest = p.positionals
  if (rest.length !== 1) throw new CliUsageError(rest.length === 0 ? 'missing <recordId>' : `unexpected argument '${rest[1]}'`, usage)
  if (!/^0x[0-9a-fA-F]{64}$/.test(rest[0]!)) throw new CliUsageError(`record id must be 0x + 64 hex digits, got '${rest[0]!.slice(0, 80)}'`, usage)
  return rest[0]!.toLowerCase() as Hex
}

export function addressArg(flag: string, v: string | undefined, usage: string): Hex | undefined {
  if (v === undefined) return undefined
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new CliUsageError(`${flag} must be an address (0x + 40 hex digits), got '${v.slice(0, 80)}'`, usage)
  return v as Hex
}

/** The code hash a grant names: given as such, or compiled from a contract file / example with --param. */
export async function grantCodeHash(p: ParsedArgs, contract: string | undefined, usage: string): Promise<Hex> {
  if (contract === undefined) throw new CliUsageError('missing --contract <contract.ts|example-name|codeHash>', usage)
  const ps = params(p, usage)
  if (/^0x[0-9a-fA-F]{64}$/.test(contract)) {
    if (Object.keys(ps).length > 0) throw new CliUsageError('--param goes with a contract file, not a code hash', usage)
    return contract.toLowerCase() as Hex
  }
  const { compileFile, contractPath } = await import('../../devnet/contracts.ts')
  return (await compileFile(contractPath(contract), ps)).codeHash as Hex
}
