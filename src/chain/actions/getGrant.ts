import { zeroAddress, type Address, type Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import { readRecords } from '../internal/records.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetGrantParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  readonly recordId: Hex
  readonly codeHash: Hex
  /** Default: the open grant (anyone). */
  readonly requester?: Address
  readonly blockNumber?: bigint
}
export interface GrantInfo {
  /** Unix seconds, 0 = never expires. */
  readonly expiry: bigint
  /** 0 = unlimited. */
  readonly maxUses: number
  readonly used: number
  /** Block of the grant (0 = never granted) and of its revocation (0 = not revoked). */
  readonly grantedAt: bigint
  readonly revokedAt: bigint
}
export type GetGrantReturnType = GrantInfo
export type GetGrantErrorType = ChainRequestError

/** One grant as the chain holds it (all zero when never granted). */
export async function getGrant(client: ControllerReadClient, params: GetGrantParameters): Promise<GetGrantReturnType> {
  const g = await readRecords<{ expiry: bigint; maxUses: number; used: number; grantedAt: bigint; revokedAt: bigint }>(
    'getGrant', client, params.address, 'getGrant', [params.recordId, params.codeHash, params.requester ?? zeroAddress], params.blockNumber)
  return { expiry: BigInt(g.expiry), maxUses: Number(g.maxUses), used: Number(g.used), grantedAt: BigInt(g.grantedAt), revokedAt: BigInt(g.revokedAt) }
}
