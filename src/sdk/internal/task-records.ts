/**
 * Task inputs bound to stored records (issue #11 §1, §4), for `createTask({ records })`: every use is
 * checked on chain *before* the task exists (`checkRecordUse`, a view: a refused record costs no fee),
 * then, once the task is created and its committee drawn, each slot is bound to its record by the
 * creator (`useRecord`, one use of the owner's grant). The record's custodians then hand it to the
 * committee by re-sharing (src/node/record-handoff.ts); the client fills only the other slots.
 */
import type { Address, Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import type { EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { checkRecordUse } from '../actions/checkRecordUse.ts'
import { useRecord } from '../actions/useRecord.ts'
import { slotType } from './slots.ts'

/** Slot name (a declared input, or an element like `bids[3]`) → record id. */
export type TaskRecords = Readonly<Record<string, Hex>>

export interface TaskRecordsCheck {
  readonly codeHash: Hex
  readonly circuit?: Pick<Circuit, 'field' | 'inputs'>
  readonly records: TaskRecords
  readonly inputSlots: readonly { readonly name: string }[]
  readonly recordsAddress?: Address
}

/** Throws the first refusal (RECORD_* codes, or SDK_SLOT_UNKNOWN) a use would meet now; no transaction. */
export async function checkTaskRecords(client: EnigmaClient, p: TaskRecordsCheck): Promise<void> {
  const entries = Object.entries(p.records)
  if (entries.length === 0) return
  if (!p.circuit) throw new SdkError('SDK_INPUT_INVALID', 'createTask: records need the compiled circuit (circuit), whose slot types the records must have')
  for (const [slot, recordId] of entries) {
    if (!p.inputSlots.some((s) => s.name === slot)) throw new SdkError('SDK_SLOT_UNKNOWN', `createTask: record ${recordId} is bound to '${slot}', which is not one of the task's input slots (${p.inputSlots.map((s) => s.name).join(', ')})`)
    if (!/^0x[0-9a-fA-F]{64}$/.test(recordId)) throw new SdkError('SDK_INPUT_INVALID', `createTask: record id for '${slot}' must be 0x + 64 hex digits, got '${String(recordId).slice(0, 80)}'`)
    slotType(p.circuit, slot)
    await checkRecordUse(client, { recordId, codeHash: p.codeHash, circuit: p.circuit, slot, ...(p.recordsAddress ? { records: p.recordsAddress } : {}) })
  }
}

/** Binds each slot to its record as the task's creator; returns the binding transactions by slot. */
export async function bindTaskRecords(client: EnigmaClient, taskId: Hex, p: TaskRecordsCheck): Promise<Record<string, Hex>> {
  const out: Record<string, Hex> = {}
  for (const [slot, recordId] of Object.entries(p.records)) {
    const r = await useRecord(client, { taskId, slot, recordId, circuit: p.circuit!, ...(p.recordsAddress ? { records: p.recordsAddress } : {}) })
    out[slot] = r.hash
  }
  return out
}
