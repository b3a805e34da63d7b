import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface WithdrawStakeParameters {
  /** Controller address. */
  readonly address: Address
  readonly amount: bigint
}
export type WithdrawStakeReturnType = ControllerWriteResult
export type WithdrawStakeErrorType = ControllerRevertError | ChainRequestError

/** Withdraws stake after going inactive and waiting `withdrawDelay`. Refusals: StillActive, WithdrawTooEarly, AmountExceedsStake. */
export async function withdrawStake(client: ControllerWalletClient, params: WithdrawStakeParameters): Promise<WithdrawStakeReturnType> {
  return writeController('withdrawStake', client, { address: params.address }, 'withdrawStake', [params.amount])
}
