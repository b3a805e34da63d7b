import type { Address } from 'viem'
import { listRecords as chainListRecords, type ListRecordsReturnType } from '../../chain/actions/listRecords.ts'
import type { ChainRequestError } from '../../chain/errors.ts'
import type { EnigmaClient } from '../client.ts'
import type { SdkError } from '../errors.ts'
import { recordsAddress } from '../internal/records.ts'

export interface ListRecordsParameters {
  /** Only this owner's records (default: everyone's). */
  readonly owner?: Address
  readonly records?: Address
}
export type { ListRecordsReturnType }
export type ListRecordsErrorType = ChainRequestError | SdkError

/** Every record stored (by `owner`), with its current state. */
export async function listRecords(client: EnigmaClient, params: ListRecordsParameters = {}): Promise<ListRecordsReturnType> {
  return chainListRecords(client.public, { address: recordsAddress(client, 'listRecords', params.records), owner: params.owner })
}
