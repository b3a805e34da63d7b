import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface RefundTaskParameters {
  /** Controller address. */
  readonly address: Address
  readonly taskId: Hex
}
export type RefundTaskReturnType = ControllerWriteResult
export type RefundTaskErrorType = ControllerRevertError | ChainRequestError

/** After the deadline without a receipt, anyone credits the fee back to the creator. Refusal: DeadlineNotReached. */
export async function refundTask(client: ControllerWalletClient, params: RefundTaskParameters): Promise<RefundTaskReturnType> {
  return writeController('refundTask', client, { address: params.address }, 'refundTask', [params.taskId])
}
