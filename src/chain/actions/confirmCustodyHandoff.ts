import { parseEventLogs, type Address, type Hex } from 'viem'
import { enigmaRecordsAbi } from '../generated/EnigmaRecords.ts'
import type { ChainRequestError } from '../errors.ts'
import type { RecordRefusedError } from '../record-errors.ts'
import { writeRecords } from '../internal/records.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'

export interface ConfirmCustodyHandoffParameters {
  /** EnigmaRecords address. */
  readonly address: Address
  /** The current custody epoch (a past one is refused). */
  readonly epoch: bigint
  /** The records whose new share the caller holds durably, each with the hand-off attempt that gave it. */
  readonly items: readonly { readonly recordId: Hex; readonly attempt: number }[]
}
export type ConfirmCustodyHandoffReturnType = ControllerWriteResult & {
  /** Records this confirmation completed: their custodians are now the epoch's committee. */
  readonly moved: readonly Hex[]
}
export type ConfirmCustodyHandoffErrorType = RecordRefusedError | ChainRequestError

/**
 * A custodian of the current epoch confirms, in one transaction, the records it now holds (issue #11
 * §3, docs/state.md "Custody epochs"). A record moves to the epoch once `handoffQuorum()` = n − t
 * custodians confirmed the same attempt. Refusals: EpochNotCurrent, NotCustodian, UnknownRecord,
 * NotHandedOff, AlreadyConfirmed, StaleAttempt, FutureAttempt, LengthMismatch.
 */
export async function confirmCustodyHandoff(client: ControllerWalletClient, params: ConfirmCustodyHandoffParameters): Promise<ConfirmCustodyHandoffReturnType> {
  const r = await writeRecords('confirmCustodyHandoff', client, params.address, 'confirmHandoff', [
    params.epoch, params.items.map((i) => i.recordId), params.items.map((i) => i.attempt),
  ])
  const moved = parseEventLogs({ abi: enigmaRecordsAbi, eventName: 'RecordMoved', logs: r.receipt.logs }).map((l) => l.args.recordId)
  return { ...r, moved }
}
