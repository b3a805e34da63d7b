/**
 * Custody shares in LevelDB (classic-level) under `<dataDir>/custody`, beside the task store
 * (store.ts) and with its rules: a share is written before it is acknowledged (write-before-ack, so
 * `kill -9` loses nothing acknowledged) and kept as the owner's envelope, never decrypted on disk (a
 * stolen disk reveals nothing without the node's X25519 key). Erasing a record removes its envelope
 * and leaves a tombstone, so a deleted record is never taken in again.
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
  readonly type: ValueType
  readonly field: FieldName
  /** The owner's envelope, hex, as received (still encrypted). */
  readonly envelope: Hex
  readonly receivedAt: number
}

export interface CustodyTombstone {
  readonly recordId: Hex
  readonly erasedAt: number
  readonly reason: string
}

type Value = CustodyShare | CustodyTombstone

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

  get(recordId: Hex): Promise<CustodyShare | undefined> {
    return this.#get<CustodyShare>(`share:${recordId.toLowerCase()}`)
  }

  erased(recordId: Hex): Promise<CustodyTombstone | undefined> {
    return this.#get<CustodyTombstone>(`erased:${recordId.toLowerCase()}`)
  }

  /** Stores a checked share; false (nothing written) if one is held already. */
  async put(share: CustodyShare): Promise<boolean> {
    const key = `share:${share.recordId.toLowerCase()}`
    if (await this.#get(key)) return false
    await this.#db.put(key, share, { sync: this.#sync })
    return true
  }

  /** Removes the share for good and remembers why, in one batch (always synced: erasure is a promise to the owner). */
  async erase(recordId: Hex, reason: string): Promise<boolean> {
    const id = recordId.toLowerCase()
    const held = await this.#get(`share:${id}`)
    await this.#db.batch([
      { type: 'del', key: `share:${id}` },
      { type: 'put', key: `erased:${id}`, value: { recordId: id as Hex, erasedAt: Date.now(), reason } },
    ], { sync: true })
    return held !== undefined
  }

  /** Ids of every record this node holds a share of. */
  async heldIds(): Promise<Hex[]> {
    const out: Hex[] = []
    for await (const k of this.#db.keys({ gte: 'share:', lt: 'share;' })) out.push(k.slice(6) as Hex)
    return out
  }
}
