import { getBlockNumber } from 'viem/actions'
import type { ControllerReadClient } from './write.ts'

/**
 * The chain's newest block number, taken from viem's per-client cache when it is at most `cacheMs` old
 * (0: always asked). Every chain-reading source of a node polls on its own timer; sharing one number per
 * interval cut an idle 5-node devnet's RPC load (each node's task, record and hand-off loops each asked
 * `eth_blockNumber` every 250–500 ms). A number `cacheMs` late only delays a poll's view by that much.
 */
export function headBlockNumber(client: ControllerReadClient, cacheMs: number): Promise<bigint> {
  return getBlockNumber(client, { cacheTime: cacheMs })
}
