/**
 * This node's shares of contract state versions in LevelDB (classic-level) under `<dataDir>/state`,
 * keyed (stateId, version, task that wrote it): a version is kept from before the node signs the task
 * that wrote it (so a receipt never names holders that lost their share to a crash) until the chain
 * records the next version (so a failed task loses nothing). Shares are sealed to the node's own X25519
 * key with the input envelope (src/sharing/envelope.ts): a stolen disk alone reveals nothing.
 */
import { ClassicLevel } from 'classic-level'
import { join } from 'node:path'
import type { Field, FieldName, FieldVector } from '../field/types.ts'
import { openEnvelope, sealEnvelope } from '../sharing/envelope.ts'
import type { NodeIdentity } from './identity.ts'
import type { Hex } from './task-source.ts'
import { NodeError } from './errors.ts'

export interface StateShareKey {
  readonly stateId: Hex
  readonly version: bigint
  /** The task whose computation produced this version. */
  readonly taskId: Hex
}

interface Stored {
  readonly stateId: Hex
  readonly version: string
  readonly taskId: Hex
  readonly field: string
  readonly envelope: Hex
  readonly storedAt: number
}

const keyOf = (k: StateShareKey): string => `share:${k.stateId.toLowerCase()}:${k.version.toString().padStart(20, '0')}:${k.taskId.toLowerCase()}`
const ctxOf = (k: StateShareKey) => ({ taskId: k.taskId, input: `@state:${k.stateId.toLowerCase()}:${k.version}`, nodeIndex: 0 })

export class StateStore {
  readonly #db: ClassicLevel<string, Stored>
  readonly #identity: NodeIdentity

  constructor(dataDir: string, identity: NodeIdentity) {
    this.#db = new ClassicLevel<string, Stored>(join(dataDir, 'state'), { valueEncoding: 'json' })
    this.#identity = identity
  }

  open(): Promise<void> {
    return this.#db.open()
  }

  close(): Promise<void> {
    return this.#db.close()
  }

  #open(): void {
    if (this.#db.status !== 'open') throw new NodeError('NODE_STORE_CLOSED', 'state store is not open')
  }

  /** Writes this node's share of a version, synced (it is written before the node signs the task). */
  async put(k: StateShareKey, field: Field, shares: FieldVector): Promise<void> {
    this.#open()
    const env = sealEnvelope(this.#identity.encryptionPublicKey, field.encode(shares), ctxOf(k))
    const value: Stored = { stateId: k.stateId, version: k.version.toString(), taskId: k.taskId, field: field.name, envelope: `0x${Buffer.from(env).toString('hex')}`, storedAt: Date.now() }
    await this.#db.put(keyOf(k), value, { sync: true })
  }

  async get(k: StateShareKey, field: Field): Promise<FieldVector | undefined> {
    this.#open()
    const v = await this.#db.get(keyOf(k))
    if (!v) return undefined
    if (v.field !== field.name) throw new NodeError('NODE_TASK_STATE', `state ${k.stateId} v${k.version} is held over ${v.field}, the circuit computes over ${field.name}`)
    const plain = openEnvelope(this.#identity.encryptionSecretKey, Buffer.from(v.envelope.slice(2), 'hex'), ctxOf(k)).expose()
    return field.decode(plain)
  }

  /** The field a held version's shares are over (undefined: not held). */
  async fieldOf(k: StateShareKey): Promise<FieldName | undefined> {
    this.#open()
    return (await this.#db.get(keyOf(k)))?.field as FieldName | undefined
  }

  /** Every version this node holds a share of. */
  async list(): Promise<StateShareKey[]> {
    this.#open()
    const out: StateShareKey[] = []
    for await (const v of this.#db.values({ gte: 'share:', lt: 'share;' })) out.push({ stateId: v.stateId, version: BigInt(v.version), taskId: v.taskId })
    return out
  }

  async erase(k: StateShareKey): Promise<void> {
    this.#open()
    await this.#db.del(keyOf(k), { sync: true })
  }
}
