import type { Address } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { readRecords, writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface BeginCustodyEpochParameters {
  /** EnigmaRecords address. */
  readonly address: Address
}
export type BeginCustodyEpochReturnType = ControllerWriteResult & { readonly drawBlock: bigint }
export type BeginCustodyEpochErrorType = RecordRefusedError | ChainRequestError

/**
 * Step 1 of an epoch change (anyone, once the current epoch is `epochDuration` old): fixes the block
 * whose prevRandao will draw the next custody committee. Refusals: EpochPending, EpochTooEarly.
 */
export async function beginCustodyEpoch(client: ControllerWalletClient, params: BeginCustodyEpochParameters): Promise<BeginCustodyEpochReturnType> {
  const r = await writeRecords('beginCustodyEpoch', client, params.address, 'beginEpoch', [])
  const drawBlock = await readRecords<bigint>('beginCustodyEpoch', client, params.address, 'pendingDrawBlock', [], r.receipt.blockNumber)
  return { ...r, drawBlock: BigInt(drawBlock) }
}
