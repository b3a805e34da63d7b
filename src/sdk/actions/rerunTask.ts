import type { Address, Hex } from 'viem'
import { rerunTask as chainRerunTask } from '../../chain/actions/rerunTask.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'

export interface RerunTaskParameters {
  readonly taskId: Hex
  /** The suspended or slashed committee member the new draw leaves out. */
  readonly culprit: Address
}
export interface RerunTaskReturnType {
  readonly transactionHash: Hex
  readonly gasUsed: bigint
}
export type RerunTaskErrorType = SdkError | ControllerRevertError | ChainRequestError

/**
 * Re-run instead of refund (issue #12, docs/faults.md): the step the nodes' keepers take, open to anyone
 * — sends an Open task whose committee member is suspended or slashed back to a fresh draw without it.
 * The draw itself is `drawCommittee` once the draw block is mined. Refusals: TaskNotOpen, DeadlinePassed,
 * NotCommitteeMember, NotSuspended, TooManyReruns.
 */
export async function rerunTask(client: EnigmaClient, params: RerunTaskParameters): Promise<RerunTaskReturnType> {
  const wallet = requireWallet(client, 'rerunTask')
  const r = await chainRerunTask(wallet, { address: client.controller, taskId: params.taskId, culprit: params.culprit })
  return { transactionHash: r.hash, gasUsed: r.gasUsed }
}
