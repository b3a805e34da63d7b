import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface StakeParameters {
  /** Controller address. */
  readonly address: Address
  /** Wei to add to the deposit. */
  readonly amount: bigint
}
export type StakeReturnType = ControllerWriteResult
export type StakeErrorType = ControllerRevertError | ChainRequestError

/** Adds to the node's deposit. Refusals: ZeroAmount, NotRegistered, NodeIsSlashed. */
export async function stake(client: ControllerWalletClient, params: StakeParameters): Promise<StakeReturnType> {
  return writeController('stake', client, { address: params.address, value: params.amount }, 'stake', [])
}
