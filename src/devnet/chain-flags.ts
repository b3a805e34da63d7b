/**
 * Chain flags shared by `enigma deploy|submit|task|nodes`. Kept free of heavy imports: the CLI loads
 * this file at start-up, the chain and SDK only when a command runs.
 */

export interface ChainFlags {
  rpc?: string
  controller?: string
  /** The records contract (EnigmaRecords) beside the controller. */
  records?: string
  /** The state contract (EnigmaState) beside the controller. */
  stateContract?: string
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
  --rpc URL  --controller ADDRESS  --records ADDRESS  --state-contract ADDRESS  --chain-id N (checked against the RPC)  --state FILE
  --private-key 0x… | --key-file FILE (or ENIGMA_PRIVATE_KEY)  --circuits DIR (compiled circuits)
  Explicit --rpc/--controller win: the devnet state file is then used only if it names the same chain.
  --node-api PEERID_OR_ACCOUNT=URL (repeatable; where a node's client API is)`
