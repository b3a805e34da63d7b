import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface SelectCommitteeParameters extends ReadOptions {
  readonly seed: Hex
  readonly n: number
}
export type SelectCommitteeReturnType = readonly Address[]
export type SelectCommitteeErrorType = ControllerRevertError | ChainRequestError

/**
 * Re-runs the controller's stake-weighted sampling without replacement for a seed. To check a task's
 * committee, pass its `seed` and `blockNumber` = its creation block: the active set and stakes of
 * that block (the creation transaction itself does not change them).
 */
export async function selectCommittee(client: ControllerReadClient, params: SelectCommitteeParameters): Promise<SelectCommitteeReturnType> {
  return readController<readonly Address[]>('selectCommittee', client, params, 'selectCommittee', [params.seed, BigInt(params.n)])
}
