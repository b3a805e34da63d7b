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
 *
 * Growth (issue #15, defect 9): beside each task record the store keeps small index keys, so nothing
 * periodic reads every record: `open:<id>` for tasks still waiting or computing (the deadline
 * sweeper walks these), `st:<state>:<id>` (counted once at open, then counts are kept in memory for
 * `/metrics`), and `ended:<ms>:<id>` in end-time order (pruning walks the oldest first).
 *
 * Signing (defect 5): a result and the node's signature over it are written in one batch with
 * `sync: true` *before* the attestation leaves the process, so a crash can never make the node
 * sign a second, different result for the same task (fixed-point outputs differ between runs).
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
  /** Earlier attempts of the task on this node (a re-run, issue #12): how each ended here. */
  readonly earlier?: readonly { readonly attempt: number; readonly state: TaskState; readonly reason?: string }[]
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

type Value = TaskRecord | ShareRecord | ResultRecord | Attestation | { hex: Hex } | string

export const TASK_STATES: readonly TaskState[] = ['waiting-inputs', 'computing', 'completed', 'failed', 'cancelled']
const ENDED: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'cancelled'])
/** Bumped when index keys change; an older database is indexed once at open. */
const INDEX_VERSION = '1'

export function isEnded(state: TaskState): boolean {
  return ENDED.has(state)
}

/** Attempt 0 keeps the original key; a re-run's shares sit beside it, under the same prefix (pruned with the task). */
const shareKey = (taskId: Hex, slot: string, attempt: number): string => attempt > 0 ? `share:${taskId}:@${attempt}/${slot}` : `share:${taskId}:${slot}`

const pad = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(16, '0')

export interface NodeStoreOptions {
  /** fsync every write (survives power loss, ~10× slower). Default false: survives kill -9. */
  readonly durable?: boolean
}

type Op = { type: 'put'; key: string; value: Value } | { type: 'del'; key: string }

export class NodeStore {
  readonly #db: ClassicLevel<string, Value>
  readonly #sync: boolean
  readonly #counts = new Map<TaskState, number>()

  constructor(dataDir: string, options: NodeStoreOptions = {}) {
    this.#db = new ClassicLevel<string, Value>(join(dataDir, 'db'), { valueEncoding: 'json' })
    this.#sync = options.durable ?? false
  }

