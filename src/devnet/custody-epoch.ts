/**
 * Draws a custody epoch of the records contract on a local chain: beginEpoch, mine the draw block
 * (hardhat_mine, so set-up does not wait for interval mining), drawEpoch. Returns the gas used.
 */
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem'
import { beginCustodyEpoch } from '../chain/actions/beginCustodyEpoch.ts'
import { drawCustodyEpoch } from '../chain/actions/drawCustodyEpoch.ts'
import { EnigmaError } from '../common/errors.ts'

export async function startCustodyEpoch(wallet: WalletClient<Transport, Chain, Account>, publicClient: PublicClient<Transport, Chain>, records: Address): Promise<bigint> {
  const begun = await beginCustodyEpoch(wallet, { address: records })
  let gas = begun.gasUsed
  let drawBlock = begun.drawBlock
  for (let attempt = 0; attempt < 3; attempt++) {
    const latest = await publicClient.getBlockNumber({ cacheTime: 0 })
    if (latest <= drawBlock) await publicClient.request({ method: 'hardhat_mine', params: [`0x${(drawBlock - latest + 1n).toString(16)}`] } as never)
    const drawn = await drawCustodyEpoch(wallet, { address: records })
    gas += drawn.gasUsed
    if (drawn.drawn) return gas
    drawBlock = drawn.drawBlock
  }
  throw new EnigmaError('DEVNET_CUSTODY_EPOCH', `the custody epoch of ${records} could not be drawn (re-targeted three times)`)
}
