/**
 * The task runner (issue #4): follows the `TaskSource`, keeps each task's record in LevelDB, accepts
 * and checks this node's encrypted input shares, runs the engine with the task's committee over the
 * libp2p MPC transport once every slot is filled, delivers outputs (public values; shares encrypted
 * to their recipient) and signs an attestation for the chain layer.
 *
 * States: waiting-inputs → computing → completed | failed; cancelled from the source at any time
 * before completion. Crash rules (issue #15): start-up never depends on a stored task being
 * well-formed (each task is resumed in its own try, a bad one fails alone); a task found `computing`
 * was cut mid-computation (its in-memory MPC state is gone, and peers have moved on or failed), so it
 * ends `failed` with that reason; a task `waiting-inputs` continues (every acknowledged share is on
 * disk) unless the source says it is closed; a completed task's stored attestation is published
 * again while the task is open at the source (the node may have been one of exactly t+1 signers).
 *
 * Signing: the result and the signature are written with sync before the attestation leaves the
 * process, and a task that already has a signature is never signed with different content.
 *
 * Time: deadlines are judged by the source's clock (chain time) with its skew margin: inputs are
 * waited for until `deadline + skew`, the ready barrier and the computation end by `deadline - skew`.
 */
import { verifyMessage, keccak256, encodeAbiParameters } from 'viem'
import { getField, type Field, type FieldVector } from '../field/index.ts'
import { costOf, type Circuit } from '../circuit/index.ts'
import { isEnigmaError } from '../common/errors.ts'
import { openEnvelope, sealEnvelope, inputSubmissionMessage, EnvelopeError } from '../sharing/envelope.ts'
import { nativeX25519 } from './x25519-native.ts'
import { signAttestation } from './attestation.ts'
import { DEFAULT_SKEW_SECONDS, type Attestation, type Hex, type ReceiptDomain, type SourceClock, type SourceTaskStatus, type TaskEvent, type TaskSource, type TaskSpec } from './task-source.ts'
import { isEnded, type NodeStore, type ResultRecord, type TaskRecord, type TaskState } from './store.ts'
import { LATE_FACTOR, type MpcNetwork, type Libp2pSessionTransport } from './mpc-network.ts'
import type { CircuitProvider } from './circuits.ts'
import type { ComputeFn, DealtSlot } from './compute.ts'
import type { NodeIdentity } from './identity.ts'
import type { Logger } from './log.ts'
import type { NodeMetrics } from './metrics.ts'
import { NodeError } from './errors.ts'
import { checkSlotsCover, slotLayout } from './slots.ts'
import { checkDeclaredCost, checkRecipients } from './task-spec-check.ts'
import { encodePublicOutputs } from './typed-outputs.ts'
import { withUsableCommittee } from './committee-check.ts'
import { failureReason, errText } from './failure-reason.ts'
import { READY, PASSED, NOT_YET, endedAnswer, type ReadyAnswer, type ReadyBarrier } from './ready-barrier.ts'
import type { PausePoint, TestHooks } from './test-hooks.ts'
import type { MemberState, StateKeeper } from './state-handoff.ts'
import type { Transport } from '../protocols/transport.ts'
import { attemptOf, computeSession, expectHandoff, handOffInputs, handoffSession, inHandoff, resumedFrom, sealAttemptShares } from './rerun.ts'
import { InputSets, type BatchSubmission } from './input-set.ts'
import type { InputLeaf, InputRootSignature } from './input-batch.ts'

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
  /** The members' ready barrier (src/node/ready-barrier.ts). */
  readonly barrier: ReadyBarrier
  /** Ended tasks are deleted this long after they ended (ms; default 7 days). */
  readonly retentionMs?: number
  /** Deadline of one circuit fetch attempt (ms); failed attempts are retried with backoff until the task's deadline. */
  readonly circuitFetchTimeoutMs?: number
  /** Test-only pause points (never reachable from configuration). */
  readonly testHooks?: TestHooks
  /** Contract state (state-handoff.ts): without it a stateful task fails with NODE_STATE_UNAVAILABLE. */
  readonly state?: StateKeeper
  /** Test-only fault injection on a re-run's input hand-off (src/node/faults.ts `faultyHandoff`). */
  readonly handoffWrap?: (transport: Transport, field: Field) => Transport
}

