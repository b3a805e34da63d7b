import type { Address, Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import { checkRecordUse as chainCheckRecordUse } from '../../chain/actions/checkRecordUse.ts'
import type { ChainRequestError } from '../../chain/errors.ts'
import type { RecordRefusedError } from '../../chain/record-errors.ts'
import type { EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { recordsAddress } from '../internal/records.ts'
import { slotRecordTypeHash } from './useRecord.ts'

export interface CheckRecordUseParameters {
  readonly recordId: Hex
  /** Code hash of the contract the task would run. */
  readonly codeHash: Hex
  readonly circuit: Pick<Circuit, 'field' | 'inputs'>
  /** The input slot the record would fill. */
  readonly slot: string
  /** Who would create the task (default: the client's account). */
  readonly requester?: Address
  readonly records?: Address
}
export type CheckRecordUseReturnType = void
export type CheckRecordUseErrorType = RecordRefusedError | ChainRequestError | SdkError

/**
 * Throws the refusal a use would meet now (same codes as `useRecord`), with no transaction: call it
 * before `createTask`, so a refused record costs no task fee.
 */
export async function checkRecordUse(client: EnigmaClient, params: CheckRecordUseParameters): Promise<CheckRecordUseReturnType> {
  const requester = params.requester ?? client.account?.address
  if (!requester) throw new SdkError('SDK_NO_ACCOUNT', 'checkRecordUse: pass requester or give the client an account')
  await chainCheckRecordUse(client.public, {
    address: recordsAddress(client, 'checkRecordUse', params.records), recordId: params.recordId, codeHash: params.codeHash,
    requester, typeHash: slotRecordTypeHash(params.circuit, params.slot),
  })
}
