import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { StateRefusedError } from '../state-errors.ts'
import { readState } from '../internal/state.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface CheckStateBindParameters {
  /** EnigmaState address. */
  readonly address: Address
  readonly stateId: Hex
  readonly codeHash: Hex
  /** The account that would create and bind the task. */
  readonly caller: Address
  readonly blockNumber?: bigint
}

/**
 * Would a task of `codeHash` by `caller` be bound now? Returns the version it would compute on, or
 * throws the refusal (STATE_BUSY, STATE_UNKNOWN, STATE_PROGRAM_NOT_ALLOWED) without a transaction: the
 * SDK asks before it creates a task, so a busy state costs no fee.
 */
export async function checkStateBind(client: ControllerReadClient, params: CheckStateBindParameters): Promise<bigint> {
  return readState<bigint>('checkStateBind', client, params.address, 'checkBind', [params.stateId, params.codeHash, params.caller], params.blockNumber)
}
