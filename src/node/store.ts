/**
 * The node's LevelDB (classic-level) under `<dataDir>/db`: task records, received input-share
 * envelopes, results and compiled circuits. Every write that a client or peer is told about is
 * awaited *before* the acknowledgement (write-before-ack), so `kill -9` loses nothing acknowledged:
 * LevelDB appends each write to its log with write(2) before the promise resolves, and the kernel
 * keeps that data when the process dies. (Surviving a power cut needs `sync: true`; see
 * `durable` below and docs/node.md.)
 *
 * Shares are stored as the client's ciphertext envelope, never decrypted: a stolen disk reveals no
 * share without the node's X25519 key.
 */
import { ClassicLevel } from 'classic-level'
import { join } from 'node:path'
import type { Attestation, Hex, TaskSpec } from './task-source.ts'
import { NodeError } from './errors.ts'

export type TaskState = 'waiting-inputs' | 'computing' | 'completed' | 'failed' | 'cancelled'

export interface TaskRecord {
  readonly spec: TaskSpec
  readonly state: TaskState
  /** Why a task failed or was cancelled (no secrets). */
  readonly reason?: string
  /** Slot names for which this node holds a verified envelope. */
  readonly inputs: readonly string[]
  readonly createdAt: number
  readonly updatedAt: number
}

export interface ShareRecord {
  readonly taskId: Hex
  readonly slot: string
  /** The client's envelope, hex, as received (still encrypted). */
  readonly envelope: Hex
  readonly receivedAt: number
}

export interface ResultRecord {
  readonly taskId: Hex
  readonly outputHash: Hex
  readonly publicOutputs: Hex
  /** Public outputs by name, as decimal strings (JSON has no bigint). */
  readonly publicValues: Readonly<Record<string, string[]>>
  /** Encrypted output shares by output name: envelopes to the recipient's key (hex). */
  readonly outputShares: Readonly<Record<string, { recipient: Hex; envelope: Hex }>>
  readonly attestation?: Attestation
  readonly completedAt: number
}

type Value = TaskRecord | ShareRecord | ResultRecord | { hex: Hex }

export interface NodeStoreOptions {
  /** fsync every write (survives power loss, ~10× slower). Default false: survives kill -9. */
  readonly durable?: boolean
}

export class NodeStore {
  readonly #db: ClassicLevel<string, Value>
  readonly #sync: boolean

  constructor(dataDir: string, options: NodeStoreOptions = {}) {
    this.#db = new ClassicLevel<string, Value>(join(dataDir, 'db'), { valueEncoding: 'json' })
    this.#sync = options.durable ?? false
  }

  async open(): Promise<void> {
    await this.#db.open()
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  async #get<T extends Value>(key: string): Promise<T | undefined> {
    if (this.#db.status !== 'open') throw new NodeError('NODE_STORE_CLOSED', 'store is not open')
    return (await this.#db.get(key)) as T | undefined
  }

  getTask(taskId: Hex): Promise<TaskRecord | undefined> {
    return this.#get<TaskRecord>(`task:${taskId}`)
  }

  async putTask(record: TaskRecord): Promise<void> {
    await this.#db.put(`task:${record.spec.taskId}`, record, { sync: this.#sync })
  }

  async listTasks(): Promise<TaskRecord[]> {
    const out: TaskRecord[] = []
    for await (const v of this.#db.values({ gte: 'task:', lt: 'task;' })) out.push(v as TaskRecord)
    return out
  }

  /**
   * Store a verified envelope and mark the slot filled in one atomic batch. Returns false (and writes
   * nothing) if the slot already holds an envelope: a client cannot swap its share after the fact.
   */
  async putShare(share: ShareRecord, task: TaskRecord): Promise<boolean> {
    const key = `share:${share.taskId}:${share.slot}`
    if (await this.#get(key)) return false
    const updated: TaskRecord = { ...task, inputs: [...task.inputs, share.slot], updatedAt: Date.now() }
    await this.#db.batch([
      { type: 'put', key, value: share as Value },
      { type: 'put', key: `task:${task.spec.taskId}`, value: updated as Value },
    ] as const, { sync: this.#sync })
    return true
  }

  getShare(taskId: Hex, slot: string): Promise<ShareRecord | undefined> {
    return this.#get<ShareRecord>(`share:${taskId}:${slot}`)
  }

  async putResult(result: ResultRecord, task: TaskRecord): Promise<void> {
    await this.#db.batch([
      { type: 'put', key: `result:${result.taskId}`, value: result as Value },
      { type: 'put', key: `task:${task.spec.taskId}`, value: { ...task, state: 'completed', updatedAt: Date.now() } as TaskRecord as Value },
    ] as const, { sync: this.#sync })
  }

  getResult(taskId: Hex): Promise<ResultRecord | undefined> {
    return this.#get<ResultRecord>(`result:${taskId}`)
  }

  async putCircuit(codeHash: Hex, bytes: Uint8Array): Promise<void> {
    await this.#db.put(`circuit:${codeHash}`, { hex: `0x${Buffer.from(bytes).toString('hex')}` }, { sync: this.#sync })
  }

  async getCircuit(codeHash: Hex): Promise<Uint8Array | undefined> {
    const v = await this.#get<{ hex: Hex }>(`circuit:${codeHash}`)
    return v ? new Uint8Array(Buffer.from(v.hex.slice(2), 'hex')) : undefined
  }
}
