import type { Address, Hex } from 'viem'
import type { SignedStatement } from '../../node/attestation.ts'
import { InvalidArgumentError } from '../../common/errors.ts'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface ProveEquivocationParameters {
  readonly address: Address
  /** Two statements by one committee member for the same task and label with different content. */
  readonly a: SignedStatement
  readonly b: SignedStatement
}
export type ProveEquivocationReturnType = ControllerWriteResult
export type ProveEquivocationErrorType = ControllerRevertError | ChainRequestError | InvalidArgumentError

/**
 * Self-verifying evidence: slashes a node that signed two different contents for one (task, label),
 * e.g. two different results. No vote; the caller receives the accusers' share. Refusals:
 * NotConflicting, InvalidSignature, NotCommitteeMember, NodeIsSlashed, UnknownTask.
 */
export async function proveEquivocation(client: ControllerWalletClient, params: ProveEquivocationParameters): Promise<ProveEquivocationReturnType> {
  const { a, b } = params
  if (a.taskId !== b.taskId || a.label !== b.label) {
    throw new InvalidArgumentError('proveEquivocation', 'the two statements must have the same task id and label')
  }
  return writeController('proveEquivocation', client, { address: params.address }, 'proveEquivocation', [
    a.taskId, a.label, a.contentHash, a.signature, b.contentHash, b.signature,
  ])
}
