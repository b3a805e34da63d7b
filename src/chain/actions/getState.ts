import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { StateRefusedError } from '../state-errors.ts'
import { readState } from '../internal/state.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetStateParameters {
  /** EnigmaState address. */
  readonly address: Address
  readonly stateId: Hex
  readonly blockNumber?: bigint
}
export interface StateInfo {
  readonly stateId: Hex
  readonly creator: Address
  /** Current version (0: zeros, held by nobody). */
  readonly version: bigint
  readonly typeHash: Hex
  /** Task whose receipt wrote `version` (zero hash for version 0). */
  readonly versionTask: Hex
  /** Task in flight on `version` (zero hash: none; it may be stale, see `isLive`). */
  readonly boundTask: Hex
  /** Holders of `version`: that task's committee in its sharing order, and its threshold. */
  readonly holders: readonly Address[]
  readonly holdersT: number
}
export type GetStateErrorType = StateRefusedError | ChainRequestError

/** A state instance as the chain holds it. Refusal: STATE_UNKNOWN. */
export async function getState(client: ControllerReadClient, params: GetStateParameters): Promise<StateInfo> {
  const r = await readState<{ creator: Address; version: bigint; typeHash: Hex; versionTask: Hex; boundTask: Hex; holdersT: number; holders: readonly Address[] }>(
    'getState', client, params.address, 'getState', [params.stateId], params.blockNumber)
  return {
    stateId: params.stateId, creator: r.creator, version: BigInt(r.version), typeHash: r.typeHash, versionTask: r.versionTask,
    boundTask: r.boundTask, holders: r.holders, holdersT: Number(r.holdersT),
  }
}
