import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { StateRefusedError } from '../state-errors.ts'
import { writeState } from '../internal/state.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface ReleaseStateParameters {
  /** EnigmaState address. */
  readonly address: Address
  readonly taskId: Hex
}

/**
 * Anyone releases the binding of a task that can no longer deliver (refunded, past its deadline without
 * a receipt, or its callback failed for good); the version does not move. Refusals: STATE_NOT_BOUND,
 * STATE_TASK_LIVE.
 */
export async function releaseState(client: ControllerWalletClient, params: ReleaseStateParameters): Promise<ControllerWriteResult> {
  return writeState('releaseState', client, params.address, 'release', [params.taskId])
}
