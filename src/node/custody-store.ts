/**
 * Custody shares in LevelDB (classic-level) under `<dataDir>/custody`, beside the task store
 * (store.ts) and with its rules: a share is written before it is acknowledged (write-before-ack, so
 * `kill -9` loses nothing acknowledged) and kept as an envelope, never decrypted on disk (a stolen
 * disk reveals nothing without the node's X25519 key): the owner's envelope, or for a share a custody
 * hand-off gave this node (custody-handoff.ts), an envelope the node sealed to its own key. Erasing a
 * record removes its envelopes and leaves a tombstone, so a deleted record is never taken in again.
 *
 * Keys (issue #11 §3): one record has a share per custody epoch it passed through here, and within an
 * epoch one per hand-off attempt, each under its own key `share:<id>:<epoch>:<attempt | owner>`, so an
 * old epoch's share and a new one's (or two attempts' of one epoch, which are different sharings)
 * never mix: readers ask for the exact (epoch, attempt) the chain names. An erased share leaves
 * `gone:<id>:<epoch>:<attempt | owner>` with the reason.
 */
import { ClassicLevel } from 'classic-level'
import { join } from 'node:path'
import type { FieldName } from '../field/types.ts'
import type { ValueType } from '../circuit/types.ts'
import type { Hex } from './task-source.ts'
import { NodeError } from './errors.ts'

export interface CustodyShare {
  readonly recordId: Hex
  /** This node's custodian index (its share is the evaluation at index + 1). */
  readonly index: number
  /** The custody epoch whose sharing this share belongs to. */
  readonly epoch?: number
  /** The hand-off attempt that produced it (custody-handoff.ts); absent: the owner's own share. */
  readonly attempt?: number
  readonly type: ValueType
  readonly field: FieldName
  /** The envelope, hex, still encrypted (the owner's, or sealed by this node to itself for a hand-off share). */
  readonly envelope: Hex
  readonly receivedAt: number
}

export interface CustodyTombstone {
  readonly recordId: Hex
  readonly erasedAt: number
  readonly reason: string
}

type Value = CustodyShare | CustodyTombstone

/** The store key of one share: record, epoch (fixed width, so keys sort by epoch), attempt or `owner`. */
export function shareKey(recordId: Hex, epoch: number | undefined, attempt: number | undefined): string {
  return `${recordId.toLowerCase()}:${(epoch ?? 0).toString(16).padStart(16, '0')}:${attempt === undefined ? 'owner' : attempt.toString(16).padStart(8, '0')}`
}

export class CustodyStore {
  readonly #db: ClassicLevel<string, Value>
  readonly #sync: boolean

  constructor(dataDir: string, options: { durable?: boolean } = {}) {
    this.#db = new ClassicLevel<string, Value>(join(dataDir, 'custody'), { valueEncoding: 'json' })
    this.#sync = options.durable ?? false
  }

  open(): Promise<void> {
    return this.#db.open()
  }

  close(): Promise<void> {
    return this.#db.close()
  }

  async #get<T extends Value>(key: string): Promise<T | undefined> {
    if (this.#db.status !== 'open') throw new NodeError('NODE_STORE_CLOSED', 'custody store is not open')
    return (await this.#db.get(key)) as T | undefined
  }

  /** The share of the newest epoch this node holds of the record (see `at` for the exact one the chain names). */
  async get(recordId: Hex): Promise<CustodyShare | undefined> {
    const all = await this.shares(recordId)
    return all[all.length - 1]
  }

  /** The share of exactly (epoch, attempt); attempt undefined = the owner's own share. */
  at(recordId: Hex, epoch: number, attempt: number | undefined): Promise<CustodyShare | undefined> {
    return this.#get<CustodyShare>(`share:${shareKey(recordId, epoch, attempt)}`)
  }

  /** Every share held of the record, oldest epoch first. */
  shares(recordId: Hex): Promise<CustodyShare[]> {
    const id = recordId.toLowerCase()
    return this.#values(`share:${id}:`, `share:${id};`)
  }

  /** Every share held, of every record and epoch. */
  allShares(): Promise<CustodyShare[]> {
    return this.#values('share:', 'share;')
  }

  async #values(gte: string, lt: string): Promise<CustodyShare[]> {
    if (this.#db.status !== 'open') throw new NodeError('NODE_STORE_CLOSED', 'custody store is not open')
    const out: CustodyShare[] = []
    for await (const v of this.#db.values({ gte, lt })) out.push(v as CustodyShare)
    return out
  }

  /** Why the share of (epoch, attempt) was erased, if it was. */
  gone(recordId: Hex, epoch: number, attempt: number | undefined): Promise<CustodyTombstone | undefined> {
    return this.#get<CustodyTombstone>(`gone:${shareKey(recordId, epoch, attempt)}`)
  }

  erased(recordId: Hex): Promise<CustodyTombstone | undefined> {
    return this.#get<CustodyTombstone>(`erased:${recordId.toLowerCase()}`)
  }

  /**
   * Stores a checked share under its (epoch, attempt); false (nothing written) if that one is held
   * already. `durable` forces a synced write whatever the store's default: a hand-off share is
   * confirmed on chain right after, and a confirmation must never outlive the share it vouches for.
   */
  async put(share: CustodyShare, options: { durable?: boolean } = {}): Promise<boolean> {
    const key = `share:${shareKey(share.recordId, share.epoch, share.attempt)}`
    if (await this.#get(key)) return false
    await this.#db.put(key, share, { sync: options.durable ?? this.#sync })
    return true
  }

  /** Removes every share of the record for good and remembers why, in one batch (always synced: erasure is a promise to the owner). */
  async erase(recordId: Hex, reason: string): Promise<boolean> {
    const id = recordId.toLowerCase() as Hex
    const held = await this.shares(id)
    await this.#db.batch([
      ...held.map((s) => ({ type: 'del' as const, key: `share:${shareKey(id, s.epoch, s.attempt)}` })),
      { type: 'put', key: `erased:${id}`, value: { recordId: id, erasedAt: Date.now(), reason } },
    ], { sync: true })
    return held.length > 0
  }

  /** Removes one share (an old epoch's after its hand-off was recorded, or a superseded attempt's), synced, and remembers why. */
  async eraseShare(share: CustodyShare, reason: string): Promise<void> {
    const key = shareKey(share.recordId, share.epoch, share.attempt)
    await this.#db.batch([
      { type: 'del', key: `share:${key}` },
      { type: 'put', key: `gone:${key}`, value: { recordId: share.recordId.toLowerCase() as Hex, erasedAt: Date.now(), reason } },
    ], { sync: true })
  }

  /** Ids of every record this node holds a share of. */
  async heldIds(): Promise<Hex[]> {
    const out = new Set<Hex>()
    for await (const k of this.#db.keys({ gte: 'share:', lt: 'share;' })) out.add(k.slice(6, 6 + 66) as Hex)
    return [...out]
  }
}
