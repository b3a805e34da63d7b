import type { Address } from 'viem'
import { readContract } from 'viem/actions'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { toChainError } from '../errors.ts'
import type { ControllerReadClient } from './write.ts'

export interface ReadOptions {
  readonly address: Address
  /** Read the state as of this block (e.g. to re-run committee selection at a task's creation block). */
  readonly blockNumber?: bigint
}

export async function readController<T>(fn: string, client: ControllerReadClient, options: ReadOptions, functionName: string, args: readonly unknown[]): Promise<T> {
  try {
    return (await readContract(client, {
      address: options.address,
      abi: enigmaControllerAbi,
      functionName,
      args,
      blockNumber: options.blockNumber,
    } as unknown as Parameters<typeof readContract>[1])) as T
  } catch (e) {
    throw toChainError(fn, e)
  }
}
