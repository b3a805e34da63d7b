import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetNodeParameters extends ReadOptions {
  readonly node: Address
}
export interface NodeInfo {
  readonly registered: boolean
  readonly active: boolean
  readonly slashed: boolean
  readonly peerId: string
  readonly encryptionKey: Hex
  readonly multiaddrs: readonly string[]
  readonly stake: bigint
  /** Unix seconds when the node last went inactive (0 if never). */
  readonly inactiveSince: bigint
  /** No withdrawal before this time: latest committee deadline + accusation window. */
  readonly lockedUntil: bigint
  /** Suspended by a committee vote until this time (0 or past = not suspended). */
  readonly suspendedUntil: bigint
}
export type GetNodeReturnType = NodeInfo
export type GetNodeErrorType = ControllerRevertError | ChainRequestError

/** A node's registry entry (an unregistered account reads as `registered: false`). */
export async function getNode(client: ControllerReadClient, params: GetNodeParameters): Promise<GetNodeReturnType> {
  const n = await readController<{
    peerId: string; encryptionKey: Hex; multiaddrs: readonly string[]; stake: bigint; inactiveSince: bigint; lockedUntil: bigint; suspendedUntil: bigint
    registered: boolean; active: boolean; slashed: boolean
  }>('getNode', client, params, 'getNode', [params.node])
  return {
    registered: n.registered, active: n.active, slashed: n.slashed, peerId: n.peerId, encryptionKey: n.encryptionKey,
    multiaddrs: n.multiaddrs, stake: n.stake, inactiveSince: BigInt(n.inactiveSince),
    lockedUntil: BigInt(n.lockedUntil), suspendedUntil: BigInt(n.suspendedUntil),
  }
}
