import { parseEventLogs, type Address, type Hex } from 'viem'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import type { Attestation } from '../../node/task-source.ts'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { controllerLogs, writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'
import { CALLBACK_STATUSES, type CallbackStatus } from './getCallback.ts'

export interface SubmitReceiptParameters {
  readonly address: Address
  readonly taskId: Hex
  readonly outputHash: Hex
  /** ABI-encoded public outputs, exactly as signed. */
  readonly publicOutputs: Hex
  /** At least t+1 signatures of distinct committee members (src/node/attestation.ts). */
  readonly signatures: readonly Hex[]
}
export interface SubmitReceiptReturnType extends ControllerWriteResult {
  /** Outcome of the task's result callback in the same transaction (absent when it has none). */
  readonly callback?: { readonly status: CallbackStatus; readonly reason: Hex }
}
export type SubmitReceiptErrorType = ControllerRevertError | ChainRequestError

/**
 * Posts a task's result signed by ≥ t+1 committee members; the caller must be a member. The fee is
 * split among the signers. Refusals: NotCommitteeMember, InvalidSignature, DuplicateSigner,
 * InsufficientSignatures, DeadlinePassed, TaskNotOpen (double receipt), UnknownTask,
 * InsufficientCallbackGas (too little gas left to give the task's callback its full gas limit). A
 * failing callback never makes the receipt fail: its outcome is in `callback`.
 */
export async function submitReceipt(client: ControllerWalletClient, params: SubmitReceiptParameters): Promise<SubmitReceiptReturnType> {
  const result = await writeController('submitReceipt', client, { address: params.address }, 'submitReceipt', [
    params.taskId, params.outputHash, params.publicOutputs, params.signatures,
  ])
  const [log] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'CallbackResult', logs: controllerLogs(result.receipt.logs, params.address) })
  return log ? { ...result, callback: { status: CALLBACK_STATUSES[log.args.status] ?? 'none', reason: log.args.reason } } : result
}

/** The signatures of a set of attestations of one result, in a stable order. */
export function signaturesOf(attestations: readonly Attestation[]): Hex[] {
  return attestations.map((a) => a.signature)
}
