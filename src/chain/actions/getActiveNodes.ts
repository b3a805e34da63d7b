import type { Address } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export type GetActiveNodesParameters = ReadOptions
export interface GetActiveNodesReturnType {
  /** Active accounts in the controller's order (the order selection walks). */
  readonly nodes: readonly Address[]
  readonly totalActiveStake: bigint
}
export type GetActiveNodesErrorType = ControllerRevertError | ChainRequestError

/** The active set and its total stake. */
export async function getActiveNodes(client: ControllerReadClient, params: GetActiveNodesParameters): Promise<GetActiveNodesReturnType> {
  const [nodes, totalActiveStake] = await Promise.all([
    readController<readonly Address[]>('getActiveNodes', client, params, 'activeNodes', []),
    readController<bigint>('getActiveNodes', client, params, 'totalActiveStake', []),
  ])
  return { nodes, totalActiveStake }
}
