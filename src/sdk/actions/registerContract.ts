import type { Hex } from 'viem'
import { getSecretContract } from '../../chain/actions/getSecretContract.ts'
import { registerSecretContract } from '../../chain/actions/registerSecretContract.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import type { SdkError } from '../errors.ts'

export interface RegisterContractParameters {
  /** Code hash of the compiled circuit (`compileContract(...).codeHash`). */
  readonly codeHash: Hex
  /** Declared cost: the fee of every task is priced from it (`cost.totalMultiplications`, `cost.rounds`). */
  readonly multiplications: number | bigint
  readonly rounds: number
  /** Where nodes can fetch the compiled circuit (informational; nodes check the bytes against the hash). */
  readonly uri?: string
}
export interface RegisterContractReturnType {
  readonly codeHash: Hex
  /** False when this account registered the code hash before: entries are immutable, so that is fine. */
  readonly registered: boolean
  readonly transactionHash?: Hex
  readonly gasUsed: bigint
}
export type RegisterContractErrorType = ControllerRevertError | ChainRequestError | SdkError

/**
 * Registers a compiled secret contract on the controller under this account (entries are keyed by
 * code hash and registrant, so nobody can squat a code hash) unless this account already did. Nodes still need the
 * circuit's bytes: on a devnet they read the shared circuit folder; elsewhere a node finds them by
 * code hash through the DHT once one node has them.
 */
export async function registerContract(client: EnigmaClient, params: RegisterContractParameters): Promise<RegisterContractReturnType> {
  const wallet = requireWallet(client, 'registerContract')
  const existing = await getSecretContract(client.public, { address: client.controller, codeHash: params.codeHash, registrant: wallet.account.address })
  if (existing.registered) return { codeHash: params.codeHash, registered: false, gasUsed: 0n }
  const r = await registerSecretContract(wallet, {
    address: client.controller, codeHash: params.codeHash, multiplications: BigInt(params.multiplications), rounds: params.rounds,
    uri: params.uri ?? `enigma:circuit:${params.codeHash}`,
  })
  return { codeHash: params.codeHash, registered: true, transactionHash: r.hash, gasUsed: r.gasUsed }
}
