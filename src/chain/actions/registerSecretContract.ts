import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface RegisterSecretContractParameters {
  /** Controller address. */
  readonly address: Address
  /** keccak-256 of the compiled circuit's canonical encoding. */
  readonly codeHash: Hex
  /** Declared cost from the compiler's report. */
  readonly multiplications: bigint
  readonly rounds: number
  /** Where nodes fetch the compiled contract. */
  readonly uri: string
}
export type RegisterSecretContractReturnType = ControllerWriteResult
export type RegisterSecretContractErrorType = ControllerRevertError | ChainRequestError

/** Registers a compiled secret contract; the caller becomes its owner; entries are immutable. Refusal: ContractAlreadyRegistered. */
export async function registerSecretContract(client: ControllerWalletClient, params: RegisterSecretContractParameters): Promise<RegisterSecretContractReturnType> {
  return writeController('registerSecretContract', client, { address: params.address }, 'registerSecretContract', [params.codeHash, params.multiplications, params.rounds, params.uri])
}
