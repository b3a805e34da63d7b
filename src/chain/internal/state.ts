/**
 * Plumbing of the state actions: calls to contracts/EnigmaState.sol with its ABI, its refusals mapped
 * to stable codes (state-errors.ts). Internal: the actions are the public surface.
 */
import type { Address } from 'viem'
import { readContract } from 'viem/actions'
import { enigmaStateAbi } from '../generated/EnigmaState.ts'
import { toChainError } from '../errors.ts'
import { toStateError } from '../state-errors.ts'
import { writeController, type ControllerReadClient, type ControllerWalletClient, type ControllerWriteResult } from './write.ts'

export async function writeState(fn: string, client: ControllerWalletClient, address: Address, functionName: string, args: readonly unknown[]): Promise<ControllerWriteResult> {
  try {
    return await writeController(fn, client, { address, abi: enigmaStateAbi }, functionName, args)
  } catch (e) {
    throw toStateError(e)
  }
}

export async function readState<T>(fn: string, client: ControllerReadClient, address: Address, functionName: string, args: readonly unknown[], blockNumber?: bigint): Promise<T> {
  try {
    return (await readContract(client, {
      address, abi: enigmaStateAbi, functionName, args, blockNumber,
    } as unknown as Parameters<typeof readContract>[1])) as T
  } catch (e) {
    throw toStateError(toChainError(fn, e))
  }
}
