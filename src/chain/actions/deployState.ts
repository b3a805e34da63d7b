import type { Address, Hex } from 'viem'
import { deployContract, waitForTransactionReceipt } from 'viem/actions'
import { enigmaStateAbi, enigmaStateBytecode } from '../generated/EnigmaState.ts'
import { ChainRequestError, toChainError, type ControllerRevertError } from '../errors.ts'
import type { ControllerWalletClient } from '../internal/write.ts'

export interface DeployStateParameters {
  /** The controller whose tasks and receipts order the state's versions. */
  readonly controller: Address
}
export interface DeployStateReturnType {
  readonly address: Address
  readonly hash: Hex
  readonly gasUsed: bigint
  readonly blockNumber: bigint
}
export type DeployStateErrorType = ControllerRevertError | ChainRequestError

/** Deploys contracts/EnigmaState.sol beside a controller. It has no owner: nobody can change it. */
export async function deployState(client: ControllerWalletClient, params: DeployStateParameters): Promise<DeployStateReturnType> {
  try {
    const hash = await deployContract(client, { abi: enigmaStateAbi, bytecode: enigmaStateBytecode, args: [params.controller], account: client.account, chain: client.chain ?? null })
    const receipt = await waitForTransactionReceipt(client, { hash })
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new ChainRequestError('deployState', `deployment ${hash} reverted`)
    return { address: receipt.contractAddress, hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber }
  } catch (e) {
    throw toChainError('deployState', e)
  }
}
