import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

/** A task's result callback (docs/controller.md "Callbacks"). */
export interface TaskCallback {
  readonly target: Address
  /** 4-byte selector of a function `(bytes32 taskId, bytes typedOutputs)`. */
  readonly selector: Hex
  /** Gas the callee gets, exactly (≤ MAX_CALLBACK_GAS). */
  readonly gasLimit: number
  /** Cap of the gas price at which the receipt submitter is reimbursed; escrow = gasLimit × this. */
  readonly maxFeePerGas: bigint
}

/** none = the task has no callback; pending = no receipt yet (also after a refund). */
export type CallbackStatus = 'none' | 'pending' | 'succeeded' | 'failed' | 'retry-succeeded' | 'retry-failed'
export const CALLBACK_STATUSES: readonly CallbackStatus[] = ['none', 'pending', 'succeeded', 'failed', 'retry-succeeded', 'retry-failed']

export interface CallbackState extends TaskCallback {
  readonly status: CallbackStatus
}

export const NO_CALLBACK: TaskCallback = { target: '0x0000000000000000000000000000000000000000', selector: '0x00000000', gasLimit: 0, maxFeePerGas: 0n }

/** What a callback adds to the value of `createTask`. */
export const callbackEscrow = (c: Pick<TaskCallback, 'gasLimit' | 'maxFeePerGas'>): bigint => BigInt(c.gasLimit) * c.maxFeePerGas

export interface GetCallbackParameters extends ReadOptions {
  readonly taskId: Hex
}
export type GetCallbackReturnType = CallbackState | null
export type GetCallbackErrorType = ControllerRevertError | ChainRequestError

/** A task's callback and its status; null when the task names none. */
export async function getCallback(client: ControllerReadClient, params: GetCallbackParameters): Promise<GetCallbackReturnType> {
  const [target, selector, gasLimit, maxFeePerGas, status] = await readController<readonly [Address, Hex, number, bigint, number]>(
    'getCallback', client, params, 'callbacks', [params.taskId])
  if (status === 0) return null
  return { target, selector, gasLimit: Number(gasLimit), maxFeePerGas: BigInt(maxFeePerGas), status: CALLBACK_STATUSES[status] ?? 'none' }
}
