import type { Address, Hex } from 'viem'
import type { SecurityMode } from '../../node/task-source.ts'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export type TaskStatus = 'none' | 'open' | 'completed' | 'refunded'
const STATUSES: readonly TaskStatus[] = ['none', 'open', 'completed', 'refunded']

export interface GetTaskParameters extends ReadOptions {
  readonly taskId: Hex
}
export interface OnChainTask {
  readonly status: TaskStatus
  readonly codeHash: Hex
  readonly paramsHash: Hex
  readonly seed: Hex
  readonly creator: Address
  readonly fee: bigint
  readonly deadline: bigint
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly committee: readonly Address[]
  /** Slot owners and commitments (zero hash = not filled); slot names are in the TaskCreated event. */
  readonly slots: readonly { readonly owner: Address; readonly commitment: Hex }[]
}
export type GetTaskReturnType = OnChainTask
export type GetTaskErrorType = ControllerRevertError | ChainRequestError

/** A task's on-chain record (status 'none' for an unknown id). */
export async function getTask(client: ControllerReadClient, params: GetTaskParameters): Promise<GetTaskReturnType> {
  const t = await readController<{
    codeHash: Hex; paramsHash: Hex; seed: Hex; creator: Address; fee: bigint; deadline: bigint; n: number; t: number
    securityMode: number; status: number; committee: readonly Address[]; slots: readonly { owner: Address; commitment: Hex }[]
  }>('getTask', client, params, 'getTask', [params.taskId])
  return {
    status: STATUSES[t.status] ?? 'none', codeHash: t.codeHash, paramsHash: t.paramsHash, seed: t.seed, creator: t.creator,
    fee: t.fee, deadline: BigInt(t.deadline), n: t.n, t: t.t, security: t.securityMode === 1 ? 'malicious' : 'semi-honest',
    committee: t.committee, slots: t.slots.map((s) => ({ owner: s.owner, commitment: s.commitment })),
  }
}
