import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface AccuseParameters {
  readonly address: Address
  readonly taskId: Hex
  readonly accused: Address
  readonly reason: Hex
  /** Accusation signatures (src/node/attestation.ts `signAccusation`) of ≥ t+1 other committee members. */
  readonly signatures: readonly Hex[]
}
export type AccuseReturnType = ControllerWriteResult
export type AccuseErrorType = ControllerRevertError | ChainRequestError

/**
 * Slashes a committee member on the vote of ≥ t+1 other members of its committee (an honest majority
 * can always produce it; t corrupt members never can). Anyone may submit. Refusals: UnknownTask,
 * NotCommitteeMember, NodeIsSlashed (double slashing), AccusedCannotSign, InvalidSignature,
 * DuplicateSigner, InsufficientSignatures.
 */
export async function accuse(client: ControllerWalletClient, params: AccuseParameters): Promise<AccuseReturnType> {
  return writeController('accuse', client, { address: params.address }, 'accuse', [params.taskId, params.accused, params.reason, params.signatures])
}
