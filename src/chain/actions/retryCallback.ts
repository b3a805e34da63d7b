import { parseEventLogs, type Address, type Hex } from 'viem'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { ChainDataError, type ChainRequestError, type ControllerRevertError } from '../errors.ts'
import { controllerLogs, writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'
import { CALLBACK_STATUSES, type CallbackStatus } from './getCallback.ts'

export interface RetryCallbackParameters {
  /** Controller address. */
  readonly address: Address
  readonly taskId: Hex
  /** The accepted result, exactly as in `TaskCompleted` (checked against the task's result hash). */
  readonly outputHash: Hex
  readonly publicOutputs: Hex
}
export interface RetryCallbackReturnType extends ControllerWriteResult {
  readonly status: Extract<CallbackStatus, 'retry-succeeded' | 'retry-failed'>
  /** Revert data of the callee (at most MAX_CALLBACK_REASON bytes), '0x' on success. */
  readonly reason: Hex
}
export type RetryCallbackErrorType = ControllerRevertError | ChainRequestError

/**
 * Runs a failed callback once more; anyone may, once, during the attestation window after the
 * receipt; the caller pays the gas. Refusals: CallbackNotRetryable (none, pending, succeeded or
 * already retried), WindowClosed, ResultMismatch, InsufficientCallbackGas, ReentrancyGuardReentrantCall.
 */
export async function retryCallback(client: ControllerWalletClient, params: RetryCallbackParameters): Promise<RetryCallbackReturnType> {
  const result = await writeController('retryCallback', client, { address: params.address }, 'retryCallback', [
    params.taskId, params.outputHash, params.publicOutputs,
  ])
  const [log] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'CallbackResult', logs: controllerLogs(result.receipt.logs, params.address) })
  if (!log) throw new ChainDataError('retryCallback', `no CallbackResult event in ${result.hash}`)
  const status = CALLBACK_STATUSES[log.args.status] as RetryCallbackReturnType['status']
  return { ...result, status, reason: log.args.reason }
}