  async open(): Promise<void> {
    await this.#db.open()
    if ((await this.#db.get('meta:index-version')) !== INDEX_VERSION) await this.#reindex()
    for (const s of TASK_STATES) this.#counts.set(s, 0)
    for await (const k of this.#db.keys({ gte: 'st:', lt: 'st;' })) {
      const state = k.slice(3, k.indexOf(':', 3)) as TaskState
      this.#counts.set(state, (this.#counts.get(state) ?? 0) + 1)
    }
  }

  /** A database written before the indexes existed: index it once (the only full scan). */
  async #reindex(): Promise<void> {
    const ops: Op[] = []
    for await (const v of this.#db.values({ gte: 'task:', lt: 'task;' })) ops.push(...this.#indexOps(undefined, v as TaskRecord))
    ops.push({ type: 'put', key: 'meta:index-version', value: INDEX_VERSION })
    await this.#db.batch(ops as never, { sync: true })
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

  /** Index keys that move a task from `prev` (undefined: new) to `next`. */
  #indexOps(prev: TaskRecord | undefined, next: TaskRecord): Op[] {
    const id = next.spec.taskId
    if (prev?.state === next.state) return []
    const ops: Op[] = []
    if (prev) ops.push({ type: 'del', key: `st:${prev.state}:${id}` })
    ops.push({ type: 'put', key: `st:${next.state}:${id}`, value: '' })
    if (isEnded(next.state)) {
      ops.push({ type: 'del', key: `open:${id}` })
      if (!prev || !isEnded(prev.state)) ops.push({ type: 'put', key: `ended:${pad(next.updatedAt)}:${id}`, value: id })
    } else {
      ops.push({ type: 'put', key: `open:${id}`, value: '' })
    }
    return ops
  }

  #count(prev: TaskRecord | undefined, next: TaskRecord): void {
    if (prev?.state === next.state) return
    if (prev) this.#counts.set(prev.state, Math.max(0, (this.#counts.get(prev.state) ?? 0) - 1))
    this.#counts.set(next.state, (this.#counts.get(next.state) ?? 0) + 1)
  }

  /** Write a task record with its index keys. Callers serialise writes per task (the runner's lock). */
  async putTask(record: TaskRecord, extra: Op[] = [], sync = this.#sync): Promise<void> {
    const prev = await this.getTask(record.spec.taskId)
    await this.#db.batch([
      { type: 'put', key: `task:${record.spec.taskId}`, value: record },
      ...this.#indexOps(prev, record), ...extra,
    ] as never, { sync })
    this.#count(prev, record)
  }

  /** Tasks still waiting for inputs or computing (an index: never a scan of every record). */
  async listOpenTasks(): Promise<TaskRecord[]> {
    const ids: string[] = []
    for await (const k of this.#db.keys({ gte: 'open:', lt: 'open;' })) ids.push(k.slice(5))
    const recs = ids.length ? await this.#db.getMany(ids.map((id) => `task:${id}`)) : []
    return recs.filter((r): r is TaskRecord => r !== undefined && typeof r === 'object' && 'spec' in r)
  }

  /** Tasks that ended at or after `sinceMs` (end-time index), oldest first. */
  async listEndedSince(sinceMs: number, limit = 10_000): Promise<TaskRecord[]> {
    const ids: string[] = []
    for await (const v of this.#db.values({ gte: `ended:${pad(sinceMs)}`, lt: 'ended;', limit })) ids.push(v as string)
    const recs = ids.length ? await this.#db.getMany(ids.map((id) => `task:${id}`)) : []
    return recs.filter((r): r is TaskRecord => r !== undefined && typeof r === 'object' && 'spec' in r)
  }

  /** Every task record (tests and tools only: O(all tasks)). */
  async listTasks(): Promise<TaskRecord[]> {
    const out: TaskRecord[] = []
    for await (const v of this.#db.values({ gte: 'task:', lt: 'task;' })) out.push(v as TaskRecord)
    return out
  }

  /** Tasks by state, kept in memory (for `/metrics`: no scan per scrape). */
  countsByState(): ReadonlyMap<TaskState, number> {
    return this.#counts
  }

  /**
   * Delete tasks that ended before `beforeMs` with their shares, results and signatures, oldest
   * first, at most `limit` per call. Returns how many were deleted.
   */
  async pruneEndedBefore(beforeMs: number, limit = 1_000): Promise<number> {
    const entries: [string, string][] = []
    for await (const [k, v] of this.#db.iterator({ gte: 'ended:', lt: `ended:${pad(beforeMs)}`, limit })) entries.push([k, v as string])
    for (const [key, id] of entries) {
      const rec = await this.getTask(id as Hex)
      await this.#db.clear({ gte: `share:${id}:`, lt: `share:${id};` })
      await this.#db.batch([
        { type: 'del', key }, { type: 'del', key: `task:${id}` }, { type: 'del', key: `result:${id}` }, { type: 'del', key: `signed:${id}` },
        { type: 'del', key: `open:${id}` }, ...(rec ? [{ type: 'del', key: `st:${rec.state}:${id}` }] : []),
      ] as never, { sync: this.#sync })
      if (rec) this.#counts.set(rec.state, Math.max(0, (this.#counts.get(rec.state) ?? 0) - 1))
    }
    return entries.length
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

  /** A slot's share envelope of one attempt (0: the client's; from 1 on, a re-run's, sealed by this node to itself). */
  getShare(taskId: Hex, slot: string, attempt = 0): Promise<ShareRecord | undefined> {
    return this.#get<ShareRecord>(shareKey(taskId, slot, attempt))
  }

  /**
   * A re-run's input shares (issue #12, src/node/rerun.ts): every slot's envelope of `attempt` and the
   * record marking them all received, in one synced batch (the hand-off cannot be repeated).
   */
  async putAttemptShares(attempt: number, shares: readonly ShareRecord[], task: TaskRecord): Promise<void> {
    const extra: Op[] = shares.map((sh) => ({ type: 'put', key: shareKey(sh.taskId, sh.slot, attempt), value: sh }))
    await this.putTask({ ...task, inputs: shares.map((sh) => sh.slot), updatedAt: Date.now() }, extra, true)
  }

  /**
   * The result, the node's signature over it and the task's `completed` state in one batch, always
   * with `sync: true` (whatever `durable` says): this record is what stops a restarted node from
   * signing a different result for the task, so it must be on disk before the signature is sent.
   */
  async putResult(result: ResultRecord, task: TaskRecord): Promise<void> {
    const extra: Op[] = [{ type: 'put', key: `result:${result.taskId}`, value: result }]
    if (result.attestation) extra.push({ type: 'put', key: `signed:${result.taskId}`, value: result.attestation })
    await this.putTask({ ...task, state: 'completed', updatedAt: Date.now() }, extra, true)
  }

  getResult(taskId: Hex): Promise<ResultRecord | undefined> {
    return this.#get<ResultRecord>(`result:${taskId}`)
  }

  /** The attestation this node signed for a task, if any (kept until the task is pruned). */
  getSigned(taskId: Hex): Promise<Attestation | undefined> {
    return this.#get<Attestation>(`signed:${taskId}`)
  }

  async putCircuit(codeHash: Hex, bytes: Uint8Array): Promise<void> {
    await this.#db.put(`circuit:${codeHash}`, { hex: `0x${Buffer.from(bytes).toString('hex')}` }, { sync: this.#sync })
  }

  async getCircuit(codeHash: Hex): Promise<Uint8Array | undefined> {
    const v = await this.#get<{ hex: Hex }>(`circuit:${codeHash}`)
    return v ? new Uint8Array(Buffer.from(v.hex.slice(2), 'hex')) : undefined
  }
}
