import type { Address, Hex } from 'viem'
import { deleteRecord as chainDeleteRecord, type DeleteRecordReturnType } from '../../chain/actions/deleteRecord.ts'
import type { ChainRequestError } from '../../chain/errors.ts'
import type { RecordRefusedError } from '../../chain/record-errors.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import type { SdkError } from '../errors.ts'
import { recordsAddress } from '../internal/records.ts'

export interface DeleteRecordParameters {
  readonly recordId: Hex
  readonly records?: Address
}
export type { DeleteRecordReturnType }
export type DeleteRecordErrorType = RecordRefusedError | ChainRequestError | SdkError

/** Deletes a record: no use from this block on; the custodians erase their shares when they see it. */
export async function deleteRecord(client: EnigmaClient, params: DeleteRecordParameters): Promise<DeleteRecordReturnType> {
  const wallet = requireWallet(client, 'deleteRecord')
  return chainDeleteRecord(wallet, { address: recordsAddress(client, 'deleteRecord', params.records), recordId: params.recordId })
}
