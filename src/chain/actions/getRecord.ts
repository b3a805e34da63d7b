import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { readRecords } from '../internal/records.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetRecordParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  readonly recordId: Hex
  readonly blockNumber?: bigint
}
export interface RecordInfo {
  readonly recordId: Hex
  readonly owner: Address
  readonly epoch: bigint
  /** Block of deletion, 0 = live. */
  readonly deletedAt: bigint
  /** Degree of the sharing (custodians − 1 ≥ 2t). */
  readonly t: number
  readonly typeHash: Hex
  readonly commitment: Hex
  /** The custody committee of the record's epoch, in share order (custodian i holds share i). */
  readonly custodians: readonly Address[]
  /**
   * The hand-off tally (issue #11 §3): the epoch and attempt confirmations count for, and a bit per
   * confirming custodian position. `handoffEpoch === epoch`: the record came to its custodians by
   * hand-off attempt `handoffAttempt`, and `handoffVotes` names the custodians that hold it.
   */
  readonly handoffEpoch: bigint
  readonly handoffAttempt: number
  readonly handoffVotes: number
}
export type GetRecordReturnType = RecordInfo
export type GetRecordErrorType = RecordRefusedError | ChainRequestError

/** A record as the chain holds it. Refusal: UnknownRecord. */
export async function getRecord(client: ControllerReadClient, params: GetRecordParameters): Promise<GetRecordReturnType> {
  const r = await readRecords<{
    owner: Address; epoch: bigint; deletedAt: bigint; t: number; typeHash: Hex; commitment: Hex; custodians: readonly Address[]
    handoffEpoch: bigint; handoffAttempt: number; handoffVotes: number
  }>(
    'getRecord', client, params.address, 'getRecord', [params.recordId], params.blockNumber)
  return {
    recordId: params.recordId, owner: r.owner, epoch: BigInt(r.epoch), deletedAt: BigInt(r.deletedAt), t: Number(r.t),
    typeHash: r.typeHash, commitment: r.commitment, custodians: r.custodians,
    handoffEpoch: BigInt(r.handoffEpoch), handoffAttempt: Number(r.handoffAttempt), handoffVotes: Number(r.handoffVotes),
  }
}
