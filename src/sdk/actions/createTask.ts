import type { Address, Hex } from 'viem'
import { getBlock } from 'viem/actions'
import { createTask as chainCreateTask } from '../../chain/actions/createTask.ts'
import { quoteTask } from '../../chain/actions/quoteTask.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import type { CommitteeMember, SecurityMode } from '../../node/task-source.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { taskInfo } from '../internal/task-info.ts'

export interface CreateTaskParameters {
  readonly codeHash: Hex
  /** The public parameters the circuit was compiled with (e.g. `{ bidders: 5 }`). */
  readonly params?: Readonly<Record<string, number>>
  /** Committee size and threshold (default 5 and 2). */
  readonly n?: number
  readonly t?: number
  readonly security?: SecurityMode
  /** One entry per slot: a whole input ("alice") or one element ("bids[3]"), and who may fill it. */
  readonly inputSlots: readonly { readonly name: string; readonly owner: Address }[]
  /** Seconds from the latest block until the deadline (default 600). */
  readonly deadlineSeconds?: number
  /** Fee in wei (default: the controller's quote). */
  readonly fee?: bigint
}
export interface CreateTaskReturnType {
  readonly taskId: Hex
  readonly transactionHash: Hex
  readonly gasUsed: bigint
  readonly fee: bigint
  readonly deadline: bigint
  /** Members in party order, with their encryption keys (from the node registry). */
  readonly committee: readonly CommitteeMember[]
}
export type CreateTaskErrorType = ControllerRevertError | ChainRequestError | SdkError

/** Creates a task, paying the quoted fee (escrowed by the controller until a receipt or a refund). */
export async function createTask(client: EnigmaClient, params: CreateTaskParameters): Promise<CreateTaskReturnType> {
  const wallet = requireWallet(client, 'createTask')
  const n = params.n ?? 5
  const t = params.t ?? Math.floor((n - 1) / 2)
  if (params.inputSlots.length === 0) throw new SdkError('SDK_INPUT_INVALID', 'createTask: a task needs at least one input slot')
  const fee = params.fee ?? (await quoteTask(client.public, { address: client.controller, codeHash: params.codeHash }))
  const now = (await getBlock(client.public, { blockTag: 'latest' })).timestamp
  // Chain time, not wall time: a devnet whose clock was advanced must still accept the deadline.
  const deadline = now + BigInt(params.deadlineSeconds ?? 600)
  const r = await chainCreateTask(wallet, {
    address: client.controller, codeHash: params.codeHash, params: params.params ?? {}, n, t,
    security: params.security ?? 'malicious', inputSlots: params.inputSlots, deadline, fee,
  })
  const info = await taskInfo(client, r.taskId)
  return { taskId: r.taskId, transactionHash: r.hash, gasUsed: r.gasUsed, fee, deadline, committee: info.committee }
}
