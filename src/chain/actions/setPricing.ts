import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface SetPricingParameters {
  /** Controller address. */
  readonly address: Address
  readonly baseFee: bigint
  readonly feePerMultiplication: bigint
  readonly feePerRound: bigint
}
export type SetPricingReturnType = ControllerWriteResult
export type SetPricingErrorType = ControllerRevertError | ChainRequestError

/** Owner only: sets the task price parameters (price = base + per multiplication + per round). */
export async function setPricing(client: ControllerWalletClient, params: SetPricingParameters): Promise<SetPricingReturnType> {
  return writeController('setPricing', client, { address: params.address }, 'setPricing', [params.baseFee, params.feePerMultiplication, params.feePerRound])
}
