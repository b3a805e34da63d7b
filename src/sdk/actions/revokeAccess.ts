import type { Address, Hex } from 'viem'
import { revokeAccess as chainRevokeAccess, type RevokeAccessReturnType } from '../../chain/actions/revokeAccess.ts'
import type { ChainRequestError } from '../../chain/errors.ts'
import type { RecordRefusedError } from '../../chain/record-errors.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import type { SdkError } from '../errors.ts'
import { recordsAddress } from '../internal/records.ts'

export interface RevokeAccessParameters {
  readonly recordId: Hex
  readonly codeHash: Hex
  /** The grant's requester (default: the open grant). */
  readonly requester?: Address
  readonly records?: Address
}
export type { RevokeAccessReturnType }
export type RevokeAccessErrorType = RecordRefusedError | ChainRequestError | SdkError

/** Revokes one grant; from its block on no use is accepted under it and custodians refuse to hand over. */
export async function revokeAccess(client: EnigmaClient, params: RevokeAccessParameters): Promise<RevokeAccessReturnType> {
  const wallet = requireWallet(client, 'revokeAccess')
  return chainRevokeAccess(wallet, { address: recordsAddress(client, 'revokeAccess', params.records), recordId: params.recordId, codeHash: params.codeHash, requester: params.requester })
}
