import type { Address, Hex } from 'viem'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import { enigmaControllerAbi, enigmaControllerBytecode } from '../generated/EnigmaController.ts'
import { ChainRequestError, toChainError, type ControllerRevertError } from '../errors.ts'
import type { ControllerWalletClient } from '../internal/write.ts'

/** Constructor configuration (see `Config` in contracts/EnigmaController.sol). */
export interface ControllerConfig {
  readonly minStake: bigint
  /** Seconds from going inactive to being allowed to withdraw (the task lock comes on top). */
  readonly withdrawDelay: bigint
  readonly maxTaskDuration: bigint
  readonly baseFee: bigint
  readonly feePerMultiplication: bigint
  readonly feePerRound: bigint
  /** Reward to the submitter of slashing evidence, in bps of the stake (≤ 500) … */
  readonly reporterRewardBps: number
  /** … capped at this many wei; the rest goes to the treasury. */
  readonly reporterRewardCap: bigint
  /** Part of every fee that is never refunded (to the treasury), in bps. */
  readonly protocolFeeBps: number
  /** The active set must hold at least n · minActivePerSeat nodes for a committee of n. */
  readonly minActivePerSeat: number
  /** Seconds after a deadline during which evidence and votes are accepted (stake stays locked). */
  readonly accusationWindow: bigint
  /** Seconds after a receipt during which late co-signatures are accepted. */
  readonly attestationWindow: bigint
  /** Seconds a vote suspends a node. */
  readonly suspensionPeriod: bigint
  /** Non-zero: receives slashed stake, protocol fees and settlement dust. */
  readonly treasury: Address
}

export type DeployControllerParameters = ControllerConfig
export interface DeployControllerReturnType {
  readonly address: Address
  readonly hash: Hex
  readonly gasUsed: bigint
  readonly blockNumber: bigint
}
export type DeployControllerErrorType = ControllerRevertError | ChainRequestError

/** Deploys the controller from the client's account, which becomes its owner (sets prices). */
export async function deployController(client: ControllerWalletClient, params: DeployControllerParameters): Promise<DeployControllerReturnType> {
  try {
    const hash = await deployContract(client, {
      abi: enigmaControllerAbi,
      bytecode: enigmaControllerBytecode,
      args: [params],
      account: client.account,
      chain: client.chain ?? null,
    })
    const receipt = await waitForTransactionReceipt(client, { hash })
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new ChainRequestError('deployController', `deployment ${hash} reverted`)
    return { address: receipt.contractAddress, hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber }
  } catch (e) {
    throw toChainError('deployController', e)
  }
}
