import type { Address, Hex } from 'viem'
import type { Attestation } from '../../node/task-source.ts'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface SubmitReceiptParameters {
  readonly address: Address
  readonly taskId: Hex
  readonly outputHash: Hex
  /** ABI-encoded public outputs, exactly as signed. */
  readonly publicOutputs: Hex
  /** At least t+1 signatures of distinct committee members (src/node/attestation.ts). */
  readonly signatures: readonly Hex[]
}
export type SubmitReceiptReturnType = ControllerWriteResult
export type SubmitReceiptErrorType = ControllerRevertError | ChainRequestError

/**
 * Posts a task's result signed by ≥ t+1 committee members; the caller must be a member. The fee is
 * split among the signers. Refusals: NotCommitteeMember, InvalidSignature, DuplicateSigner,
 * InsufficientSignatures, DeadlinePassed, TaskNotOpen (double receipt), UnknownTask.
 */
export async function submitReceipt(client: ControllerWalletClient, params: SubmitReceiptParameters): Promise<SubmitReceiptReturnType> {
  return writeController('submitReceipt', client, { address: params.address }, 'submitReceipt', [
    params.taskId, params.outputHash, params.publicOutputs, params.signatures,
  ])
}

/** The signatures of a set of attestations of one result, in a stable order. */
export function signaturesOf(attestations: readonly Attestation[]): Hex[] {
  return attestations.map((a) => a.signature)
}
