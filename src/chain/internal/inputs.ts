/**
 * Plumbing of the input-batch actions: calls to contracts/EnigmaInputs.sol with its ABI (its custom
 * errors decode as `ControllerRevertError` with the contract's error name). Internal.
 */
import type { Address } from 'viem'
import { readContract } from 'viem/actions'
import { enigmaInputsAbi } from '../generated/EnigmaInputs.ts'
import { toChainError } from '../errors.ts'
import { writeController, type ControllerReadClient, type ControllerWalletClient, type ControllerWriteResult } from './write.ts'

export function writeInputs(fn: string, client: ControllerWalletClient, address: Address, functionName: string, args: readonly unknown[]): Promise<ControllerWriteResult> {
  return writeController(fn, client, { address, abi: enigmaInputsAbi }, functionName, args)
}

export async function readInputs<T>(fn: string, client: ControllerReadClient, address: Address, functionName: string, args: readonly unknown[]): Promise<T> {
  try {
    return (await readContract(client, { address, abi: enigmaInputsAbi, functionName, args } as unknown as Parameters<typeof readContract>[1])) as T
  } catch (e) {
    throw toChainError(fn, e)
  }
}
