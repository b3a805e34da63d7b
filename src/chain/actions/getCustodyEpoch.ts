import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import { readRecords } from '../internal/records.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetCustodyEpochParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  /** Epoch number (default: the current one). */
  readonly epoch?: bigint
}
export interface GetCustodyEpochReturnType {
  /** 0 when no epoch has been drawn yet (then `custodians` is empty). */
  readonly epoch: bigint
  readonly seed: Hex
  readonly startedAt: bigint
  readonly custodians: readonly Address[]
  readonly n: number
  readonly t: number
  /** Draw block of a requested next epoch (0 = none pending). */
  readonly pendingDrawBlock: bigint
}
export type GetCustodyEpochErrorType = ChainRequestError

/** The custody committee of an epoch: who holds the shares of the records stored in it. */
export async function getCustodyEpoch(client: ControllerReadClient, params: GetCustodyEpochParameters): Promise<GetCustodyEpochReturnType> {
  const read = <T>(name: string, args: readonly unknown[] = []) => readRecords<T>('getCustodyEpoch', client, params.address, name, args)
  const [current, n, t, pending] = await Promise.all([read<bigint>('currentEpoch'), read<number>('custodyN'), read<number>('custodyT'), read<bigint>('pendingDrawBlock')])
  const epoch = params.epoch ?? BigInt(current)
  const e = await read<{ seed: Hex; startedAt: bigint; custodians: readonly Address[] }>('getEpoch', [epoch])
  return { epoch, seed: e.seed, startedAt: BigInt(e.startedAt), custodians: e.custodians, n: Number(n), t: Number(t), pendingDrawBlock: BigInt(pending) }
}
