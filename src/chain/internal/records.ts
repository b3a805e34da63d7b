/**
 * Plumbing of the records actions: calls to contracts/EnigmaRecords.sol with its ABI, its refusals
 * mapped to stable codes (record-errors.ts). Internal: the actions are the public surface.
 */
import type { Address } from 'viem'
import { readContract } from 'viem/actions'
import { enigmaRecordsAbi } from '../generated/EnigmaRecords.ts'
import { toChainError } from '../errors.ts'
import { toRecordError } from '../record-errors.ts'
import { writeController, type ControllerReadClient, type ControllerWalletClient, type ControllerWriteResult } from './write.ts'

export async function writeRecords(fn: string, client: ControllerWalletClient, address: Address, functionName: string, args: readonly unknown[]): Promise<ControllerWriteResult> {
  try {
    return await writeController(fn, client, { address, abi: enigmaRecordsAbi }, functionName, args)
  } catch (e) {
    throw toRecordError(e)
  }
}

export async function readRecords<T>(fn: string, client: ControllerReadClient, address: Address, functionName: string, args: readonly unknown[], blockNumber?: bigint): Promise<T> {
  try {
    return (await readContract(client, {
      address, abi: enigmaRecordsAbi, functionName, args, blockNumber,
    } as unknown as Parameters<typeof readContract>[1])) as T
  } catch (e) {
    throw toRecordError(toChainError(fn, e))
  }
}
