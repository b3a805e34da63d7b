/**
 * How `enigma deploy|submit|task|nodes` find the chain: flags first, then environment, then the
 * running devnet's state file. The account comes from --private-key / ENIGMA_PRIVATE_KEY, else the
 * devnet's first client account.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Address, Hex } from 'viem'
import { decodeCircuit, type Circuit } from '../circuit/index.ts'
import { EnigmaError } from '../common/errors.ts'
import { createEnigmaClient, type EnigmaClient } from '../sdk/index.ts'
import { readState, type DevnetState } from './state.ts'
import { nodeApis } from './devnet.ts'
import type { ChainFlags } from './chain-flags.ts'

export interface CliContext {
  readonly client: EnigmaClient
  readonly state: DevnetState | undefined
}

export async function cliContext(f: ChainFlags, needAccount: boolean): Promise<CliContext> {
  const rpc = f.rpc ?? process.env.ENIGMA_RPC_URL
  const controller = f.controller ?? process.env.ENIGMA_CONTROLLER
  let state: DevnetState | undefined
  if (!rpc || !controller || Object.keys(f.nodeApis).length === 0) {
    try {
      state = await readState(f.state)
    } catch (e) {
      if (!rpc || !controller) throw e
    }
  }
  const key = (f.privateKey ?? process.env.ENIGMA_PRIVATE_KEY ?? state?.accounts[0]?.privateKey) as Hex | undefined
  if (key !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(key)) throw new EnigmaError('CLI_USAGE', 'the private key must be 0x + 64 hex digits')
  if (needAccount && !key) throw new EnigmaError('CLI_USAGE', 'no account: pass --private-key or set ENIGMA_PRIVATE_KEY')
  const client = createEnigmaClient({
    rpcUrl: rpc ?? state!.rpcUrl, controller: (controller ?? state!.controller) as Address, chainId: state?.chainId,
    account: key, nodeApis: { ...(state ? nodeApis(state) : {}), ...f.nodeApis },
  })
  return { client, state }
}

/** A circuit by code hash from the devnet's circuit folder. */
export async function circuitByHash(state: DevnetState | undefined, codeHash: string): Promise<Circuit> {
  if (!state) throw new EnigmaError('CLI_USAGE', `cannot find circuit ${codeHash} without a devnet; pass the contract file instead`)
  try {
    return decodeCircuit(new Uint8Array(await readFile(join(state.circuitsDir, `${codeHash.toLowerCase()}.json`))))
  } catch {
    throw new EnigmaError('CLI_USAGE', `circuit ${codeHash} is not in ${state.circuitsDir}; deploy it with \`enigma deploy <contract.ts>\` or pass the contract file`)
  }
}
