import { zeroAddress, type Address, type Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface GrantAccessParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  readonly recordId: Hex
  /** Code hash of the secret contract allowed to use the record. */
  readonly codeHash: Hex
  /** The only account whose tasks may use it (default: anyone's). */
  readonly requester?: Address
  /** Unix seconds after which the grant is void (default: never). */
  readonly expiry?: bigint
  /** Uses allowed (default: unlimited). */
  readonly maxUses?: number
}
export type GrantAccessReturnType = ControllerWriteResult
export type GrantAccessErrorType = RecordRefusedError | ChainRequestError

/**
 * The owner's T_access: allows tasks of `codeHash` to use the record. Granting again replaces the
 * grant. Refusals: NotRecordOwner, RecordIsDeleted, UnknownRecord, InvalidExpiry.
 */
export async function grantAccess(client: ControllerWalletClient, params: GrantAccessParameters): Promise<GrantAccessReturnType> {
  return writeRecords('grantAccess', client, params.address, 'grantAccess',
    [params.recordId, params.codeHash, params.requester ?? zeroAddress, params.expiry ?? 0n, params.maxUses ?? 0])
}
