/**
 * The task runner (issue #4): follows the `TaskSource`, keeps each task's record in LevelDB, accepts
 * and checks this node's encrypted input shares, runs the engine with the task's committee over the
 * libp2p MPC transport once every slot is filled, delivers outputs (public values; shares encrypted
 * to their recipient) and signs an attestation for the chain layer.
 *
 * States: waiting-inputs → computing → completed | failed; cancelled from the source at any time
 * before completion. Crash rules: a task found `computing` at start-up was cut mid-computation (its
 * in-memory MPC state is gone, and peers have moved on or failed), so it ends `failed` with that
 * reason; a task `waiting-inputs` simply continues: every acknowledged share is on disk.
 */
import { verifyMessage, keccak256, encodeAbiParameters } from 'viem'
import { getField, type Field, type FieldVector } from '../field/index.ts'
import type { Circuit } from '../circuit/index.ts'
import { isEnigmaError } from '../common/errors.ts'
import { openEnvelope, sealEnvelope, inputSubmissionMessage, EnvelopeError } from '../sharing/envelope.ts'
import { signAttestation } from './attestation.ts'
import type { Attestation, Hex, ReceiptDomain, TaskEvent, TaskSource, TaskSpec } from './task-source.ts'
import type { NodeStore, ResultRecord, TaskRecord, TaskState } from './store.ts'
import type { MpcNetwork, Libp2pSessionTransport } from './mpc-network.ts'
import type { CircuitProvider } from './circuits.ts'
import type { ComputeFn, DealtSlot } from './compute.ts'
import type { NodeIdentity } from './identity.ts'
import type { Logger } from './log.ts'
import type { NodeMetrics } from './metrics.ts'
import { NodeError } from './errors.ts'
import { checkSlotsCover, slotLayout } from './slots.ts'

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'
/** Receipt domain for tasks that name none (local file source, devnet without a controller). */
export const LOCAL_DOMAIN: ReceiptDomain = { chainId: 31337, verifyingContract: ZERO_ADDRESS }

export interface TaskRunnerInit {
  readonly identity: NodeIdentity
  readonly store: NodeStore
  readonly net: MpcNetwork
  readonly circuits: CircuitProvider
  readonly source: TaskSource
  readonly compute: ComputeFn | undefined
  readonly log: Logger
  readonly metrics: NodeMetrics
  /** Receive deadline of MPC frames (ms): how long a silent peer is waited for. */
  readonly mpcTimeoutMs?: number
  /** Upper bound of one computation (ms). */
  readonly computeTimeoutMs?: number
  /** How long members wait for each other before the first protocol message (ms). */
  readonly startTimeoutMs?: number
  /** Called when a task ends (tests, gossip). */
  readonly onTaskEnd?: (taskId: Hex, state: TaskState, reason?: string) => void
}

export interface SubmitResult {
  readonly accepted: boolean
  /** True when the same envelope was already stored (an idempotent retry). */
  readonly duplicate: boolean
  readonly received: number
  readonly expected: number
}

export class TaskRunner {
  readonly #init: TaskRunnerInit
  readonly #log: Logger
  readonly #locks = new Map<Hex, Promise<unknown>>()
  readonly #running = new Map<Hex, AbortController>()
  #unsubscribe: (() => void) | undefined
  #sweeper: ReturnType<typeof setInterval> | undefined
  #stopped = false

  constructor(init: TaskRunnerInit) {
    this.#init = init
    this.#log = init.log.child({ component: 'task-runner' })
  }

  get peerId(): string {
    return this.#init.identity.peerId
  }

