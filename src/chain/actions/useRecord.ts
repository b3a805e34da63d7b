import { parseEventLogs, type Address, type Hex } from 'viem'
import { enigmaRecordsAbi } from '../generated/EnigmaRecords.ts'
import { ChainDataError, type ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface UseRecordParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  readonly recordId: Hex
  readonly taskId: Hex
  /** Index of the task's input slot the record fills. */
  readonly slot: number
  /** Type hash of that input (src/node/record-type.ts): must equal the record's. */
  readonly typeHash: Hex
}
export type UseRecordReturnType = ControllerWriteResult & { readonly used: number }
export type UseRecordErrorType = RecordRefusedError | ChainRequestError

/**
 * The task's creator binds an input slot to a record, consuming one use of the grant for the task's
 * code hash atomically (the RecordUsed event is what custodians check). Refusals: RECORD_NOT_GRANTED,
 * RECORD_REVOKED, RECORD_EXPIRED, RECORD_USES_EXHAUSTED, RECORD_TYPE_MISMATCH, RECORD_DELETED,
 * RECORD_UNKNOWN, RECORD_SLOT_ALREADY_BOUND, RECORD_NOT_TASK_CREATOR, TaskNotOpen, InvalidSlot.
 */
export async function useRecord(client: ControllerWalletClient, params: UseRecordParameters): Promise<UseRecordReturnType> {
  const r = await writeRecords('useRecord', client, params.address, 'useRecord', [params.recordId, params.taskId, BigInt(params.slot), params.typeHash])
  const [used] = parseEventLogs({ abi: enigmaRecordsAbi, eventName: 'RecordUsed', logs: r.receipt.logs })
  if (!used) throw new ChainDataError('useRecord', `no RecordUsed event in ${r.hash}`)
  return { ...r, used: Number(used.args.used) }
}
