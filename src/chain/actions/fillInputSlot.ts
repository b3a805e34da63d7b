import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { slotProof } from '../merkle.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface FillInputSlotParameters {
  /** Controller address. */
  readonly address: Address
  readonly taskId: Hex
  /** Index of the slot in the task's input slots. */
  readonly slot: number
  /** Every slot owner in slot order (from TaskCreated): the Merkle proof is built from them … */
  readonly owners?: readonly Address[]
  /** … or the proof itself (src/chain/merkle.ts `slotProof`). */
  readonly proof?: readonly Hex[]
  /** Hash of the encrypted share bundle sent to the committee. */
  readonly commitment: Hex
}
export type FillInputSlotReturnType = ControllerWriteResult
export type FillInputSlotErrorType = ControllerRevertError | ChainRequestError

/**
 * The slot's owner records its input commitment, proving ownership against the task's Merkle root.
 * Refusals: NotSlotOwner, SlotAlreadyFilled, InvalidSlot, ZeroCommitment, DeadlinePassed, TaskNotOpen.
 */
export async function fillInputSlot(client: ControllerWalletClient, params: FillInputSlotParameters): Promise<FillInputSlotReturnType> {
  const proof = params.proof ?? (params.owners && params.slot >= 0 && params.slot < params.owners.length ? slotProof(params.owners, params.slot) : [])
  return writeController('fillInputSlot', client, { address: params.address }, 'fillInputSlot', [params.taskId, BigInt(params.slot), proof, params.commitment])
}
