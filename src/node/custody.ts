/**
 * Custody of stored records (issue #11 §1, docs/state.md "Custody"): a node of a record's custody
 * committee takes its share from the owner, checked against the record on chain; keeps it in
 * LevelDB (custody-store.ts); refuses to hand it over for a use the chain does not back — no use
 * bound, the grant that paid revoked or expired, the record deleted — with an error that names the
 * revocation; and erases it once the owner deletes the record (it watches the chain's deletions,
 * and catches up on the ones it missed while down).
 *
 * The chain is reached through `RecordSource` (record-source.ts): the node never imports the chain.
 */
import { concat, keccak256, toHex } from 'viem'
import type { FieldName } from '../field/types.ts'
import type { FieldVector } from '../field/types.ts'
import type { ValueType } from '../circuit/types.ts'
import { slotCount } from '../circuit/values.ts'
import { getField } from '../field/create.ts'
import { EnigmaError } from '../common/errors.ts'
import { Secret } from '../common/secret.ts'
import { openEnvelope, EnvelopeError } from '../sharing/envelope.ts'
import type { NodeIdentity } from './identity.ts'
import type { Logger } from './log.ts'
import type { Hex } from './task-source.ts'
import type { ChainRecord, ChainRecordUse, RecordSource } from './record-source.ts'
import type { CustodyShare, CustodyStore, CustodyTombstone } from './custody-store.ts'
import { recordTypeHash } from './record-type.ts'
import { CUSTODY_INPUT } from './custody-input.ts'
import { custodyEnvelopeInput } from './custody-handoff-envelope.ts'

export { CUSTODY_INPUT }

/** A refusal of the custody service, with the HTTP status the client API answers it with. */
export class CustodyError extends EnigmaError {
  override name = 'CustodyError'
  constructor(readonly status: number, code: string, message: string) {
    super(code, message)
  }
}

export interface CustodySubmission {
  readonly index: number
  readonly envelope: Uint8Array
  /** keccak256 of every custodian's envelope, in custodian order (their hash is the chain's commitment). */
  readonly envelopeHashes: readonly Hex[]
  readonly type: ValueType
  readonly field: FieldName
}

export interface CustodyStatus {
  readonly recordId: Hex
  readonly held: boolean
  readonly index?: number
  readonly erased?: CustodyTombstone
}

export interface CustodyInit {
  readonly identity: NodeIdentity
  readonly source: RecordSource
  readonly store: CustodyStore
  readonly log: Logger
  /** How often deletions are read from the chain (ms, default 2 000). */
  readonly sweepMs?: number
}

export class CustodyService {
  readonly #init: CustodyInit
  #timer: ReturnType<typeof setTimeout> | undefined
  #cursor: bigint | undefined
  #sweeping: Promise<number> | undefined
  #stopped = false

  constructor(init: CustodyInit) {
    this.#init = init
  }

  /** Starts the deletion watch; its first pass catches up on deletions made while the node was down. */
  start(): void {
    this.#stopped = false
    const loop = async (): Promise<void> => {
      try { await this.sweep() } catch (e) { this.#init.log.warn('custody sweep failed', { err: e }) }
      if (!this.#stopped) this.#timer = setTimeout(() => { void loop() }, this.#init.sweepMs ?? 2_000)
    }
    void loop()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    await this.#sweeping?.catch(() => 0)
  }

  /** Erases the share of every held record deleted on chain since the last pass; returns how many. */
  sweep(): Promise<number> {
    this.#sweeping ??= (async () => {
      try {
        const { recordIds, nextBlock } = await this.#init.source.deletedSince(this.#cursor)
        let erased = 0
        for (const id of recordIds) if (await this.#erase(id, 'deleted by its owner on chain')) erased++
        this.#cursor = nextBlock
        return erased
      } finally {
        this.#sweeping = undefined
      }
    })()
    return this.#sweeping
  }

  async #erase(recordId: Hex, reason: string): Promise<boolean> {
    const held = await this.#init.store.erase(recordId, reason)
    if (held) this.#init.log.info('custody share erased', { recordId, reason })
    return held
  }

