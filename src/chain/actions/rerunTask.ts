import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface RerunTaskParameters {
  /** Controller address. */
  readonly address: Address
  readonly taskId: Hex
  /** A member of the task's committee that is suspended or slashed (what `accuse` / `proveEquivocation` did). */
  readonly culprit: Address
}
export type RerunTaskReturnType = ControllerWriteResult
export type RerunTaskErrorType = ControllerRevertError | ChainRequestError

/**
 * Re-run instead of refund (issue #12, docs/faults.md): anyone (a keeper) returns an Open task to a
 * fresh draw without its suspended or slashed member; `drawCommittee` then draws the new committee.
 * Refusals: UnknownTask, TaskNotOpen, DeadlinePassed, NotCommitteeMember, NotSuspended, TooManyReruns.
 */
export async function rerunTask(client: ControllerWalletClient, params: RerunTaskParameters): Promise<RerunTaskReturnType> {
  return writeController('rerunTask', client, { address: params.address }, 'rerunTask', [params.taskId, params.culprit])
}
