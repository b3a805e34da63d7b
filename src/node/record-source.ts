/**
 * What a custodian needs to know from the chain about records (docs/state.md "Custody"), as an
 * interface: the node layer never imports the chain layer (DESIGN.md §5); src/chain/record-source.ts
 * implements it over contracts/EnigmaRecords.sol and the CLI wires it in.
 */
import type { Hex } from './task-source.ts'

export interface ChainRecord {
  readonly recordId: Hex
  readonly owner: Hex
  readonly epoch: bigint
  /** Block of deletion, 0n = live. */
  readonly deletedAt: bigint
  readonly t: number
  readonly typeHash: Hex
  /** keccak256 of the concatenated keccak256 hashes of the custodians' envelopes, in custodian order. */
  readonly commitment: Hex
  /** Custodian i holds share i (evaluation point i + 1): the committee of the record's current epoch. */
  readonly custodians: readonly Hex[]
  /**
   * The custody hand-off tally (custody-handoff.ts), absent while the record never moved: the epoch
   * and attempt confirmations count for and a bit per confirming custodian position of that epoch.
   * `handoff.epoch === epoch`: the record came to its custodians by hand-off attempt
   * `handoff.attempt` (not from its owner), and `handoff.votes` names the custodians that hold it
   * (the others missed that attempt and hold nothing of this epoch). `handoff.epoch > epoch`: a
   * hand-off is being confirmed.
   */
  readonly handoff?: { readonly epoch: bigint; readonly attempt: number; readonly votes: number }
}

export interface ChainGrant {
  /** Unix seconds, 0n = never. */
  readonly expiry: bigint
  readonly maxUses: number
  readonly used: number
  readonly grantedAt: bigint
  /** Block of revocation, 0n = not revoked. */
  readonly revokedAt: bigint
}

/** A task input slot bound to a record on chain (the RecordUsed event) and the grant that paid. */
export interface ChainRecordUse {
  readonly recordId: Hex
  readonly taskId: Hex
  readonly slot: number
  readonly codeHash: Hex
  readonly requester: Hex
  /** The grant as it is now (a later revocation shows here). */
  readonly grant: ChainGrant
  /** Timestamp of the latest block (expiry is checked against chain time, not the node's clock). */
  readonly now: bigint
}

/** A `RecordUsed` event: input `slot` (index in the task's slot list) of `taskId` was bound to `recordId`. */
export interface RecordUseEvent {
  readonly recordId: Hex
  readonly taskId: Hex
  readonly slot: number
}

/** Where a registered node is reached (the controller's registry). */
export interface NodePeer {
  readonly peerId: string
  readonly multiaddrs: readonly string[]
}

export interface RecordSource {
  /** The record as the chain holds it now, or undefined if no such record exists. */
  getRecord(recordId: Hex): Promise<ChainRecord | undefined>
  /** The record bound to input `slot` of `taskId`, or undefined if none is. */
  getUse(taskId: Hex, slot: number): Promise<ChainRecordUse | undefined>
  /**
   * Ids of records deleted from block `fromBlock` on (undefined: since the contract's deployment),
   * and the block to ask from next time.
   */
  deletedSince(fromBlock: bigint | undefined): Promise<{ readonly recordIds: readonly Hex[]; readonly nextBlock: bigint }>
  /**
   * Uses bound from block `fromBlock` on (undefined: since the contract's deployment), and the block to
   * ask from next time: what drives the hand-off of a record to a task's committee (record-handoff.ts).
   */
  usesSince(fromBlock: bigint | undefined): Promise<{ readonly uses: readonly RecordUseEvent[]; readonly nextBlock: bigint }>
  /** The registered node of `account` (a custodian), or undefined if the account has no node. */
  nodePeer(account: Hex): Promise<NodePeer | undefined>
}