  async start(): Promise<void> {
    for (const rec of await this.#init.store.listTasks()) {
      if (rec.state === 'computing') {
        await this.#end(rec, 'failed', 'interrupted: the node stopped during the computation')
      } else if (rec.state === 'waiting-inputs') {
        this.#init.net.expect(rec.spec.taskId, rec.spec.committee)
        void this.#prepare(rec.spec)
      }
    }
    this.#unsubscribe = this.#init.source.subscribe((e) => { void this.#onEvent(e) })
    for (const spec of await this.#init.source.openTasks()) await this.#onEvent({ kind: 'created', task: spec })
    this.#sweeper = setInterval(() => { void this.#sweepDeadlines() }, 2_000)
    this.#sweeper.unref()
  }

  /** A task still missing inputs at its deadline can never complete: end it, naming what is missing. */
  async #sweepDeadlines(): Promise<void> {
    if (this.#stopped) return
    try {
      const now = Date.now() / 1000
      for (const rec of await this.#init.store.listTasks()) {
        if (rec.state !== 'waiting-inputs' || rec.spec.deadline > now) continue
        await this.#withLock(rec.spec.taskId, async () => {
          const cur = await this.#init.store.getTask(rec.spec.taskId)
          if (!cur || cur.state !== 'waiting-inputs') return
          const missing = cur.spec.inputSlots.map((s) => s.name).filter((n) => !cur.inputs.includes(n))
          await this.#end(cur, 'failed', `timeout: deadline passed with ${missing.length} input slot(s) missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`)
        })
      }
    } catch (err) {
      if (!this.#stopped) this.#log.warn('deadline sweep failed', { err })
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#unsubscribe?.()
    if (this.#sweeper) clearInterval(this.#sweeper)
    for (const ac of this.#running.values()) ac.abort(new NodeError('NODE_TASK_STATE', 'node stopping'))
    await Promise.allSettled([...this.#locks.values()])
  }

  /** Serialise work on one task (submissions and state changes): read-modify-write of its record. */
  #withLock<T>(taskId: Hex, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(taskId) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const tail = next.catch(() => {})
    this.#locks.set(taskId, tail)
    void tail.then(() => { if (this.#locks.get(taskId) === tail) this.#locks.delete(taskId) })
    return next
  }

  #myIndex(spec: TaskSpec): number {
    return spec.committee.findIndex((m) => m.peerId === this.peerId)
  }

  async #onEvent(e: TaskEvent): Promise<void> {
    if (this.#stopped) return
    try {
      if (e.kind === 'created') {
        const spec = e.task
        if (this.#myIndex(spec) < 0) return
        await this.#withLock(spec.taskId, async () => {
          if (await this.#init.store.getTask(spec.taskId)) return
          const now = Date.now()
          await this.#init.store.putTask({ spec, state: 'waiting-inputs', inputs: [], createdAt: now, updatedAt: now })
          this.#log.info('task accepted', { taskId: spec.taskId, n: spec.n, t: spec.t, security: spec.security, slots: spec.inputSlots.length })
        })
        this.#init.net.expect(spec.taskId, spec.committee)
        void this.#prepare(spec)
      } else if (e.kind === 'cancelled') {
        await this.#withLock(e.taskId, async () => {
          const rec = await this.#init.store.getTask(e.taskId)
          if (rec && rec.state !== 'completed' && rec.state !== 'failed') await this.#end(rec, 'cancelled', e.reason)
        })
        this.#running.get(e.taskId)?.abort(new NodeError('NODE_TASK_STATE', `cancelled: ${e.reason}`))
      }
    } catch (err) {
      this.#log.error('task event failed', { kind: e.kind, err })
    }
  }

  /** Fetch and check the circuit early, so input checks and the computation need not wait for it. */
  async #prepare(spec: TaskSpec): Promise<Circuit | undefined> {
    try {
      const circuit = await this.#init.circuits.get(spec.codeHash)
      checkSlotsCover(circuit, spec.inputSlots.map((s) => s.name))
      await this.#maybeCompute(spec.taskId)
      return circuit
    } catch (e) {
      if (this.#stopped) return undefined
      this.#log.warn('circuit not ready', { taskId: spec.taskId, codeHash: spec.codeHash, err: e })
      await this.#withLock(spec.taskId, async () => {
        const rec = await this.#init.store.getTask(spec.taskId)
        if (rec && rec.state === 'waiting-inputs' && isEnigmaError(e) && (e.code === 'NODE_CIRCUIT_MISMATCH' || e.code === 'NODE_SLOT_UNKNOWN')) {
          await this.#end(rec, 'failed', `bad task: ${(e as NodeError).shortMessage}`)
        }
      }).catch((err: unknown) => this.#log.warn('marking a bad task failed did not work', { err }))
      return undefined
    }
  }

  async getTask(taskId: Hex): Promise<TaskRecord | undefined> {
    return this.#init.store.getTask(taskId)
  }

  async getResult(taskId: Hex): Promise<ResultRecord | undefined> {
    return this.#init.store.getResult(taskId)
  }

  /**
   * A client hands this node its envelope for one slot. Checked before anything is stored: the task
   * and slot exist and accept inputs, the owner signed it, it decrypts under this task/slot/node, and
   * it holds exactly the slot's number of canonical field elements. Stored before it is acknowledged.
   */
  async submitInput(taskId: Hex, slot: string, envelope: Uint8Array, signature: Hex | undefined): Promise<SubmitResult> {
    const result = await this.#withLock(taskId, async (): Promise<SubmitResult> => {
      const rec = await this.#init.store.getTask(taskId)
      if (!rec) throw new NodeError('NODE_TASK_UNKNOWN', `no task ${taskId} on this node`)
      const spec = rec.spec
      const slotSpec = spec.inputSlots.find((s) => s.name === slot)
      if (!slotSpec) throw new NodeError('NODE_SLOT_UNKNOWN', `task ${taskId} has no input slot '${slot.slice(0, 80)}'`)
      const envelopeHex: Hex = `0x${Buffer.from(envelope).toString('hex')}`
      const existing = await this.#init.store.getShare(taskId, slot)
      if (existing) {
        if (existing.envelope === envelopeHex) return { accepted: true, duplicate: true, received: rec.inputs.length, expected: spec.inputSlots.length }
        throw new NodeError('NODE_TASK_STATE', `slot '${slot}' already holds a different share`)
      }
      if (rec.state !== 'waiting-inputs') throw new NodeError('NODE_TASK_STATE', `task ${taskId} is ${rec.state}, not accepting inputs`)
      const nodeIndex = this.#myIndex(spec)
      const ctx = { taskId, input: slot, nodeIndex }
      if (slotSpec.owner.toLowerCase() !== ZERO_ADDRESS) {
        if (!signature) throw new NodeError('NODE_SHARE_INVALID', `slot '${slot}' belongs to ${slotSpec.owner}: a signature is required`)
        let ok = false
        try {
          ok = await verifyMessage({ address: slotSpec.owner, message: inputSubmissionMessage(ctx, envelope), signature })
        } catch { ok = false }
        if (!ok) throw new NodeError('NODE_SHARE_INVALID', `signature is not from the slot owner ${slotSpec.owner}`)
      }
      const circuit = await this.#init.circuits.local(spec.codeHash)
      if (!circuit) throw new NodeError('NODE_CIRCUIT_UNAVAILABLE', `circuit ${spec.codeHash} not fetched yet; retry shortly`)
      const field = getField(circuit.field)
      decodeSlotShare(this.#init.identity, field, circuit, ctx, envelope) // throws NODE_SHARE_INVALID
      const stored = await this.#init.store.putShare({ taskId, slot, envelope: envelopeHex, receivedAt: Date.now() }, rec)
      this.#init.metrics.sharesReceived.inc({ outcome: 'accepted' })
      return { accepted: stored, duplicate: !stored, received: rec.inputs.length + 1, expected: spec.inputSlots.length }
    }).catch((e: unknown) => {
      this.#init.metrics.sharesReceived.inc({ outcome: isEnigmaError(e) ? e.code : 'error' })
      throw e
    })
    if (result.received === result.expected) {
      this.#maybeCompute(taskId).catch((err: unknown) => { if (!this.#stopped) this.#log.error('starting the computation failed', { taskId, err }) })
    }
    return result
  }

  async #maybeCompute(taskId: Hex): Promise<void> {
    const begin = await this.#withLock(taskId, async () => {
      const rec = await this.#init.store.getTask(taskId)
      if (!rec || rec.state !== 'waiting-inputs' || rec.inputs.length < rec.spec.inputSlots.length) return undefined
      if (!(await this.#init.circuits.local(rec.spec.codeHash))) return undefined
      const computing: TaskRecord = { ...rec, state: 'computing', updatedAt: Date.now() }
      await this.#init.store.putTask(computing)
      return computing
    })
    if (begin) await this.#compute(begin)
  }

  async #compute(rec: TaskRecord): Promise<void> {
    const spec = rec.spec
    const started = Date.now()
    const ac = new AbortController()
    this.#running.set(spec.taskId, ac)
    const log = this.#log.child({ taskId: spec.taskId })
    let transport: Libp2pSessionTransport | undefined
    try {
      if (!this.#init.compute) throw new NodeError('NODE_ENGINE_UNAVAILABLE', 'this build has no MPC engine wired in')
      const circuit = await this.#init.circuits.local(spec.codeHash)
      if (!circuit) throw new NodeError('NODE_CIRCUIT_UNAVAILABLE', `circuit ${spec.codeHash} vanished`)
      const field = getField(circuit.field)
      const self = this.#myIndex(spec)
      const slots = await this.#gatherInputs(spec, circuit, field, self)
      log.info('computation starting', { self, gates: circuit.gates.length })
      transport = this.#init.net.openSession({
        session: spec.taskId,
        committee: spec.committee,
        timeoutMs: this.#init.mpcTimeoutMs ?? 30_000,
      }) as Libp2pSessionTransport
      // Members start computing when *their* last input share arrives, which can be seconds apart.
      // A ready barrier with its own, longer deadline absorbs that skew, so the per-message deadline
      // below only ever blames a member that is really silent (one that never shows up is named here).
      const startMs = this.#init.startTimeoutMs ?? 60_000
      for (let j = 0; j < spec.n; j++) if (j !== self) transport.send(j, 'node-ready', new Uint8Array(0))
      await Promise.all(Array.from({ length: spec.n }, (_, j) => j === self ? undefined : transport!.receive(j, 'node-ready', { timeoutMs: startMs, signal: ac.signal })))
      const untilDeadline = spec.deadline * 1000 - Date.now()
      const limit = Math.max(1, Math.min(this.#init.computeTimeoutMs ?? 600_000, untilDeadline))
      const signal = AbortSignal.any([ac.signal, AbortSignal.timeout(limit)])
      const out = await this.#init.compute({
        circuit, field, transport, n: spec.n, t: spec.t, security: spec.security, slots, signal, timeoutMs: this.#init.mpcTimeoutMs ?? 30_000,
      })
      const result = await this.#deliver(spec, circuit, field, self, out.publicOutputs, out.privateShares)
      await this.#withLock(spec.taskId, async () => {
        const now = await this.#init.store.getTask(spec.taskId)
        await this.#init.store.putResult(result, now ?? rec)
      })
      this.#init.metrics.tasksStarted.inc({ state: 'completed' })
      this.#init.metrics.taskDuration.observe((Date.now() - started) / 1000, { security: spec.security })
      if (out.rounds) this.#init.metrics.rounds.inc({}, out.rounds)
      log.info('task completed', { ms: Date.now() - started, outputHash: result.outputHash })
      if (result.attestation && this.#init.source.publishAttestation) {
        await this.#init.source.publishAttestation(result.attestation).catch((e: unknown) => log.warn('publishing the attestation failed', { err: e }))
      }
      this.#init.onTaskEnd?.(spec.taskId, 'completed')
    } catch (e) {
      const reason = this.#reason(e, transport)
      log.warn('task failed', { reason })
      // Tell the other members why first, so they report the cause rather than blame us.
      this.#init.net.closeSession(spec.taskId, reason)
      await this.#withLock(spec.taskId, async () => {
        const now = await this.#init.store.getTask(spec.taskId)
        if (now && now.state === 'computing') await this.#end(now, 'failed', reason)
      }).catch((err: unknown) => { if (!this.#stopped) this.#log.error('recording the failure failed', { err }) })
    } finally {
      this.#running.delete(spec.taskId)
      this.#init.net.closeSession(spec.taskId, 'done')
    }
  }

  /** A failure reason that names the guilty party without leaking anything secret. */
  #reason(e: unknown, transport: Libp2pSessionTransport | undefined): string {
    if (isEnigmaError(e)) {
      const party = typeof e.meta.party === 'number' ? e.meta.party : undefined
      const who = party !== undefined && transport ? ` (party ${party}, peer ${transport.peerOf(party)})` : ''
      if (e.code === 'MPC_TIMEOUT') return `timeout: ${e.shortMessage}${who}`
      if (e.code === 'MPC_PEER_DISCONNECTED') return `peer disconnected: ${e.shortMessage}${who}`
      return `${e.code}: ${e.shortMessage}${who}`
    }
    if (e instanceof DOMException && e.name === 'TimeoutError') return 'timeout: computation exceeded its time limit'
    return `error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`
  }

  async #gatherInputs(spec: TaskSpec, circuit: Circuit, field: Field, self: number): Promise<DealtSlot[]> {
    const slots: DealtSlot[] = []
    for (const slot of spec.inputSlots) {
      const share = await this.#init.store.getShare(spec.taskId, slot.name)
      if (!share) throw new NodeError('NODE_TASK_STATE', `share for slot '${slot.name}' missing`)
      const ctx = { taskId: spec.taskId, input: slot.name, nodeIndex: self }
      const shares = decodeSlotShare(this.#init.identity, field, circuit, ctx, Buffer.from(share.envelope.slice(2), 'hex'))
      slots.push({ ...slotLayout(circuit, slot.name), shares })
    }
    return slots
  }

  async #deliver(spec: TaskSpec, circuit: Circuit, field: Field, self: number,
    publicOutputs: ReadonlyMap<string, readonly bigint[]>, privateShares: ReadonlyMap<string, FieldVector>): Promise<ResultRecord> {
    const names: string[] = []
    const values: bigint[][] = []
    const publicValues: Record<string, string[]> = {}
    for (const o of circuit.outputs) {
      if (o.recipient !== null) continue
      const v = publicOutputs.get(o.name)
      if (!v) throw new NodeError('NODE_TASK_STATE', `engine returned no value for public output '${o.name}'`)
      names.push(o.name)
      values.push([...v])
      publicValues[o.name] = v.map(String)
    }
    const outputShares: Record<string, { recipient: Hex; envelope: Hex }> = {}
    for (const o of circuit.outputs) {
      if (o.recipient === null) continue
      const key = spec.recipients?.[o.recipient]
      if (!key) throw new NodeError('NODE_TASK_STATE', `task names no key for recipient '${o.recipient}' of output '${o.name}'`)
      const share = privateShares.get(o.name)
      if (!share) throw new NodeError('NODE_TASK_STATE', `engine returned no share for output '${o.name}'`)
      const env = sealEnvelope(Buffer.from(key.slice(2), 'hex'), field.encode(share), { taskId: spec.taskId, input: `out:${o.name}`, nodeIndex: self })
      outputShares[o.name] = { recipient: key, envelope: `0x${Buffer.from(env).toString('hex')}` }
    }
    const publicOutputsHex = encodeAbiParameters([{ type: 'string[]' }, { type: 'uint256[][]' }], [names, values])
    // Every honest member computes the same outputHash: it covers the program, the parameters and
    // the public results (private outputs differ per member, they are shares).
    const outputHash = keccak256(encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes' }],
      [spec.codeHash, keccak256(spec.paramsHash), publicOutputsHex],
    ))
    const attestation = await this.#sign(spec, outputHash, publicOutputsHex)
    return { taskId: spec.taskId, outputHash, publicOutputs: publicOutputsHex, publicValues, outputShares, attestation, completedAt: Date.now() }
  }

  /** The one place that signs: the chain engineer's EIP-712 receipt attestation (src/node/attestation.ts). */
  async #sign(spec: TaskSpec, outputHash: Hex, publicOutputs: Hex): Promise<Attestation> {
    return signAttestation(this.#init.identity.account, spec.domain ?? LOCAL_DOMAIN, { taskId: spec.taskId, outputHash, publicOutputs })
  }

  async #end(rec: TaskRecord, state: TaskState, reason: string): Promise<void> {
    await this.#init.store.putTask({ ...rec, state, reason, updatedAt: Date.now() })
    this.#init.net.closeSession(rec.spec.taskId, `task ${state}`)
    this.#init.metrics.tasksStarted.inc({ state })
    this.#init.onTaskEnd?.(rec.spec.taskId, state, reason)
  }
}

