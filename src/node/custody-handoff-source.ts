/**
 * What the custody hand-off of a node (custody-handoff.ts) needs from the chain, as an interface (the
 * node layer never imports the chain, DESIGN.md §5): the current custody epoch and chain time, an
 * epoch's committee resolved to MPC members, the live records, and this node's confirmation of the
 * shares it received. src/chain/custody-handoff-source.ts implements it over contracts/EnigmaRecords.sol.
 */
import type { Hex } from './task-source.ts'
import type { ChainRecord } from './record-source.ts'

export interface CustodyMember {
  readonly account: Hex
  /** libp2p peer id and addresses from the controller's registry. */
  readonly peerId: string
  readonly multiaddrs: readonly string[]
}

export interface CustodyEpochView {
  readonly epoch: bigint
  /** Chain time (unix seconds) of the draw: hand-off attempt k of this epoch runs in slot k after it. */
  readonly startedAt: bigint
  readonly t: number
  /** In share order: custodian i holds the evaluation at i + 1. */
  readonly custodians: readonly CustodyMember[]
}

export interface HandoffClock {
  /** The current epoch; undefined before the first is drawn. */
  readonly epoch: CustodyEpochView | undefined
  /** Timestamp of the latest block: every node derives the same attempt from it. */
  readonly now: bigint
  /** Length of one attempt slot (seconds, the records contract's `handoffSlot`). */
  readonly slotSeconds: bigint
}

export interface HandoffSource {
  current(): Promise<HandoffClock>
  /** A drawn epoch's committee, resolved to MPC members. */
  epoch(epoch: bigint): Promise<CustodyEpochView>
  /** Every live (not deleted) record, as the chain holds it now. */
  liveRecords(): Promise<readonly ChainRecord[]>
  /** This node states that it holds these records' new shares of `epoch` durably (one transaction). */
  confirm(epoch: bigint, items: readonly { readonly recordId: Hex; readonly attempt: number }[]): Promise<void>
}
