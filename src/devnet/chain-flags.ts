/**
 * Chain flags shared by `enigma deploy|submit|task|nodes`. Kept free of heavy imports: the CLI loads
 * this file at start-up, the chain and SDK only when a command runs.
 */
import { EnigmaError } from '../common/errors.ts'

export interface ChainFlags {
  rpc?: string
  controller?: string
  privateKey?: string
  /** File holding the private key (0x + 64 hex digits), so it stays out of argv and shell history. */
  keyFile?: string
  /** Expected chain id; checked against the RPC. */
  chainId?: number
  /** Where compiled circuits go (`deploy`) and are read by code hash (`submit <codeHash>`). */
  circuits?: string
  state?: string
  nodeApis: Record<string, string>
}

export const CHAIN_FLAGS_USAGE = `Chain options (default: the running devnet, .enigma/devnet.json):
  --rpc URL  --controller ADDRESS  --chain-id N (checked against the RPC)  --state FILE
  --private-key 0x… | --key-file FILE (or ENIGMA_PRIVATE_KEY)  --circuits DIR (compiled circuits)
  Explicit --rpc/--controller win: the devnet state file is then used only if it names the same chain.
  --node-api PEERID_OR_ACCOUNT=URL (repeatable; where a node's client API is)`

/** Consumes chain flags from `args` (in place); returns them. */
export function takeChainFlags(args: string[]): ChainFlags {
  const f: ChainFlags = { nodeApis: {} }
  for (let i = 0; i < args.length;) {
    const a = args[i]!
    const eq = a.indexOf('=')
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a
    const known = ['--rpc', '--controller', '--private-key', '--key-file', '--chain-id', '--circuits', '--state', '--node-api']
    if (!known.includes(flag)) { i++; continue }
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined
    const v = inline ?? args[i + 1]
    if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new EnigmaError('CLI_USAGE', `${flag} needs a value`)
    args.splice(i, inline === undefined ? 2 : 1)
    if (flag === '--rpc') f.rpc = v
    else if (flag === '--controller') f.controller = v
    else if (flag === '--private-key') f.privateKey = v
    else if (flag === '--key-file') f.keyFile = v
    else if (flag === '--circuits') f.circuits = v
    else if (flag === '--chain-id') {
      if (!/^[1-9][0-9]{0,15}$/.test(v)) throw new EnigmaError('CLI_USAGE', `--chain-id must be a positive integer, got '${v}'`)
      f.chainId = Number(v)
    }
    else if (flag === '--state') f.state = v
    else {
      const m = /^([^=]+)=(https?:\/\/.+)$/.exec(v)
      if (!m) throw new EnigmaError('CLI_USAGE', `--node-api expects PEERID_OR_ACCOUNT=URL, got '${v}'`)
      f.nodeApis[m[1]!] = m[2]!
    }
  }
  return f
}

