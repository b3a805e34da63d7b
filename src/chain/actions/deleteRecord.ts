import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface DeleteRecordParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  readonly recordId: Hex
}
export type DeleteRecordReturnType = ControllerWriteResult
export type DeleteRecordErrorType = RecordRefusedError | ChainRequestError

/**
 * The owner's T_data deletion: no use is accepted any more and the custodians erase their shares when
 * they see the RecordDeleted event. Refusals: NotRecordOwner, RecordIsDeleted, UnknownRecord.
 */
export async function deleteRecord(client: ControllerWalletClient, params: DeleteRecordParameters): Promise<DeleteRecordReturnType> {
  return writeRecords('deleteRecord', client, params.address, 'deleteRecord', [params.recordId])
}