  async #record(recordId: Hex): Promise<ChainRecord> {
    const record = await this.#init.source.getRecord(recordId)
    if (!record) throw new CustodyError(404, 'RECORD_UNKNOWN', `no record ${recordId} on chain`)
    if (record.deletedAt !== 0n) {
      await this.#erase(recordId, 'deleted by its owner on chain')
      throw new CustodyError(410, 'RECORD_DELETED', `record ${recordId} was deleted by its owner (block ${record.deletedAt}); this node erased its share`)
    }
    return record
  }

  /**
   * Takes this node's share of a record after checking it against the chain: the record exists and is
   * live, this node is custodian `index`, the envelope is the one the owner committed to (its hash
   * is entry `index` of the hashes whose hash is the on-chain commitment), the type is the record's,
   * and the envelope opens to exactly the type's elements plus the pad of the degree check. The same
   * envelope again is a duplicate (200); any other is refused: a share is never swapped.
   */
  async accept(recordId: Hex, sub: CustodySubmission): Promise<{ accepted: true; duplicate: boolean }> {
    const id = recordId.toLowerCase() as Hex
    const record = await this.#record(id)
    // Once handed to a later epoch the owner's sharing is gone from the chain's view: never take it in then.
    if (record.handoff && record.handoff.epoch === record.epoch) {
      throw new CustodyError(409, 'RECORD_HANDED_OFF', `record ${id} was handed to the custodians of epoch ${record.epoch}; the owner's shares are no longer taken`)
    }
    const me = this.#init.identity.account.address.toLowerCase()
    const index = record.custodians.findIndex((c) => c.toLowerCase() === me)
    if (index < 0) throw new CustodyError(403, 'NODE_NOT_CUSTODIAN', `this node (${me}) is not a custodian of record ${id}`)
    if (sub.index !== index) throw new CustodyError(422, 'NODE_SHARE_INVALID', `this node is custodian ${index} of record ${id}, not ${sub.index}`)
    if (sub.envelopeHashes.length !== record.custodians.length) {
      throw new CustodyError(422, 'NODE_SHARE_INVALID', `expected ${record.custodians.length} envelope hashes, got ${sub.envelopeHashes.length}`)
    }
    if (keccak256(sub.envelope) !== sub.envelopeHashes[index]!.toLowerCase() || keccak256(concat([...sub.envelopeHashes])) !== record.commitment.toLowerCase()) {
      throw new CustodyError(422, 'NODE_SHARE_INVALID', `the envelope is not the one committed on chain for record ${id}`)
    }
    let typeHash: Hex
    try { typeHash = recordTypeHash({ type: sub.type, field: sub.field }) } catch { throw new CustodyError(400, 'BAD_SCHEMA', 'type is not a value type') }
    if (typeHash !== record.typeHash.toLowerCase()) throw new CustodyError(422, 'RECORD_TYPE_MISMATCH', `record ${id} has type hash ${record.typeHash}, the submission describes ${typeHash}`)
    const epoch = Number(record.epoch)
    this.#decode({ recordId: id, index, epoch, type: sub.type, field: sub.field, envelope: toHex(sub.envelope), receivedAt: 0 }).expose()
    const held = await this.#init.store.at(id, epoch, undefined)
    if (held) {
      if (held.envelope === toHex(sub.envelope)) return { accepted: true, duplicate: true }
      throw new CustodyError(409, 'NODE_SHARE_CONFLICT', `this node holds another share of record ${id}; a share is never replaced`)
    }
    await this.#init.store.put({ recordId: id, index, epoch, type: sub.type, field: sub.field, envelope: toHex(sub.envelope), receivedAt: Date.now() })
    this.#init.log.info('custody share stored', { recordId: id, index })
    return { accepted: true, duplicate: false }
  }

  async status(recordId: Hex): Promise<CustodyStatus> {
    const id = recordId.toLowerCase() as Hex
    const [held, erased] = await Promise.all([this.#init.store.get(id), this.#init.store.erased(id)])
    return { recordId: id, held: held !== undefined, ...(held ? { index: held.index } : {}), ...(erased ? { erased } : {}) }
  }

  /**
   * Would this node hand record `recordId` over to input `slot` of `taskId` now? Only for a use the
   * chain recorded (useRecord by the task's creator), whose paying grant is neither revoked nor
   * expired at the latest block, of a live record this node holds. Throws the refusal otherwise.
   */
  async checkUse(recordId: Hex, taskId: Hex, slot: number): Promise<{ share: CustodyShare; use: ChainRecordUse; record: ChainRecord }> {
    const id = recordId.toLowerCase() as Hex
    const erased = await this.#init.store.erased(id)
    if (erased) throw new CustodyError(410, 'RECORD_DELETED', `record ${id}: this node erased its share (${erased.reason})`)
    const now = await this.#record(id)
    // The share of the sharing the chain names now: the record's epoch, and the hand-off attempt that brought it there.
    const share = await this.#init.store.at(id, Number(now.epoch), now.handoff?.epoch === now.epoch ? now.handoff.attempt : undefined)
    if (!share) throw new CustodyError(404, 'NODE_RECORD_NOT_HELD', `this node holds no share of record ${id}`)
    const { use, record } = await checkChainUse(this.#init.source, id, taskId, slot)
    return { share, use, record }
  }

  /**
   * The checked use's share, decrypted, for the re-sharing to the task's committee (record-handoff.ts),
   * with this node's custodian position in the record's custodians *now* (read from the chain at use
   * time: an epoch hand-off may have moved the record). A share kept for another position is never
   * dealt: it would be evaluated at the wrong point.
   */
  async release(recordId: Hex, taskId: Hex, slot: number): Promise<{ share: Secret<FieldVector>; index: number; record: ChainRecord; held: CustodyShare }> {
    const { share, record } = await this.checkUse(recordId, taskId, slot)
    const me = this.#init.identity.account.address.toLowerCase()
    const index = record.custodians.findIndex((c) => c.toLowerCase() === me)
    if (index < 0 || index !== share.index) {
      throw new CustodyError(409, 'NODE_NOT_CUSTODIAN', `this node holds share ${share.index} of record ${share.recordId} but is ${index < 0 ? 'no longer a custodian' : `custodian ${index}`} on chain`)
    }
    return { share: this.#decode(share), index, record, held: share }
  }

  /** Opens a held share's envelope (the owner's, or the node's own for a handed-off share). */
  open(share: CustodyShare): Secret<FieldVector> {
    return this.#decode(share)
  }

  #decode(share: CustodyShare): Secret<FieldVector> {
    const field = getField(share.field)
    let plain: Uint8Array
    try {
      plain = openEnvelope(this.#init.identity.encryptionSecretKey, hexBytes(share.envelope), { taskId: share.recordId, input: custodyEnvelopeInput(share), nodeIndex: share.index }).expose()
    } catch (e) {
      if (e instanceof EnvelopeError) throw new CustodyError(422, 'NODE_SHARE_INVALID', `share of record ${share.recordId} rejected: ${e.shortMessage}`)
      throw e
    }
    const elements = slotCount(share.type) + 1
    if (plain.length !== elements * field.bytes) {
      throw new CustodyError(422, 'NODE_SHARE_INVALID', `share of record ${share.recordId} holds ${plain.length} bytes, expected ${elements - 1} + 1 (pad) elements of ${field.bytes} bytes`)
    }
    try {
      return new Secret(field.decode(plain), 'custody share')
    } catch {
      throw new CustodyError(422, 'NODE_SHARE_INVALID', `share of record ${share.recordId} holds non-canonical field elements`)
    }
  }
}

/**
 * The chain's side of a use, as every party of a hand-off checks it at the latest block (custodians
 * before they deal, task members before they accept): the record exists and is live, input `slot` of
 * `taskId` is bound to it (useRecord by the task's creator), and the grant that paid is neither
 * revoked — the refusal names the revocation — nor expired by chain time.
 */
export async function checkChainUse(source: RecordSource, recordId: Hex, taskId: Hex, slot: number): Promise<{ use: ChainRecordUse; record: ChainRecord }> {
  const id = recordId.toLowerCase() as Hex
  const record = await source.getRecord(id)
  if (!record) throw new CustodyError(404, 'RECORD_UNKNOWN', `no record ${id} on chain`)
  if (record.deletedAt !== 0n) throw new CustodyError(410, 'RECORD_DELETED', `record ${id} was deleted by its owner (block ${record.deletedAt})`)
  const use = await source.getUse(taskId, slot)
  if (!use || use.recordId.toLowerCase() !== id) {
    throw new CustodyError(403, 'RECORD_NOT_GRANTED', `input slot ${slot} of task ${taskId} is not bound to record ${id} on chain (useRecord)`)
  }
  if (use.grant.revokedAt !== 0n) {
    throw new CustodyError(403, 'RECORD_REVOKED', `record ${id}: the owner revoked the grant for contract ${use.codeHash} and requester ${use.requester} at block ${use.grant.revokedAt}; this node will not hand the record over`)
  }
  if (use.grant.expiry !== 0n && use.now > use.grant.expiry) {
    throw new CustodyError(403, 'RECORD_EXPIRED', `record ${id}: the grant for contract ${use.codeHash} expired at ${new Date(Number(use.grant.expiry) * 1000).toISOString()}`)
  }
  return { use, record }
}

function hexBytes(hex: Hex): Uint8Array {
  return new Uint8Array(Buffer.from(hex.slice(2), 'hex'))
}
