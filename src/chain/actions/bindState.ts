import { parseEventLogs, type Address, type Hex } from 'viem'
import { enigmaStateAbi } from '../generated/EnigmaState.ts'
import { ChainDataError, type ChainRequestError } from '../errors.ts'
import type { StateRefusedError } from '../state-errors.ts'
import { writeState } from '../internal/state.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface BindStateParameters {
  /** EnigmaState address. */
  readonly address: Address
  readonly stateId: Hex
  readonly taskId: Hex
}
export type BindStateReturnType = ControllerWriteResult & { readonly version: bigint }
export type BindStateErrorType = StateRefusedError | ChainRequestError

/**
 * The task's creator binds its open task to the state at the current version (the task's committee
 * computes on it; the receipt's callback commits the next). Refusals: STATE_BUSY, STATE_UNKNOWN,
 * STATE_PROGRAM_NOT_ALLOWED, STATE_TASK_NOT_OPEN, STATE_NOT_TASK_CREATOR, STATE_CALLBACK_NOT_SET,
 * STATE_TASK_ALREADY_BOUND, STATE_TASK_UNKNOWN.
 */
export async function bindState(client: ControllerWalletClient, params: BindStateParameters): Promise<BindStateReturnType> {
  const r = await writeState('bindState', client, params.address, 'bindTask', [params.stateId, params.taskId])
  const [bound] = parseEventLogs({ abi: enigmaStateAbi, eventName: 'StateBound', logs: r.receipt.logs })
  if (!bound) throw new ChainDataError('bindState', `no StateBound event in ${r.hash}`)
  return { ...r, version: bound.args.version }
}
