import type { Address } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface UnsuspendParameters {
  readonly address: Address
  readonly node: Address
}
export type UnsuspendReturnType = ControllerWriteResult
export type UnsuspendErrorType = ControllerRevertError | ChainRequestError

/** Owner only: lifts a vote suspension after review. Refusals: OwnableUnauthorizedAccount, NotSuspended. */
export async function unsuspend(client: ControllerWalletClient, params: UnsuspendParameters): Promise<UnsuspendReturnType> {
  return writeController('unsuspend', client, { address: params.address }, 'unsuspend', [params.node])
}
