import type { Address, Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import { useRecord as chainUseRecord, type UseRecordReturnType } from '../../chain/actions/useRecord.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import type { RecordRefusedError } from '../../chain/record-errors.ts'
import { recordTypeHash } from '../../node/record-type.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { recordsAddress } from '../internal/records.ts'
import { slotType } from '../internal/slots.ts'
import { taskInfo } from '../internal/task-info.ts'

export interface UseRecordParameters {
  readonly taskId: Hex
  /** The input slot the record fills, as created ("x", or "bids[3]"). */
  readonly slot: string
  readonly recordId: Hex
  /** The task's compiled circuit: the slot's type and field make the type hash the record must have. */
  readonly circuit: Pick<Circuit, 'field' | 'inputs'>
  readonly records?: Address
}
export type { UseRecordReturnType }
export type UseRecordErrorType = RecordRefusedError | ControllerRevertError | ChainRequestError | SdkError

/** The type hash a record must have to fill `slot` of a task of `circuit`. */
export function slotRecordTypeHash(circuit: Pick<Circuit, 'field' | 'inputs'>, slot: string): Hex {
  return recordTypeHash({ type: slotType(circuit, slot), field: circuit.field })
}

/**
 * The task's creator binds an input slot to a stored record, consuming one use of the owner's grant
 * on chain (the custodians check that use before they hand the record over). Refusals carry stable
 * codes: RECORD_NOT_GRANTED, RECORD_REVOKED, RECORD_EXPIRED, RECORD_USES_EXHAUSTED,
 * RECORD_TYPE_MISMATCH, RECORD_DELETED, RECORD_UNKNOWN, RECORD_SLOT_ALREADY_BOUND.
 */
export async function useRecord(client: EnigmaClient, params: UseRecordParameters): Promise<UseRecordReturnType> {
  const wallet = requireWallet(client, 'useRecord')
  const info = await taskInfo(client, params.taskId)
  const slot = info.slots.findIndex((s) => s.name === params.slot)
  if (slot < 0) throw new SdkError('SDK_SLOT_UNKNOWN', `task ${params.taskId} has no input slot '${params.slot}'`)
  return chainUseRecord(wallet, {
    address: recordsAddress(client, 'useRecord', params.records), recordId: params.recordId, taskId: params.taskId, slot,
    typeHash: slotRecordTypeHash(params.circuit, params.slot),
  })
}
