import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface SetActiveParameters {
  /** Controller address. */
  readonly address: Address
  readonly active: boolean
}
export type SetActiveReturnType = ControllerWriteResult
export type SetActiveErrorType = ControllerRevertError | ChainRequestError

/** Joins (needs stake ≥ minStake) or leaves the active set that committees are drawn from. Leaving starts the withdraw delay. */
export async function setActive(client: ControllerWalletClient, params: SetActiveParameters): Promise<SetActiveReturnType> {
  return writeController('setActive', client, { address: params.address }, 'setActive', [params.active])
}
