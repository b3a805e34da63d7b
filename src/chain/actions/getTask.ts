import type { Address, Hex } from 'viem'
import type { SecurityMode } from '../../node/task-source.ts'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'
import { getCallback, type CallbackState } from './getCallback.ts'

/** pending = committee not drawn yet; completed = receipt accepted; settled = fee paid out. */
export type TaskStatus = 'none' | 'pending' | 'open' | 'completed' | 'settled' | 'refunded'
const STATUSES: readonly TaskStatus[] = ['none', 'pending', 'open', 'completed', 'settled', 'refunded']

export interface GetTaskParameters extends ReadOptions {
  readonly taskId: Hex
}
export interface OnChainTask {
  readonly status: TaskStatus
  readonly codeHash: Hex
  readonly paramsHash: Hex
  /** Merkle root of the slot owners (src/chain/merkle.ts); names and owners are in TaskCreated. */
  readonly slotRoot: Hex
  readonly slotCount: number
  /** Zero until the committee is drawn. */
  readonly seed: Hex
  readonly resultHash: Hex
  readonly creator: Address
  /** Escrowed (refundable) part of the fee. */
  readonly fee: bigint
  readonly deadline: bigint
  readonly drawBlock: bigint
  readonly completedAt: bigint
  /** Bitmap of the committee members counted as attesters (bit i = member i). */
  readonly attesters: number
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  /** Empty until the committee is drawn. */
  readonly committee: readonly Address[]
  /** The result callback and its status (docs/controller.md "Callbacks"); null when the task has none. */
  readonly callback: CallbackState | null
}
export type GetTaskReturnType = OnChainTask
export type GetTaskErrorType = ControllerRevertError | ChainRequestError

/** A task's on-chain record (status 'none' for an unknown id). */
export async function getTask(client: ControllerReadClient, params: GetTaskParameters): Promise<GetTaskReturnType> {
  const [t, callback] = await Promise.all([readController<{
    codeHash: Hex; paramsHash: Hex; slotRoot: Hex; seed: Hex; resultHash: Hex; creator: Address; fee: bigint; deadline: bigint
    drawBlock: bigint; completedAt: bigint; slotCount: number; attesters: number; n: number; t: number
    securityMode: number; status: number; committee: readonly Address[]
  }>('getTask', client, params, 'getTask', [params.taskId]), getCallback(client, params)])
  return {
    status: STATUSES[t.status] ?? 'none', codeHash: t.codeHash, paramsHash: t.paramsHash, slotRoot: t.slotRoot, slotCount: Number(t.slotCount),
    seed: t.seed, resultHash: t.resultHash, creator: t.creator, fee: t.fee, deadline: BigInt(t.deadline), drawBlock: BigInt(t.drawBlock),
    completedAt: BigInt(t.completedAt), attesters: Number(t.attesters), n: t.n, t: t.t,
    security: t.securityMode === 1 ? 'malicious' : 'semi-honest', committee: t.committee, callback,
  }
}
