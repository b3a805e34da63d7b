import type { Address, Hex } from 'viem'
import { grantAccess as chainGrantAccess, type GrantAccessReturnType as ChainReturn } from '../../chain/actions/grantAccess.ts'
import type { ChainRequestError } from '../../chain/errors.ts'
import type { RecordRefusedError } from '../../chain/record-errors.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import type { SdkError } from '../errors.ts'
import { recordsAddress } from '../internal/records.ts'

export interface GrantAccessParameters {
  readonly recordId: Hex
  /** Code hash of the secret contract allowed to use the record (`enigma compile` prints it). */
  readonly codeHash: Hex
  /** Only this account's tasks (default: anyone's). */
  readonly requester?: Address
  /** Seconds from now until the grant expires (default: never). */
  readonly expiresInSeconds?: bigint
  /** Uses allowed (default: unlimited). */
  readonly maxUses?: number
  readonly records?: Address
}
export type GrantAccessReturnType = ChainReturn & { readonly expiry: bigint }
export type GrantAccessErrorType = RecordRefusedError | ChainRequestError | SdkError

/** The owner allows a secret contract (and optionally one requester) to use her record. */
export async function grantAccess(client: EnigmaClient, params: GrantAccessParameters): Promise<GrantAccessReturnType> {
  const wallet = requireWallet(client, 'grantAccess')
  const address = recordsAddress(client, 'grantAccess', params.records)
  // Expiry in chain time: the latest block's timestamp, not this machine's clock.
  const expiry = params.expiresInSeconds === undefined ? 0n : (await client.public.getBlock({ blockTag: 'latest' })).timestamp + params.expiresInSeconds
  const r = await chainGrantAccess(wallet, { address, recordId: params.recordId, codeHash: params.codeHash, requester: params.requester, expiry, maxUses: params.maxUses })
  return { ...r, expiry }
}