/** How far back completed tasks are considered for re-publishing their attestation at start-up. */
const REPUBLISH_WINDOW_MS = 7 * 24 * 3600 * 1000
const SWEEP_MS = 2_000
const PRUNE_MS = 60_000

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
  /** Tasks whose barrier/computation runs in this process, and their abort handles. */
  readonly #running = new Map<Hex, AbortController>()
  /** Tasks at (or past) the ready barrier here, with their members' peer ids. */
  readonly #atBarrier = new Map<Hex, ReadonlySet<string>>()
  /** Tasks whose barrier passed here (every member was seen at it). */
  readonly #passed = new Set<Hex>()
  readonly #stop = new AbortController()
  /** Re-run hand-offs this process took part in (a source may report an attempt twice). */
  readonly #handoffs = new Set<string>()
  #unsubscribe: (() => void) | undefined
  /** Batched tasks' owner-signed commitments, root proposals and chain input events (input-set.ts). */
  readonly #inputSets = new InputSets()
  /**
   * Input shares of attempt 0 as decoded when their envelope was checked on receipt, by task and slot,
   * with the envelope they came from: the gathering at compute start uses one only if the stored
   * envelope is that same one (a memo of `decodeSlotShare`, not a second source of inputs), instead of
   * opening every envelope again (issue #14, night session: inputs). Dropped when gathered or ended.
   */
  readonly #decoded = new Map<string, Map<string, { readonly envelope: Hex; readonly shares: FieldVector }>>()
  /** This node's X25519 through OpenSSL (x25519-native.ts), its key parsed once. */
  #x25519Fn: ((peer: Uint8Array) => Uint8Array) | undefined
  #x25519(): (peer: Uint8Array) => Uint8Array {
    return (this.#x25519Fn ??= nativeX25519(this.#init.identity.encryptionSecretKey))
  }
  #sweeper: ReturnType<typeof setInterval> | undefined
  #pruner: ReturnType<typeof setInterval> | undefined
  #stopped = false

  constructor(init: TaskRunnerInit) {
    this.#init = init
    this.#log = init.log.child({ component: 'task-runner' })
  }

  get peerId(): string {
    return this.#init.identity.peerId
  }

  /** The clock deadlines are judged by: the source's (chain time), else the local clock. */
  get clock(): SourceClock {
    return this.#init.source.clock ?? LOCAL_CLOCK
  }

  async start(): Promise<void> {
    const status = await this.#statusOracle()
    // Each stored task is resumed on its own: a malformed record fails alone and never stops start-up.
    for (const rec of await this.#init.store.listOpenTasks()) {
      try {
        await this.#resume(rec, await status(rec.spec))
      } catch (err) {
        this.#log.error('resuming a stored task failed; marking it failed', { taskId: rec.spec?.taskId, err })
        await this.#withLock(rec.spec.taskId, async () => {
          const cur = await this.#init.store.getTask(rec.spec.taskId)
          if (cur && !isEnded(cur.state)) await this.#end(cur, 'failed', `bad task: ${errText(err)}`)
        }).catch((e: unknown) => this.#log.error('could not mark a bad stored task failed', { err: e }))
      }
    }
    await this.#republish(status)
    this.#unsubscribe = this.#init.source.subscribe((e) => { void this.#onEvent(e) })
    for (const spec of await this.#init.source.openTasks()) await this.#onEvent({ kind: 'created', task: spec })
    this.#sweeper = setInterval(() => { void this.#sweepDeadlines() }, SWEEP_MS)
    this.#sweeper.unref()
    this.#pruner = setInterval(() => { void this.#prune() }, PRUNE_MS)
    this.#pruner.unref()
    void this.#prune()
  }

  /** Ask the source about stored tasks: its own `taskStatus`, else `openTasks()` and the clock. */
  async #statusOracle(): Promise<(spec: TaskSpec) => Promise<SourceTaskStatus>> {
    const src = this.#init.source
    const clock = this.clock
    const expired = (spec: TaskSpec) => clock.now() > spec.deadline + clock.skewSeconds
    if (src.taskStatus) {
      return async (spec) => {
        try {
          const s = await src.taskStatus!(spec.taskId)
          return s === 'unknown' && expired(spec) ? 'closed' : s
        } catch (err) {
          this.#log.warn('task source could not tell whether a task is open', { taskId: spec.taskId, err })
          return expired(spec) ? 'closed' : 'unknown'
        }
      }
    }
    let open = new Set<string>()
    try {
      open = new Set((await src.openTasks()).map((t) => t.taskId.toLowerCase()))
    } catch (err) {
      this.#log.warn('task source could not list open tasks', { err })
    }
    return async (spec) => open.has(spec.taskId.toLowerCase()) ? 'open' : expired(spec) ? 'closed' : 'unknown'
  }

  async #resume(rec: TaskRecord, status: SourceTaskStatus): Promise<void> {
    const id = rec.spec.taskId
    if (rec.state === 'computing') {
      await this.#withLock(id, () => this.#end(rec, 'failed', 'interrupted: the node stopped during the computation'))
    } else if (rec.state === 'waiting-inputs') {
      if (status === 'closed') {
        await this.#withLock(id, () => this.#end(rec, 'cancelled', 'closed at the task source while the node was down'))
        return
      }
      const spec = withUsableCommittee(rec.spec)
      this.#init.net.expect(computeSession(spec), spec.committee)
      void this.#prepare(spec)
    }
  }

  /** Publish again the attestations of completed tasks that are still open at the source. */
  async #republish(status: (spec: TaskSpec) => Promise<SourceTaskStatus>): Promise<void> {
    if (!this.#init.source.publishAttestation) return
    let recs: TaskRecord[] = []
    try {
      recs = await this.#init.store.listEndedSince(Date.now() - REPUBLISH_WINDOW_MS)
    } catch (err) {
      this.#log.warn('listing ended tasks failed', { err })
    }
    for (const rec of recs) {
      if (rec.state !== 'completed') continue
      try {
        const signed = await this.#init.store.getSigned(rec.spec.taskId)
        if (!signed || (await status(rec.spec)) !== 'open') continue
        await this.#init.source.publishAttestation(signed)
        this.#log.info('attestation published again after restart', { taskId: rec.spec.taskId, outputHash: signed.outputHash })
      } catch (err) {
        this.#log.warn('re-publishing an attestation failed', { taskId: rec.spec.taskId, err })
      }
    }
  }

  /** A task still missing inputs after its deadline (plus skew) can never complete: end it, naming what is missing. */
  async #sweepDeadlines(): Promise<void> {
    if (this.#stopped) return
    try {
      const clock = this.clock
      for (const rec of await this.#init.store.listOpenTasks()) {
        if (rec.state !== 'waiting-inputs' || rec.spec.deadline + clock.skewSeconds >= clock.now()) continue
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

  async #prune(): Promise<void> {
    if (this.#stopped) return
    try {
      const n = await this.#init.store.pruneEndedBefore(Date.now() - (this.#init.retentionMs ?? 7 * 24 * 3600 * 1000))
      if (n > 0) this.#log.info('pruned ended tasks', { count: n })
    } catch (err) {
      if (!this.#stopped) this.#log.warn('pruning failed', { err })
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#stop.abort(new NodeError('NODE_TASK_STATE', 'node stopping'))
    this.#unsubscribe?.()
    if (this.#sweeper) clearInterval(this.#sweeper)
    if (this.#pruner) clearInterval(this.#pruner)
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

  /** Stop here if a test asked to (test hooks only; see test-hooks.ts). Resolves only when the node stops. */
  async #pause(point: PausePoint, taskId: Hex): Promise<void> {
    const hooks = this.#init.testHooks
    if (!hooks?.pauseAt || !(await hooks.pauseAt(point, taskId))) return
    this.#log.warn('test hook: paused', { point, taskId })
    await hooks.onPause?.(point, taskId)
    await new Promise<void>((resolve) => this.#stop.signal.addEventListener('abort', () => resolve(), { once: true }))
    throw new NodeError('NODE_TASK_STATE', 'node stopping')
  }

  /** This node's answer to a member asking whether it is at the ready barrier of a task. */
  async readyAnswer(taskId: Hex, peer: string): Promise<ReadyAnswer> {
    const id = taskId.toLowerCase() as Hex
    const members = this.#atBarrier.get(id)
    if (members) return members.has(peer) ? (this.#passed.has(id) ? PASSED : READY) : NOT_YET
    const rec = await this.#init.store.getTask(id).catch(() => undefined)
    if (rec && isEnded(rec.state) && rec.spec.committee.some((m) => m.peerId === peer)) return endedAnswer(rec.state, rec.reason)
    return NOT_YET
  }

  async #onEvent(e: TaskEvent): Promise<void> {
    if (this.#stopped) return
    try {
      if (e.kind === 'created') {
        // Not awaited: a re-run's hand-off lasts up to its deadline, and start-up replays the open tasks'
        // events (a restarted node would serve nothing meanwhile). Its record steps take the task's lock
        // at once, so later events of the task still come after them.
        if (attemptOf(e.task) > 0) { this.#onAttempt(e.task).catch((err: unknown) => this.#log.error('re-run attempt failed', { taskId: e.task.taskId, err })); return }
        if (this.#myIndex(e.task) < 0) return
        // A task already past its deadline (a late node, a pruned task listed again) is not taken on.
        if (this.clock.now() > e.task.deadline + this.clock.skewSeconds) return
        // Sessions and circuit fetches are set up once per task: only when this event is news.
        const fresh = await this.#withLock(e.task.taskId, async (): Promise<TaskSpec | undefined> => {
          if (await this.#init.store.getTask(e.task.taskId)) return undefined
          const now = Date.now()
          let spec: TaskSpec
          try {
            spec = withUsableCommittee(e.task)
          } catch (err) {
            const reason = `bad task: ${errText(err)}`
            await this.#init.store.putTask({ spec: e.task, state: 'failed', reason, inputs: [], createdAt: now, updatedAt: now })
            this.#log.warn('task refused', { taskId: e.task.taskId, reason })
            this.#init.onTaskEnd?.(e.task.taskId, 'failed', reason)
            return undefined
          }
          await this.#init.store.putTask({ spec, state: 'waiting-inputs', inputs: [], createdAt: now, updatedAt: now })
          this.#log.info('task accepted', { taskId: spec.taskId, n: spec.n, t: spec.t, security: spec.security, slots: spec.inputSlots.length })
          return spec
        })
        if (!fresh) return
        this.#init.net.expect(computeSession(fresh), fresh.committee)
        // Connections to the other members now, not at the barrier (ready-barrier.ts `warm`).
        this.#init.barrier.warm?.(fresh.committee, this.peerId, this.#stop.signal)
        void this.#prepare(fresh)
      } else if (e.kind === 'input' || e.kind === 'input-root') {
        const batched = await this.#withLock(e.taskId, async () => {
          const rec = await this.#init.store.getTask(e.taskId)
          if (!rec?.spec.inputBatch || attemptOf(rec.spec) > 0) return false
          this.#inputSets.onEvent(rec.spec, e)
          return true
        })
        if (batched) this.#maybeCompute(e.taskId).catch((err: unknown) => { if (!this.#stopped) this.#log.error('starting the computation failed', { taskId: e.taskId, err }) })
      } else if (e.kind === 'cancelled') {
        await this.#withLock(e.taskId, async () => {
          const rec = await this.#init.store.getTask(e.taskId)
          if (rec && !isEnded(rec.state)) await this.#end(rec, 'cancelled', e.reason)
        })
        this.#running.get(e.taskId)?.abort(new NodeError('NODE_TASK_STATE', `cancelled: ${e.reason}`))
      }
    } catch (err) {
      this.#log.error('task event failed', { kind: e.kind, err })
    }
  }

  /**
   * A re-run's next attempt (issue #12, src/node/rerun.ts). A member of the previous committee deals
   * its shares from its stored record of that attempt; a member of the new committee takes the new
   * attempt's record (the earlier one's outcome kept in `earlier`), receives its shares through the
   * hand-off, stores them sealed to itself with sync, and then runs the attempt like any task.
   */
  async #onAttempt(task: TaskSpec): Promise<void> {
    if (!inHandoff(task, this.peerId)) {
      // Left out (the culprit itself, e.g. restarted after a kill): its own earlier attempt is over.
      await this.#withLock(task.taskId, async () => {
        const cur = await this.#init.store.getTask(task.taskId)
        if (cur && attemptOf(cur.spec) < attemptOf(task) && !isEnded(cur.state)) await this.#end(cur, 'cancelled', `attempt ${attemptOf(task)} runs on a committee without this node`)
      })
      return
    }
    if (this.clock.now() > task.deadline + this.clock.skewSeconds) return
    if (this.#handoffs.has(handoffSession(task))) return
    this.#handoffs.add(handoffSession(task))
    const spec = withUsableCommittee(task)
    const member = this.#myIndex(spec) >= 0
    const prev = await this.#withLock(spec.taskId, async () => {
      const cur = await this.#init.store.getTask(spec.taskId)
      // This attempt's record without its shares, and no hand-off in this process: a survivor on the new
      // committee restarted mid hand-off. It must deal again (the same dealing, dealing-random.ts), and take
      // its own part again if the others' dealings still reach it (rerun.ts `resumedFrom`).
      if (cur && member && attemptOf(cur.spec) === attemptOf(spec) && cur.state === 'waiting-inputs' && cur.inputs.length === 0) return { ended: resumedFrom(spec) }
      if (cur && attemptOf(cur.spec) >= attemptOf(spec)) return null // this attempt is known here already
      if (cur && !isEnded(cur.state)) await this.#end(cur, 'failed', `superseded by attempt ${attemptOf(spec)}`)
      const ended = cur ? await this.#init.store.getTask(spec.taskId) : undefined
      if (member) {
        const now = Date.now()
        const earlier = ended ? [...(ended.earlier ?? []), { attempt: attemptOf(ended.spec), state: ended.state, ...(ended.reason ? { reason: ended.reason } : {}) }] : []
        await this.#init.store.putTask({ spec, state: 'waiting-inputs', inputs: [], createdAt: ended?.createdAt ?? now, updatedAt: now, earlier }, [], true)
        this.#log.info('re-run: next attempt accepted', { taskId: spec.taskId, attempt: attemptOf(spec), culprit: spec.rerun?.culprit })
      }
      return { ended }
    })
    if (!prev) return
    expectHandoff(this.#init.net, spec)
    if (member) this.#init.net.expect(computeSession(spec), spec.committee)
    try {
      const circuit = await this.#init.circuits.get(spec.codeHash, { signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#init.circuitFetchTimeoutMs ?? 20_000)]) })
      const field = getField(circuit.field)
      const old = prev.ended && attemptOf(prev.ended.spec) === attemptOf(spec) - 1 && sameMembers(prev.ended.spec.committee, spec.rerun!.previousCommittee)
        ? await this.#gatherInputs(prev.ended.spec, circuit, field, this.#myIndex(prev.ended.spec)).then((slots) => slots.map((x) => x.shares), () => null)
        : null
      const shares = await handOffInputs({
        net: this.#init.net, self: this.peerId, spec, circuit, field, oldShares: old, dealingKey: this.#init.identity.encryptionSecretKey,
        timeoutMs: this.#init.startTimeoutMs ?? 60_000, signal: this.#stop.signal, wrap: this.#init.handoffWrap,
      })
      if (!shares || !member) return
      const stored = await this.#withLock(spec.taskId, async () => {
        const cur = await this.#init.store.getTask(spec.taskId)
        if (!cur || attemptOf(cur.spec) !== attemptOf(spec) || cur.state !== 'waiting-inputs') return false
        await this.#init.store.putAttemptShares(attemptOf(spec), sealAttemptShares(this.#init.identity, field, spec, shares), cur)
        return true
      })
      this.#log.info('re-run: input shares received', { taskId: spec.taskId, attempt: attemptOf(spec), stored })
      if (stored) void this.#prepare(spec)
    } catch (e) {
      if (this.#stopped) return
      this.#log.warn('re-run: input hand-off failed', { taskId: spec.taskId, attempt: attemptOf(spec), err: e })
      if (!member) return
      await this.#withLock(spec.taskId, async () => {
        const cur = await this.#init.store.getTask(spec.taskId)
        if (cur && attemptOf(cur.spec) === attemptOf(spec) && !isEnded(cur.state)) await this.#end(cur, 'failed', `input hand-off failed: ${failureReason(e, () => '?')}`)
      })
    }
  }

  /**
   * Fetch and check the circuit early, so input checks and the computation need not wait for it. A
   * fetch that finds no source is retried with backoff until the task can no longer complete (the
   * provider may come up later), so submissions are refused with 503 only while it is really missing.
   */
  async #prepare(spec: TaskSpec): Promise<Circuit | undefined> {
    let backoffMs = 1_000
    for (;;) {
      try {
        const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#init.circuitFetchTimeoutMs ?? 20_000)])
        const circuit = await this.#init.circuits.get(spec.codeHash, { signal })
        checkSlotsCover(circuit, spec.inputSlots.map((s) => s.name))
        // Priced from the creator's declared cost (issue #10, point 7): never run more than was paid for.
        // The declared figures are the compiler's default report (as registered), so compare with that.
        const cost = costOf(circuit)
        checkDeclaredCost(spec, { multiplications: cost.totalMultiplications, rounds: cost.rounds })
        checkRecipients(spec, circuit)
        // A stateful task's hand-off starts now, not when the inputs are in: every member and holder meets at once.
        if (circuit.state) this.#stateFor(spec, circuit).catch((e: unknown) => this.#log.warn('state hand-off failed', { taskId: spec.taskId, err: e }))
        await this.#maybeCompute(spec.taskId)
        return circuit
      } catch (e) {
        if (this.#stopped) return undefined
        const bad = isEnigmaError(e) && (e.code === 'NODE_CIRCUIT_MISMATCH' || e.code === 'NODE_SLOT_UNKNOWN')
        this.#log.warn(bad ? 'bad task' : 'circuit not ready; will retry', { taskId: spec.taskId, codeHash: spec.codeHash, err: e, retryInMs: bad ? undefined : backoffMs })
        const still = await this.#withLock(spec.taskId, async () => {
          const rec = await this.#init.store.getTask(spec.taskId)
          if (!rec || rec.state !== 'waiting-inputs') return false
          if (bad) { await this.#end(rec, 'failed', `bad task: ${(e as NodeError).shortMessage}`); return false }
          return this.clock.now() <= spec.deadline + this.clock.skewSeconds
        }).catch((err: unknown) => { this.#log.warn('checking a task after a failed fetch did not work', { err }); return false })
        if (!still) return undefined
        await sleep(backoffMs, this.#stop.signal)
        backoffMs = Math.min(backoffMs * 2, 30_000)
      }
    }
  }

  async getTask(taskId: Hex): Promise<TaskRecord | undefined> {
    return this.#init.store.getTask(taskId)
  }

  async getResult(taskId: Hex): Promise<ResultRecord | undefined> {
    return this.#init.store.getResult(taskId)
  }

  /** The input leaves this member verified for a batched task (what it would sign). */
  async inputBatchHeld(taskId: Hex): Promise<{ leaves: InputLeaf[]; committed?: { root: Hex; leaves?: InputLeaf[] } }> {
    const spec = await this.#batchedSpec(taskId)
    return { leaves: this.#inputSets.held(spec), committed: this.#inputSets.committed(spec) }
  }

  /** An owner's proof of her slot in the committed input root (input-set.ts `proof`); undefined until this member can give one. */
  async inputBatchProof(taskId: Hex, slot: number): Promise<{ root: Hex; leaf?: InputLeaf; proof: Hex[] } | undefined> {
    return this.#inputSets.proof(await this.#batchedSpec(taskId), slot)
  }

  /** Signs a proposed input root if this member verified every leaf (input-batch.ts `review`). */
  async signInputRoot(taskId: Hex, leaves: readonly InputLeaf[]): Promise<InputRootSignature> {
    const spec = await this.#batchedSpec(taskId)
    return this.#inputSets.sign(spec, this.#init.identity.account, leaves)
  }

  async #batchedSpec(taskId: Hex): Promise<TaskSpec> {
    const rec = await this.#init.store.getTask(taskId)
    if (!rec) throw new NodeError('NODE_TASK_UNKNOWN', `no task ${taskId} on this node`)
    if (!rec.spec.inputBatch) throw new NodeError('NODE_TASK_STATE', `task ${taskId} takes no input batches`)
    return rec.spec
  }

  /**
   * A client hands this node its envelope for one slot. Checked before anything is stored: the task
   * and slot exist and accept inputs, the owner signed it, it decrypts under this task/slot/node, and
   * it holds exactly the slot's number of canonical field elements. Stored before it is acknowledged.
   * The same envelope again is acknowledged (an idempotent retry, also after the task moved on); a
   * different one for a filled slot is refused (409). `handedOff`: the envelope is this node's own, sealed
   * to itself after a record's hand-off to this slot (record-handoff.ts checked the use on chain), so the
   * slot owner's signature does not apply; the client API never sets it.
   */
  async submitInput(taskId: Hex, slot: string, envelope: Uint8Array, signature: Hex | undefined, options: { handedOff?: boolean; batch?: BatchSubmission } = {}): Promise<SubmitResult> {
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
        // A batched owner's second, different commitment is kept as evidence: her slot leaves every root this member signs.
        if (spec.inputBatch && options.batch) await this.#inputSets.accept(spec, this.#myIndex(spec), spec.inputSlots.indexOf(slotSpec), envelope, options.batch, true).catch(() => undefined)
        throw new NodeError('NODE_TASK_STATE', `slot '${slot}' already holds a different share`)
      }
      if (rec.state !== 'waiting-inputs') throw new NodeError('NODE_TASK_STATE', `task ${taskId} is ${rec.state}, not accepting inputs`)
      if (attemptOf(spec) > 0) throw new NodeError('NODE_TASK_STATE', `task ${taskId} is re-run (attempt ${attemptOf(spec)}): its inputs come from the previous committee`)
      const nodeIndex = this.#myIndex(spec)
      const ctx = { taskId, input: slot, nodeIndex }
      // A batched task's owner signs her commitment instead (EIP-712 `Input`, checked by `accept` below
      // before anything is stored): it binds this envelope's hash at this member's index, the task and
      // the slot, so the per-envelope signature would be a second recovery of the same authorisation.
      if (slotSpec.owner.toLowerCase() !== ZERO_ADDRESS && !options.handedOff && !(spec.inputBatch && options.batch)) {
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
      const shares = decodeSlotShare(this.#init.identity, field, circuit, ctx, envelope, this.#x25519()) // throws NODE_SHARE_INVALID
      if (spec.inputBatch && !options.handedOff) {
        if (!options.batch) throw new NodeError('NODE_SHARE_INVALID', `task ${taskId} batches its inputs: send envelopeHashes and the owner's Input signature`)
        await this.#inputSets.accept(spec, nodeIndex, spec.inputSlots.indexOf(slotSpec), envelope, options.batch, false)
      } else if (spec.inputBatch) {
        this.#inputSets.handedOff(spec, spec.inputSlots.indexOf(slotSpec))
      }
      const stored = await this.#init.store.putShare({ taskId, slot, envelope: envelopeHex, receivedAt: Date.now() }, rec)
      if (stored) {
        const key = taskId.toLowerCase()
        let task = this.#decoded.get(key)
        if (!task) this.#decoded.set(key, (task = new Map()))
        task.set(slot, { envelope: envelopeHex, shares })
      }
      this.#init.metrics.sharesReceived.inc({ outcome: 'accepted' })
      await this.#pause('input-stored', taskId)
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
      if (this.#running.has(taskId) || this.#stopped) return undefined
      const rec = await this.#init.store.getTask(taskId)
      if (!rec || rec.state !== 'waiting-inputs' || rec.inputs.length < rec.spec.inputSlots.length) return undefined
      // Batched inputs: only the agreed set (root's leaves ∪ direct fills) is computed on (input-set.ts).
      if (rec.spec.inputBatch && attemptOf(rec.spec) === 0 && !this.#inputSets.inputSet(rec.spec).ready) return undefined
      if (!(await this.#init.circuits.local(rec.spec.codeHash))) return undefined
      const ac = new AbortController()
      this.#running.set(taskId, ac)
      return { rec, ac }
    })
    if (!begin) return
    try {
      await this.#compute(begin.rec, begin.ac)
    } finally {
      this.#running.delete(taskId)
      this.#atBarrier.delete(taskId)
      this.#passed.delete(taskId)
    }
  }

  /** Milliseconds until the task must have ended here: its deadline minus the source clock's skew. */
  #msLeft(spec: TaskSpec): number {
    const clock = this.clock
    return Math.floor((spec.deadline - clock.skewSeconds - clock.now()) * 1000)
  }

  async #compute(rec: TaskRecord, ac: AbortController): Promise<void> {
    const spec = rec.spec
    const started = Date.now()
    const log = this.#log.child({ taskId: spec.taskId })
    const self = this.#myIndex(spec)
    const peerOf = (party: number) => spec.committee[party]?.peerId ?? '?'
    try {
      if (!this.#init.compute) throw new NodeError('NODE_ENGINE_UNAVAILABLE', 'this build has no MPC engine wired in')
      const circuit = await this.#init.circuits.local(spec.codeHash)
      if (!circuit) throw new NodeError('NODE_CIRCUIT_UNAVAILABLE', `circuit ${spec.codeHash} vanished`)
      const field = getField(circuit.field)
      const slots = await this.#gatherInputs(spec, circuit, field, self)
      const state = circuit.state ? await this.#stateFor(spec, circuit) : undefined
      // Members reach this point when *their* last input share arrives, seconds apart, and one may be
      // restarting: the ready barrier waits for all of them (asking again until each answers), bounded
      // by the start timeout and by the deadline, so the per-message deadline below only ever blames a
      // member that is really silent.
      const barrierMs = Math.min(this.#init.startTimeoutMs ?? 60_000, this.#msLeft(spec))
      if (barrierMs <= 0) throw new NodeError('NODE_TASK_STATE', 'timeout: too close to the deadline to start the computation')
      await this.#pause('barrier', spec.taskId)
      this.#atBarrier.set(spec.taskId, new Set(spec.committee.map((m) => m.peerId)))
      log.info('at the ready barrier', { self, ms: barrierMs })
      // A member that answers but is late gets a bounded grace past `barrierMs`, never past the task's time (ready-barrier.ts).
      await this.#init.barrier.wait(spec.taskId, spec.committee.map((m) => m.peerId), self, barrierMs, AbortSignal.any([ac.signal, this.#stop.signal]), this.#msLeft(spec))
      this.#passed.add(spec.taskId)
      const computing = await this.#withLock(spec.taskId, async () => {
        const cur = await this.#init.store.getTask(spec.taskId)
        if (!cur || !sameAttempt(cur, spec) || cur.state !== 'waiting-inputs' || ac.signal.aborted) return undefined
        const next: TaskRecord = { ...cur, state: 'computing', updatedAt: Date.now() }
        await this.#init.store.putTask(next)
        return next
      })
      if (!computing) { log.info('task ended while at the ready barrier'); return }
      log.info('computation starting', { self, gates: circuit.gates.length })
      // A member late past a receive deadline is asked where it is and may get up to LATE_FACTOR deadlines (mpc-network.ts).
      const transport = this.#init.net.openSession({ session: computeSession(spec), committee: spec.committee, timeoutMs: this.#init.mpcTimeoutMs ?? 30_000, lateFactor: LATE_FACTOR }) as Libp2pSessionTransport
      await this.#pause('computing', spec.taskId)
      const limit = Math.max(1, Math.min(this.#init.computeTimeoutMs ?? 600_000, this.#msLeft(spec)))
      const signal = AbortSignal.any([ac.signal, this.#stop.signal, AbortSignal.timeout(limit)])
      const out = await this.#init.compute({
        circuit, field, transport, n: spec.n, t: spec.t, security: spec.security, slots, signal, timeoutMs: this.#init.mpcTimeoutMs ?? 30_000,
        ...(state ? { state: state.shares } : {}),
      })
      // The next state version is on disk before anything is signed (state-handoff.ts).
      if (state) await this.#init.state!.keep(spec.taskId, state, out.stateShares ?? failNoState())
      const unsigned = this.#deliver(spec, circuit, field, self, out.publicOutputs, out.privateShares)
      const result = await this.#withLock(spec.taskId, () => this.#signAndStore(spec, unsigned, ac))
      if (!result) { log.info('result dropped: the task ended during the computation'); return }
      this.#init.metrics.tasksStarted.inc({ state: 'completed' })
      this.#init.metrics.taskDuration.observe((Date.now() - started) / 1000, { security: spec.security })
      if (out.rounds) this.#init.metrics.rounds.inc({}, out.rounds)
      log.info('task completed', { ms: Date.now() - started, outputHash: result.outputHash })
      await this.#pause('signed', spec.taskId)
      if (result.attestation && this.#init.source.publishAttestation) {
        await this.#init.source.publishAttestation(result.attestation).catch((e: unknown) => log.warn('publishing the attestation failed', { err: e }))
      }
      this.#init.onTaskEnd?.(spec.taskId, 'completed')
    } catch (e) {
      if (this.#stopped) return
      const reason = failureReason(e, peerOf)
      log.warn('task failed', { reason })
      // Tell the other members why first, so they report the cause rather than blame us.
      this.#init.net.closeSession(computeSession(spec), reason)
      await this.#withLock(spec.taskId, async () => {
        // Only this attempt's record: a re-run's next attempt may own the task's record already (this
        // computation was superseded and aborted), and ending that would fail the re-run before it starts.
        const now = await this.#init.store.getTask(spec.taskId)
        if (now && sameAttempt(now, spec) && !isEnded(now.state)) await this.#end(now, 'failed', reason)
      }).catch((err: unknown) => { if (!this.#stopped) this.#log.error('recording the failure failed', { err }) })
    } finally {
      this.#atBarrier.delete(spec.taskId)
      this.#passed.delete(spec.taskId)
      if (!this.#stopped) this.#init.net.closeSession(computeSession(spec), 'done')
    }
  }

  /**
   * Under the task's lock: drop the result if the task ended meanwhile (cancelled: nothing is signed
   * or published), refuse to sign content different from an earlier signature, else sign and write
   * result + signature with sync, before anything leaves the process.
   */
  async #signAndStore(spec: TaskSpec, unsigned: Omit<ResultRecord, 'attestation'>, ac: AbortController): Promise<ResultRecord | undefined> {
    const cur = await this.#init.store.getTask(spec.taskId)
    if (!cur || !sameAttempt(cur, spec) || cur.state !== 'computing' || ac.signal.aborted) return undefined
    const earlier = await this.#init.store.getSigned(spec.taskId)
    if (earlier && (earlier.outputHash !== unsigned.outputHash || earlier.publicOutputs !== unsigned.publicOutputs)) {
      throw new NodeError('NODE_TASK_STATE', `refusing to sign a second, different result for this task (signed ${earlier.outputHash} before)`)
    }
    const attestation = earlier ?? await this.#sign(spec, unsigned.outputHash, unsigned.publicOutputs)
    const result: ResultRecord = { ...unsigned, attestation }
    await this.#init.store.putResult(result, cur)
    return result
  }

  /** This member's share of the state version its task is bound to (memoised by the keeper), bounded by the deadline. */
  #stateFor(spec: TaskSpec, circuit: Circuit): Promise<MemberState> {
    if (!this.#init.state) return Promise.reject(new NodeError('NODE_STATE_UNAVAILABLE', 'this node keeps no contract state (no state source wired in)'))
    return this.#init.state.forTask(spec, circuit, AbortSignal.any([this.#stop.signal, AbortSignal.timeout(Math.max(1, this.#msLeft(spec)))]))
  }

  async #gatherInputs(spec: TaskSpec, circuit: Circuit, field: Field, self: number): Promise<DealtSlot[]> {
    const slots: DealtSlot[] = []
    // Attempt 0 only: a re-run's shares are this node's own envelopes, never seen on receipt.
    const decoded = attemptOf(spec) === 0 ? this.#decoded.get(spec.taskId.toLowerCase()) : undefined
    this.#decoded.delete(spec.taskId.toLowerCase())
    for (const slot of spec.inputSlots) {
      const share = await this.#init.store.getShare(spec.taskId, slot.name, attemptOf(spec))
      if (!share) throw new NodeError('NODE_TASK_STATE', `share for slot '${slot.name}' missing`)
      const kept = decoded?.get(slot.name)
      const ctx = { taskId: spec.taskId, input: slot.name, nodeIndex: self }
      const shares = kept && kept.envelope === share.envelope
        ? kept.shares
        : decodeSlotShare(this.#init.identity, field, circuit, ctx, Buffer.from(share.envelope.slice(2), 'hex'), this.#x25519())
      slots.push({ ...slotLayout(circuit, slot.name), shares })
    }
    return slots
  }

  #deliver(spec: TaskSpec, circuit: Circuit, field: Field, self: number,
    publicOutputs: ReadonlyMap<string, readonly bigint[]>, privateShares: ReadonlyMap<string, FieldVector>): Omit<ResultRecord, 'attestation'> {
    const publicValues: Record<string, string[]> = {}
    for (const o of circuit.outputs) {
      if (o.recipient !== null) continue
      const v = publicOutputs.get(o.name)
      if (!v) throw new NodeError('NODE_TASK_STATE', `engine returned no value for public output '${o.name}'`)
      publicValues[o.name] = v.map(String)
    }
    const outputShares: Record<string, { recipient: Hex; envelope: Hex }> = {}
    for (const o of circuit.outputs) {
      if (o.recipient === null) continue
      const key = spec.recipients && Object.hasOwn(spec.recipients, o.recipient) ? spec.recipients[o.recipient] : undefined
      if (!key) throw new NodeError('NODE_TASK_STATE', `task names no key for recipient '${o.recipient}' of output '${o.name}'`)
      const share = privateShares.get(o.name)
      if (!share) throw new NodeError('NODE_TASK_STATE', `engine returned no share for output '${o.name}'`)
      const env = sealEnvelope(Buffer.from(key.slice(2), 'hex'), field.encode(share), { taskId: spec.taskId, input: `out:${o.name}`, nodeIndex: self })
      outputShares[o.name] = { recipient: key, envelope: `0x${Buffer.from(env).toString('hex')}` }
    }
    // Raw field elements and their typed encoding (the bytes a result callback receives): typed-outputs.ts.
    const publicOutputsHex = encodePublicOutputs(circuit.outputs, publicOutputs, field.p)
    // Every honest member computes the same outputHash: it covers the program, the parameters and
    // the public results (private outputs differ per member, they are shares).
    const outputHash = keccak256(encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes' }],
      [spec.codeHash, keccak256(spec.paramsHash), publicOutputsHex],
    ))
    return { taskId: spec.taskId, outputHash, publicOutputs: publicOutputsHex, publicValues, outputShares, completedAt: Date.now() }
  }

  /** The one place that signs: the chain engineer's EIP-712 receipt attestation (src/node/attestation.ts). */
  async #sign(spec: TaskSpec, outputHash: Hex, publicOutputs: Hex): Promise<Attestation> {
    return signAttestation(this.#init.identity.account, spec.domain ?? LOCAL_DOMAIN, { taskId: spec.taskId, outputHash, publicOutputs })
  }

  async #end(rec: TaskRecord, state: TaskState, reason: string): Promise<void> {
    this.#decoded.delete(rec.spec.taskId.toLowerCase())
    await this.#init.store.putTask({ ...rec, state, reason, updatedAt: Date.now() })
    this.#init.net.closeSession(computeSession(rec.spec), `task ${state}`)
    this.#running.get(rec.spec.taskId)?.abort(new NodeError('NODE_TASK_STATE', `task ${state}: ${reason}`))
    this.#init.metrics.tasksStarted.inc({ state })
    this.#init.onTaskEnd?.(rec.spec.taskId, state, reason)
  }
}

/** The record is the one of this spec's attempt (a re-run writes the next attempt over the task's record). */
const sameAttempt = (rec: TaskRecord, spec: TaskSpec): boolean => attemptOf(rec.spec) === attemptOf(spec)

const sameMembers = (a: readonly { peerId: string }[], b: readonly { peerId: string }[]): boolean =>
  a.length === b.length && a.every((m, i) => m.peerId === b[i]!.peerId)

const LOCAL_CLOCK: SourceClock = { now: () => Date.now() / 1000, skewSeconds: DEFAULT_SKEW_SECONDS }

function failNoState(): never {
  throw new NodeError('NODE_STATE_UNAVAILABLE', 'the engine returned no next state for a stateful circuit')
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return }
    const t = setTimeout(done, ms)
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve() }
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * Decrypt one slot's envelope and check it holds exactly the slot's canonical field elements plus
 * the pad element of the degree-t check (the check itself needs every member's share: it runs in
 * the computation, protocols `acceptDealt`).
 */
export function decodeSlotShare(identity: NodeIdentity, field: Field, circuit: Circuit,
  ctx: { taskId: Hex; input: string; nodeIndex: number }, envelope: Uint8Array, x25519 = nativeX25519(identity.encryptionSecretKey)): FieldVector {
  const layout = slotLayout(circuit, ctx.input)
  let plain: Uint8Array
  try {
    plain = openEnvelope(identity.encryptionSecretKey, envelope, ctx, identity.encryptionPublicKey, x25519).expose()
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
