import type { Address, Hex } from 'viem'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import { enigmaInputsAbi, enigmaInputsBytecode } from '../generated/EnigmaInputs.ts'
import { ChainRequestError, toChainError, type ControllerRevertError } from '../errors.ts'
import type { ControllerWalletClient } from '../internal/write.ts'

export interface DeployInputsParameters {
  /** The controller whose tasks, committees and deadlines the batches follow. */
  readonly controller: Address
  /** Seconds between a task's root cut-off and its deadline: the owners' escape window (> 0). */
  readonly escapeWindow: bigint
}
export interface DeployInputsReturnType {
  readonly address: Address
  readonly hash: Hex
  readonly gasUsed: bigint
  readonly blockNumber: bigint
}
export type DeployInputsErrorType = ControllerRevertError | ChainRequestError

/** Deploys contracts/EnigmaInputs.sol beside a controller. It has no owner: nobody can change it. */
export async function deployInputs(client: ControllerWalletClient, params: DeployInputsParameters): Promise<DeployInputsReturnType> {
  try {
    const hash = await deployContract(client, { abi: enigmaInputsAbi, bytecode: enigmaInputsBytecode, args: [params.controller, params.escapeWindow], account: client.account, chain: client.chain ?? null })
    const receipt = await waitForTransactionReceipt(client, { hash })
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new ChainRequestError('deployInputs', `deployment ${hash} reverted`)
    return { address: receipt.contractAddress, hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber }
  } catch (e) {
    throw toChainError('deployInputs', e)
  }
}
