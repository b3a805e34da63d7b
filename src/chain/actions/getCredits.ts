import type { Address } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetCreditsParameters extends ReadOptions {
  readonly account: Address
}
export type GetCreditsReturnType = bigint
export type GetCreditsErrorType = ControllerRevertError | ChainRequestError

/** Wei the account can withdraw (fees earned, refunds, slash shares). */
export async function getCredits(client: ControllerReadClient, params: GetCreditsParameters): Promise<GetCreditsReturnType> {
  return readController<bigint>('getCredits', client, params, 'credits', [params.account])
}
