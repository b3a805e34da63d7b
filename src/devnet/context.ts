/**
 * How `enigma deploy|submit|task|nodes` find the chain. Explicit flags (or ENIGMA_RPC_URL /
 * ENIGMA_CONTROLLER) win; the running devnet's state file fills in only what was not given, and is
 * used at all only when it describes the same chain and controller, so a command pointed at another
 * chain never signs with the devnet's key or writes into the devnet's circuit folder. The account
 * comes from --private-key / --key-file / ENIGMA_PRIVATE_KEY, else (devnet only) its first client
 * account. The chain id comes from --chain-id (checked against the RPC), else the state file, else
 * the RPC itself.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Address, Hex } from 'viem'
import { decodeCircuit, type Circuit } from '../circuit/index.ts'
import { EnigmaError } from '../common/errors.ts'
import { createEnigmaClient, type EnigmaClient } from '../sdk/index.ts'
import { readState, type DevnetState } from './state.ts'
import { nodeApis } from './devnet.ts'
import { connectChain } from './evm-chain.ts'
import { rpcFetch } from '../chain/rpc-fetch.ts'
import type { ChainFlags } from './chain-flags.ts'

export interface CliContext {
  readonly client: EnigmaClient
  /** The devnet's state, when the command talks to that devnet. */
  readonly state: DevnetState | undefined
  /** Folder of compiled circuits: --circuits, else the devnet's. */
  readonly circuitsDir: string | undefined
}

const same = (a: string | undefined, b: string) => a === undefined || a.toLowerCase() === b.toLowerCase()

/** The devnet state, if the flags name no chain or the same chain as the state file. */
async function matchingState(f: ChainFlags, rpc: string | undefined, controller: string | undefined): Promise<DevnetState | undefined> {
  if (rpc === undefined && controller === undefined) return readState(f.state) // throws DEVNET_NOT_RUNNING
  let s: DevnetState
  try {
    s = await readState(f.state)
  } catch {
    return undefined
  }
  return same(rpc, s.rpcUrl.replace(/\/+$/, '')) && same(controller, s.controller) ? s : undefined
}

export async function readKeyFile(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch (e) {
    throw new EnigmaError('CLI_USAGE', `cannot read --key-file ${path}: ${(e as Error).message}`)
  }
}

export async function cliContext(f: ChainFlags, needAccount: boolean): Promise<CliContext> {
  const rpc = (f.rpc ?? process.env.ENIGMA_RPC_URL)?.replace(/\/+$/, '')
  const controller = f.controller ?? process.env.ENIGMA_CONTROLLER
  const state = await matchingState(f, rpc, controller)
  if (!state && (!rpc || !controller)) throw new EnigmaError('CLI_USAGE', 'pass both --rpc and --controller (the devnet state file names another chain)')
  if (f.privateKey !== undefined && f.keyFile !== undefined) throw new EnigmaError('CLI_USAGE', 'pass --private-key or --key-file, not both')
  const key = (f.privateKey ?? (f.keyFile !== undefined ? await readKeyFile(f.keyFile) : undefined) ?? process.env.ENIGMA_PRIVATE_KEY ?? state?.accounts[0]?.privateKey) as Hex | undefined
  if (key !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(key)) throw new EnigmaError('CLI_USAGE', 'the private key must be 0x + 64 hex digits')
  if (needAccount && !key) throw new EnigmaError('CLI_USAGE', 'no account: pass --private-key or --key-file, or set ENIGMA_PRIVATE_KEY')
  const rpcUrl = rpc ?? state!.rpcUrl
  const chainId = f.chainId !== undefined || !state ? (await connectChain({ rpcUrl, chainId: f.chainId })).chainId : state.chainId
  const client = createEnigmaClient({
    rpcUrl, controller: (controller ?? state!.controller) as Address, chainId,
    records: (f.records ?? process.env.ENIGMA_RECORDS ?? state?.records) as Address | undefined,
    stateContract: (f.stateContract ?? process.env.ENIGMA_STATE_CONTRACT ?? state?.stateContract) as Address | undefined,
    account: key, nodeApis: { ...(state ? nodeApis(state) : {}), ...f.nodeApis },
    fromBlock: state?.fromBlock !== undefined ? BigInt(state.fromBlock) : undefined,
    fetchFn: rpcFetch(),
  })
  return { client, state, circuitsDir: f.circuits ?? state?.circuitsDir }
}

/** A circuit by code hash from the circuit folder (--circuits or the devnet's). */
export async function circuitByHash(circuitsDir: string | undefined, codeHash: string): Promise<Circuit> {
  if (!circuitsDir) throw new EnigmaError('CLI_USAGE', `cannot find circuit ${codeHash} without a circuit folder; pass --circuits DIR or the contract file instead`)
  try {
    return decodeCircuit(new Uint8Array(await readFile(join(circuitsDir, `${codeHash.toLowerCase()}.json`))))
  } catch {
    throw new EnigmaError('CLI_USAGE', `circuit ${codeHash} is not in ${circuitsDir}; deploy it with \`enigma deploy <contract.ts>\` or pass the contract file`)
  }
}
