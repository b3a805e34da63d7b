import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface FillInputSlotParameters {
  /** Controller address. */
  readonly address: Address
  readonly taskId: Hex
  /** Index of the slot in the task's input slots. */
  readonly slot: number
  /** Hash of the encrypted share bundle sent to the committee. */
  readonly commitment: Hex
}
export type FillInputSlotReturnType = ControllerWriteResult
export type FillInputSlotErrorType = ControllerRevertError | ChainRequestError

/** The slot's owner records its input commitment. Refusals: NotSlotOwner, SlotAlreadyFilled, DeadlinePassed, TaskNotOpen. */
export async function fillInputSlot(client: ControllerWalletClient, params: FillInputSlotParameters): Promise<FillInputSlotReturnType> {
  return writeController('fillInputSlot', client, { address: params.address }, 'fillInputSlot', [params.taskId, BigInt(params.slot), params.commitment])
}
