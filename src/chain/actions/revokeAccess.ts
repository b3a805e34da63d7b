import { zeroAddress, type Address, type Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface RevokeAccessParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  readonly recordId: Hex
  readonly codeHash: Hex
  /** The requester of the grant (default: the open grant, anyone). */
  readonly requester?: Address
}
export type RevokeAccessReturnType = ControllerWriteResult
export type RevokeAccessErrorType = RecordRefusedError | ChainRequestError

/**
 * Revokes one grant: from this block on, no use is accepted under it and custodians refuse to hand
 * the record over for it. Refusals: NotGranted, GrantRevoked (already), NotRecordOwner, RecordIsDeleted.
 */
export async function revokeAccess(client: ControllerWalletClient, params: RevokeAccessParameters): Promise<RevokeAccessReturnType> {
  return writeRecords('revokeAccess', client, params.address, 'revokeAccess', [params.recordId, params.codeHash, params.requester ?? zeroAddress])
}
