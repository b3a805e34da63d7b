import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface WithdrawCreditsParameters {
  /** Controller address. */
  readonly address: Address

}
export type WithdrawCreditsReturnType = ControllerWriteResult
export type WithdrawCreditsErrorType = ControllerRevertError | ChainRequestError

/** Pays out the caller's credits (fees earned, refunds, slash shares). Refusal: NothingToWithdraw. */
export async function withdrawCredits(client: ControllerWalletClient, params: WithdrawCreditsParameters): Promise<WithdrawCreditsReturnType> {
  return writeController('withdrawCredits', client, { address: params.address }, 'withdrawCredits', [])
}
