/**
 * The chain options of `enigma deploy|submit|task|nodes` for the one parser (args.ts): where the
 * controller is and who signs. Default: the running devnet's state file (.enigma/devnet.json).
 */
import type { ChainFlags } from '../devnet/chain-flags.ts'
import { CliUsageError, list, str, type OptionSpecs, type ParsedArgs } from './args.ts'

export const CHAIN_OPTIONS: OptionSpecs = {
  rpc: { type: 'string' }, controller: { type: 'string' }, records: { type: 'string' }, 'state-contract': { type: 'string' }, 'private-key': { type: 'string' }, 'key-file': { type: 'string' },
  'chain-id': { type: 'string' }, circuits: { type: 'string' }, state: { type: 'string' },
  'node-api': { type: 'string', multiple: true },
}

export function chainFlagsOf(p: ParsedArgs, usage?: string): ChainFlags {
  const nodeApis: Record<string, string> = {}
  for (const v of list(p, 'node-api')) {
    const m = /^([^=]+)=(https?:\/\/.+)$/.exec(v)
    if (!m) throw new CliUsageError(`--node-api expects PEERID_OR_ACCOUNT=URL, got '${v}'`, usage)
    nodeApis[m[1]!] = m[2]!
  }
  const f: ChainFlags = { nodeApis }
  const rpc = str(p, 'rpc'), controller = str(p, 'controller'), privateKey = str(p, 'private-key'), state = str(p, 'state')
  if (rpc !== undefined) f.rpc = rpc
  if (controller !== undefined) f.controller = controller
  const records = str(p, 'records')
  if (records !== undefined) f.records = records
  const stateContract = str(p, 'state-contract')
  if (stateContract !== undefined) f.stateContract = stateContract
  if (privateKey !== undefined) f.privateKey = privateKey
  if (state !== undefined) f.state = state
  const keyFile = str(p, 'key-file'), chainId = str(p, 'chain-id'), circuits = str(p, 'circuits')
  if (keyFile !== undefined) f.keyFile = keyFile
  if (circuits !== undefined) f.circuits = circuits
  if (chainId !== undefined) {
    if (!/^[1-9][0-9]{0,15}$/.test(chainId)) throw new CliUsageError(`--chain-id must be a positive integer, got '${chainId}'`, usage)
    f.chainId = Number(chainId)
  }
  if (f.privateKey !== undefined && f.keyFile !== undefined) throw new CliUsageError('pass --private-key or --key-file, not both', usage)
  return f
}
