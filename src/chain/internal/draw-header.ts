/**
 * The RLP header of a draw block, for the two draws that read a later block's prevRandao (a task's
 * committee, a custody epoch): `0x` while the block is not mined yet (the contract then answers
 * DrawTooEarly), else the header whose keccak256 the contract checks against `blockhash`.
 */
import type { Hex } from 'viem'
import { getBlockNumber } from 'viem/actions'
import { ChainRequestError, toChainError } from '../errors.ts'
import { encodeBlockHeader, type RpcBlockHeader } from '../block-header.ts'
import type { ControllerReadClient } from './write.ts'

export async function drawBlockHeader(fn: string, client: ControllerReadClient, drawBlock: bigint): Promise<Hex> {
  if (drawBlock === 0n || drawBlock > (await getBlockNumber(client, { cacheTime: 0 }))) return '0x'
  let block: RpcBlockHeader | null
  try {
    block = await client.request({ method: 'eth_getBlockByNumber', params: [`0x${drawBlock.toString(16)}`, false] }) as RpcBlockHeader | null
  } catch (e) {
    throw toChainError(fn, e)
  }
  if (!block) throw new ChainRequestError(fn, `block ${drawBlock} not found`)
  return encodeBlockHeader(block)
}
