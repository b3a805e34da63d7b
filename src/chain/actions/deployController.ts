import type { Address, Hex } from 'viem'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import { enigmaControllerAbi, enigmaControllerBytecode } from '../generated/EnigmaController.ts'
import { ChainRequestError, toChainError, type ControllerRevertError } from '../errors.ts'
import type { ControllerWalletClient } from '../internal/write.ts'

/** Constructor configuration (see `Config` in contracts/EnigmaController.sol). */
export interface ControllerConfig {
  readonly minStake: bigint
  /** Seconds from going inactive to being allowed to withdraw; ≥ maxTaskDuration (checked on chain). */
  readonly withdrawDelay: bigint
  readonly maxTaskDuration: bigint
  readonly baseFee: bigint
  readonly feePerMultiplication: bigint
  readonly feePerRound: bigint
  /** Share of a slashed stake paid to the accusers, in basis points. */
  readonly accuserShareBps: number
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
