import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface StoreRecordParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  /** Chosen by the owner: the id is keccak(chainId, contract, owner, salt) (see `recordIdOf`). */
  readonly salt: Hex
  /** src/node/record-type.ts `recordTypeHash`. */
  readonly typeHash: Hex
  /** keccak256 of the concatenated envelopes the custodians receive. */
  readonly commitment: Hex
}
export type StoreRecordReturnType = ControllerWriteResult
export type StoreRecordErrorType = RecordRefusedError | ChainRequestError

/**
 * Records a record in the current custody epoch (the owner is the caller). The SDK's `storeRecord`
 * shares the value first; this is only the chain step. Refusals: NoCustodyEpoch, RecordExists, ZeroHash.
 */
export async function storeRecord(client: ControllerWalletClient, params: StoreRecordParameters): Promise<StoreRecordReturnType> {
  return writeRecords('storeRecord', client, params.address, 'storeRecord', [params.salt, params.typeHash, params.commitment])
}
