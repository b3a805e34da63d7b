import type { Address, Hex } from 'viem'
import { getRecord as chainGetRecord, type RecordInfo } from '../../chain/actions/getRecord.ts'
import type { ChainRequestError } from '../../chain/errors.ts'
import type { RecordRefusedError } from '../../chain/record-errors.ts'
import type { EnigmaClient } from '../client.ts'
import type { SdkError } from '../errors.ts'
import { recordsAddress } from '../internal/records.ts'

export interface GetRecordParameters {
  readonly recordId: Hex
  readonly records?: Address
}
export type GetRecordReturnType = RecordInfo
export type GetRecordErrorType = RecordRefusedError | ChainRequestError | SdkError

/** A record as the chain holds it: owner, type hash, commitment, epoch, custodians, deletion block. */
export async function getRecord(client: EnigmaClient, params: GetRecordParameters): Promise<GetRecordReturnType> {
  return chainGetRecord(client.public, { address: recordsAddress(client, 'getRecord', params.records), recordId: params.recordId })
}
