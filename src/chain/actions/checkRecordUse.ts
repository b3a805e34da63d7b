import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { readRecords } from '../internal/records.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface CheckRecordUseParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  readonly recordId: Hex
  readonly codeHash: Hex
  /** The account that would create the task. */
  readonly requester: Address
  /** Type hash of the input the record would fill. */
  readonly typeHash: Hex
  readonly blockNumber?: bigint
}
/** Key of the grant that would pay for the use. */
export type CheckRecordUseReturnType = Hex
export type CheckRecordUseErrorType = RecordRefusedError | ChainRequestError

/**
 * Would a use be accepted now? Throws the refusal (RECORD_NOT_GRANTED, RECORD_REVOKED, RECORD_EXPIRED,
 * RECORD_USES_EXHAUSTED, RECORD_TYPE_MISMATCH, RECORD_DELETED, RECORD_UNKNOWN) without a transaction:
 * the SDK asks before it creates a task, so a refused use costs no fee; custodians ask before a hand-over.
 */
export async function checkRecordUse(client: ControllerReadClient, params: CheckRecordUseParameters): Promise<CheckRecordUseReturnType> {
  return readRecords<Hex>('checkRecordUse', client, params.address, 'checkUse', [params.recordId, params.codeHash, params.requester, params.typeHash], params.blockNumber)
}
