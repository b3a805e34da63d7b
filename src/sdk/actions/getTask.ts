import type { Address, Hex } from 'viem'
import { getContractEvents } from 'viem/actions'
import { getTask as chainGetTask, type TaskStatus } from '../../chain/actions/getTask.ts'
import { enigmaControllerAbi } from '../../chain/generated/EnigmaController.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import type { CommitteeMember, SecurityMode } from '../../node/task-source.ts'
import type { EnigmaClient } from '../client.ts'
import type { SdkError } from '../errors.ts'
import { currentCommittee, taskInfo } from '../internal/task-info.ts'

export interface GetTaskParameters {
  readonly taskId: Hex
}
export interface GetTaskReturnType {
  readonly taskId: Hex
  readonly status: TaskStatus
  readonly codeHash: Hex
  readonly creator: Address
  readonly params: Readonly<Record<string, number>>
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly fee: bigint
  readonly deadline: bigint
  readonly committee: readonly CommitteeMember[]
  /** Every slot with its owner and on-chain commitment (undefined = not filled yet). */
  readonly slots: readonly { readonly name: string; readonly owner: Address; readonly commitment: Hex | undefined }[]
}
export type GetTaskErrorType = ControllerRevertError | ChainRequestError | SdkError

/** A task as the chain knows it: status, committee, and who has filled which slot. */
export async function getTask(client: EnigmaClient, params: GetTaskParameters): Promise<GetTaskReturnType> {
  const info = await taskInfo(client, params.taskId)
  const now = await chainGetTask(client.public, { address: client.controller, taskId: params.taskId })
  // The controller keeps only a filled-bitmap; commitments are in the InputCommitted events.
  const inputs = await getContractEvents(client.public, {
    address: client.controller, abi: enigmaControllerAbi, eventName: 'InputCommitted', args: { taskId: params.taskId },
    fromBlock: info.createdIn.blockNumber, toBlock: 'latest',
  })
  const commitments = new Map(inputs.map((l) => { const a = l.args as { slot: bigint; commitment: Hex }; return [Number(a.slot), a.commitment] }))
  return {
    taskId: info.taskId, status: now.status, codeHash: info.codeHash, creator: info.creator, params: info.params, n: info.n, t: info.t,
    security: info.security, fee: info.fee, deadline: info.deadline, committee: await currentCommittee(client, info),
    slots: info.slots.map((s, i) => ({ name: s.name, owner: s.owner, commitment: commitments.get(i) })),
  }
}