/**
 * Decrypt one slot's envelope and check it holds exactly the slot's canonical field elements plus
 * the pad element of the degree-t check (the check itself needs every member's share: it runs in
 * the computation, protocols `acceptDealt`).
 */
export function decodeSlotShare(identity: NodeIdentity, field: Field, circuit: Circuit,
  ctx: { taskId: Hex; input: string; nodeIndex: number }, envelope: Uint8Array): FieldVector {
  const layout = slotLayout(circuit, ctx.input)
  let plain: Uint8Array
  try {
    plain = openEnvelope(identity.encryptionSecretKey, envelope, ctx).expose()
  } catch (e) {
    if (e instanceof EnvelopeError) throw new NodeError('NODE_SHARE_INVALID', `share for '${ctx.input}' rejected: ${e.shortMessage}`, { meta: { reason: e.code } })
    throw e
  }
  if (plain.length !== (layout.length + 1) * field.bytes) {
    throw new NodeError('NODE_SHARE_INVALID', `share for '${ctx.input}' holds ${plain.length} bytes, expected ${layout.length} + 1 (pad) elements of ${field.bytes} bytes`)
  }
  try {
    return field.decode(plain)
  } catch {
    throw new NodeError('NODE_SHARE_INVALID', `share for '${ctx.input}' holds non-canonical field elements`)
  }
}
