import type { Address, Hex } from 'viem'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import { enigmaRecordsAbi, enigmaRecordsBytecode } from '../generated/EnigmaRecords.ts'
import { ChainRequestError, toChainError, type ControllerRevertError } from '../errors.ts'
import type { ControllerWalletClient } from '../internal/write.ts'

export interface DeployRecordsParameters {
  /** The controller whose active set the custody committees are drawn from. */
  readonly controller: Address
  /** Custody committee size and threshold (3 ≤ n ≤ 32, 1 ≤ t < n/2). */
  readonly n: number
  readonly t: number
  /** Shortest time between two epoch changes anyone may request (seconds). */
  readonly epochDuration: bigint
  /** Length of one hand-off attempt slot (seconds, default 60): a failed hand-off is retried in the next slot. */
  readonly handoffSlot?: bigint
}
export interface DeployRecordsReturnType {
  readonly address: Address
  readonly hash: Hex
  readonly gasUsed: bigint
  readonly blockNumber: bigint
}
export type DeployRecordsErrorType = ControllerRevertError | ChainRequestError

/** Hand-off attempt slot of a records contract deployed without one: long enough for a hand-off on a slow WAN. */
export const DEFAULT_HANDOFF_SLOT_SECONDS = 60n

/** Deploys contracts/EnigmaRecords.sol beside a controller. It has no owner: nobody can change it. */
export async function deployRecords(client: ControllerWalletClient, params: DeployRecordsParameters): Promise<DeployRecordsReturnType> {
  try {
    const hash = await deployContract(client, {
      abi: enigmaRecordsAbi, bytecode: enigmaRecordsBytecode,
      args: [params.controller, params.n, params.t, params.epochDuration, params.handoffSlot ?? DEFAULT_HANDOFF_SLOT_SECONDS],
      account: client.account, chain: client.chain ?? null,
    })
    const receipt = await waitForTransactionReceipt(client, { hash })
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new ChainRequestError('deployRecords', `deployment ${hash} reverted`)
    return { address: receipt.contractAddress, hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber }
  } catch (e) {
    throw toChainError('deployRecords', e)
  }
}
