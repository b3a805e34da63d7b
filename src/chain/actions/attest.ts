import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface AttestParameters {
  readonly address: Address
  readonly taskId: Hex
  /** Receipt attestations (src/node/attestation.ts) of the accepted result by members not yet counted. */
  readonly signatures: readonly Hex[]
}
export type AttestReturnType = ControllerWriteResult
export type AttestErrorType = ControllerRevertError | ChainRequestError

/**
 * Adds late co-signatures of a completed task's result during the attestation window; every member
 * counted by the end of the window is paid the same. Anyone may submit. Refusals: WindowClosed,
 * TaskNotOpen, NotCommitteeMember (also: a signature over another result), InvalidSignature, NodeIsSlashed.
 */
export async function attest(client: ControllerWalletClient, params: AttestParameters): Promise<AttestReturnType> {
  return writeController('attest', client, { address: params.address }, 'attest', [params.taskId, params.signatures])
}
