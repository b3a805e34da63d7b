/**
 * A stored record handed to the committee of a task that uses it (issue #11 §1, docs/state.md "Record
 * → task"): when the chain records a use (`RecordUsed`: input slot s of task T bound to record R by T's
 * creator) and T's committee is drawn, R's custodians re-share their custody shares to T's committee
 * with the one hand-off protocol (`runHandoff`, reshare-session.ts: Desmedt–Jajodia redistribution,
 * checked as in CHURP §4) — the record is never reconstructed and its owner need not be online.
 *
 * Every party checks the use on chain at the latest block before it takes part (custody.ts
 * `checkChainUse`: slot bound to R, paying grant neither revoked nor expired, R not deleted), the
 * custodians before they deal, the task members before they accept: a refusal (logged with its code;
 * a revocation is named) keeps that party out, so a revoked grant stops the hand-off. The custodians
 * are read from the chain at use time (`getRecord`), never cached: an epoch hand-off may move a record.
 *
 * The vector handed over is the custody share as stored: the record's elements, then the pad element
 * of the batch degree check. The task member ends with exactly the `length + 1` elements a client
 * envelope gives (`decodeSlotShare`'s shape) after the pad is made fresh (fresh-pad.ts: the
 * custody pad is the same in every use and would leak the record through two degree checks). It then
 * seals that vector to its *own* X25519 key, bound to (task, slot, its index) like a client envelope,
 * and stores it through the runner's `submitInput` (`handedOff`). Why an envelope and not a new kind of
 * slot: the slot is then durable before it counts (write-before-ack), encrypted at rest like every input
 * share, and the runner's input gathering, restarts and the degree check of `acceptDealt` run unchanged.
 *
 * Faults: a custodian that is down is left out (the protocol tolerates up to t_old silent dealers in
 * semi-honest mode; malicious mode needs 2·t_old + 1 dealers, less those proven faulty). A corrupt one
 * that deals a wrong share makes the malicious check abort (MPC_CHEATING_DETECTED): the slot stays empty
 * and the task fails at its deadline, never with a wrong value. A restarted custodian that finds an open
 * task's use again deals again: its frames reach a finished session and are dropped (two independent
 * dealings of one share reveal nothing to t_new members either).
 */
import { getField, type Field } from '../field/index.ts'
import type { Circuit, ValueType } from '../circuit/types.ts'
import { isEnigmaError } from '../common/errors.ts'
import { createSession } from '../protocols/index.ts'
import type { Transport } from '../protocols/transport.ts'
import { sealEnvelope } from '../sharing/envelope.ts'
import type { NodeIdentity } from './identity.ts'
import type { Logger } from './log.ts'
import type { MpcMember, MpcNetwork } from './mpc-network.ts'
import type { CircuitProvider } from './circuits.ts'
import type { Hex, TaskSource, TaskSpec } from './task-source.ts'
import type { RecordSource, RecordUseEvent } from './record-source.ts'
import type { TaskRunner } from './task-runner.ts'
import type { NodeStore } from './store.ts'
import { CustodyError, checkChainUse, type CustodyService } from './custody.ts'
import { recordTypeHash } from './record-type.ts'
import { runHandoff } from './reshare-session.ts'
import { freshenPad } from './fresh-pad.ts'
import { slotLayout } from './slots.ts'

export interface RecordHandoffInit {
  readonly identity: NodeIdentity
  readonly records: RecordSource
  readonly custody: Pick<CustodyService, 'release'>
  readonly tasks: TaskSource
  readonly runner: Pick<TaskRunner, 'submitInput'>
  readonly store: Pick<NodeStore, 'getShare' | 'getTask'>
  readonly circuits: Pick<CircuitProvider, 'get'>
  readonly net: MpcNetwork
  readonly log: Logger
  /** How often uses are read from the chain (ms, default 1 000). */
  readonly pollMs?: number
  /** Receive deadline of the hand-off's frames (ms, default 30 000). */
  readonly timeoutMs?: number
  /** Test-only transport wrapper for this node's side (a corrupt custodian, faults.ts). */
  readonly wrapTransport?: (t: Transport, field: Field) => Transport
  /** Told when a hand-off ends here (tests, logs). */
  readonly onHandoff?: (e: HandoffOutcome) => void
}

export interface HandoffOutcome {
  readonly session: string
  readonly role: 'custodian' | 'member' | 'both'
  readonly ok: boolean
  readonly code?: string
  readonly reason?: string
}

/** The hand-off's session id: unique per use (a slot is bound once on chain), ≤ 255 bytes. */
export function handoffSession(u: RecordUseEvent): string {
  return `rec:${u.recordId.toLowerCase()}:${u.taskId.toLowerCase()}:${u.slot}`
}

/** How long a use whose task this node has not seen yet is retried (the task source may lag). */
const PENDING_MS = 120_000

export class RecordHandoff {
  readonly #init: RecordHandoffInit
  readonly #log: Logger
  readonly #stop = new AbortController()
  /** Uses not yet handled, by session id, with when they were first seen. */
  readonly #pending = new Map<string, { use: RecordUseEvent; since: number }>()
  /** Sessions handled (or running) in this process. */
  readonly #handled = new Set<string>()
  readonly #running = new Set<Promise<void>>()
  #cursor: bigint | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopped = false

  constructor(init: RecordHandoffInit) {
    this.#init = init
    this.#log = init.log.child({ component: 'record-handoff' })
  }

  start(): void {
    const loop = async (): Promise<void> => {
      try { await this.poll() } catch (e) { if (!this.#stopped) this.#log.warn('reading record uses failed', { err: e }) }
      if (!this.#stopped) this.#timer = setTimeout(() => { void loop() }, this.#init.pollMs ?? 1_000)
    }
    void loop()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#stop.abort()
    if (this.#timer) clearTimeout(this.#timer)
    await Promise.allSettled([...this.#running])
  }

  /** Reads new uses from the chain and starts the hand-offs this node takes part in. */
  async poll(): Promise<void> {
    const catchingUp = this.#cursor === undefined
    const { uses, nextBlock } = await this.#init.records.usesSince(this.#cursor)
    this.#cursor = nextBlock
    const now = Date.now()
    for (const use of uses) {
      const session = handoffSession(use)
      // Uses from before this start (the first pass reads from deployment) are handled only if their
      // task is open now: they are not kept waiting for a task that is long closed.
      if (!this.#handled.has(session) && !this.#pending.has(session)) this.#pending.set(session, { use, since: catchingUp ? -Infinity : now })
    }
    if (this.#pending.size === 0) return
    const open = new Map((await this.#init.tasks.openTasks()).map((t) => [t.taskId.toLowerCase(), t]))
    for (const [session, { use, since }] of this.#pending) {
      const spec = open.get(use.taskId.toLowerCase())
      if (!spec) {
        // Not drawn yet, or the source is behind; a closed task never shows up and is dropped.
        if (now - since > PENDING_MS) this.#pending.delete(session)
        continue
      }
      this.#pending.delete(session)
      this.#handled.add(session)
      const run = this.#handle(session, use, spec).catch((e: unknown) => { if (!this.#stopped) this.#log.error('record hand-off crashed', { session, err: e }) })
      this.#running.add(run)
      void run.finally(() => this.#running.delete(run))
    }
  }

  async #handle(session: string, use: RecordUseEvent, spec: TaskSpec): Promise<void> {
    const { identity, records } = this.#init
    const me = identity.account.address.toLowerCase()
    const newIndex = spec.committee.findIndex((m) => m.peerId === identity.peerId)
    const slot = spec.inputSlots[use.slot]
    let role: HandoffOutcome['role'] | undefined
    try {
      if (!slot) throw new CustodyError(422, 'NODE_SLOT_UNKNOWN', `task ${spec.taskId} has no input slot ${use.slot}`)
      // Checked at the latest block by every party, whatever its role (the issue: "after every node has
      // checked the grant on chain"); the custodians are the record's *now*.
      const { record } = await checkChainUse(records, use.recordId, use.taskId, use.slot)
      const oldIndex = record.custodians.findIndex((c) => c.toLowerCase() === me)
      if (oldIndex < 0 && newIndex < 0) return
      role = oldIndex >= 0 && newIndex >= 0 ? 'both' : oldIndex >= 0 ? 'custodian' : 'member'
      if (newIndex >= 0 && (await this.#init.store.getShare(spec.taskId, slot.name))) {
        // Restarted after the slot was stored: nothing to do as a member (a custodian still deals below).
        if (oldIndex < 0) return
      }
      let field: Field
      let length: number
      let share = null
      if (oldIndex >= 0) {
        const released = await this.#init.custody.release(use.recordId, use.taskId, use.slot)
        field = getField(released.held.field)
        share = released.share.expose()
        length = field.len(share)
      }
      if (newIndex >= 0) {
        const circuit = await this.#init.circuits.get(spec.codeHash, { signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#init.timeoutMs ?? 30_000)]) })
        field = getField(circuit.field)
        const typeHash = recordTypeHash({ type: slotValueType(circuit, slot.name), field: circuit.field })
        if (typeHash !== record.typeHash.toLowerCase()) {
          throw new CustodyError(422, 'RECORD_TYPE_MISMATCH', `record ${use.recordId} has type hash ${record.typeHash}, slot '${slot.name}' of task ${spec.taskId} needs ${typeHash}`)
        }
        const want = slotLayout(circuit, slot.name).length + 1
        if (share && length! !== want) throw new CustodyError(422, 'RECORD_TYPE_MISMATCH', `this node's custody share has ${length!} elements, slot '${slot.name}' needs ${want}`)
        length = want
      }
      const oldCommittee = await Promise.all(record.custodians.map(async (account): Promise<MpcMember> => {
        const peer = await records.nodePeer(account)
        if (!peer) throw new CustodyError(404, 'NODE_NOT_CUSTODIAN', `custodian ${account} of record ${use.recordId} has no registered node`)
        return { peerId: peer.peerId, multiaddrs: peer.multiaddrs }
      }))
      const timeoutMs = this.#init.timeoutMs ?? 30_000
      const wrap = this.#init.wrapTransport
      if (role === 'custodian') {
        // A custodian outside the task committee is a stranger to a member that has not read the use
        // yet: its frames would wait in that member's small stranger limbo (4 KiB frames). Members read
        // uses as often as custodians do, so two polling intervals' head start lets them open the session
        // first; they wait `timeoutMs` for the dealings, far longer.
        await sleep(2 * (this.#init.pollMs ?? 1_000), this.#stop.signal)
      }
      this.#log.info('record hand-off starting', { session, role, oldT: record.t, newT: spec.t, security: spec.security })
      const received = await runHandoff(this.#init.net, identity.peerId, {
        session, field: field!, security: spec.security,
        oldCommittee, oldT: record.t, newCommittee: spec.committee, newT: spec.t,
        share, length: length!, timeoutMs, signal: this.#stop.signal,
        ...(wrap ? { wrapTransport: (t: Transport) => wrap(t, field!) } : {}),
      })
      if (received && newIndex >= 0) await this.#accept(session, spec, slot.name, newIndex, field!, received, timeoutMs)
      this.#log.info('record hand-off done', { session, role })
      this.#init.onHandoff?.({ session, role, ok: true })
    } catch (e) {
      if (this.#stopped) return
      const code = isEnigmaError(e) ? e.code : 'error'
      const reason = isEnigmaError(e) ? e.shortMessage : e instanceof Error ? e.message : String(e)
      // A refusal names its cause (a revocation names the grant and the block): the operator's log
      // says why this node did not hand the record over or take it.
      this.#log.warn('record hand-off refused or failed', { session, role, code, reason })
      this.#init.onHandoff?.({ session, role: role ?? (newIndex >= 0 ? 'member' : 'custodian'), ok: false, code, reason })
    }
  }

  /** The task member's side after the re-sharing: a fresh pad, then the slot stored as its own envelope. */
  async #accept(session: string, spec: TaskSpec, slot: string, self: number, field: Field, received: ReturnType<Field['zeros']>, timeoutMs: number): Promise<void> {
    const padSession = `${session}/pad`
    const transport = this.#init.net.openSession({ session: padSession, committee: spec.committee, timeoutMs })
    let share
    try {
      const s = createSession({ field, n: spec.committee.length, t: spec.t, transport, security: spec.security, timeoutMs, signal: this.#stop.signal })
      share = await freshenPad(s, received)
    } finally {
      this.#init.net.closeSession(padSession, 'pad done')
    }
    const ctx = { taskId: spec.taskId, input: slot, nodeIndex: self }
    const envelope = sealEnvelope(this.#init.identity.encryptionPublicKey, field.encode(share), ctx)
    // The runner may not have taken the task in yet (its event can trail the chain read): retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#init.runner.submitInput(spec.taskId, slot, envelope, undefined, { handedOff: true })
        return
      } catch (e) {
        if (attempt >= 20 || !isEnigmaError(e) || (e.code !== 'NODE_TASK_UNKNOWN' && e.code !== 'NODE_CIRCUIT_UNAVAILABLE')) throw e
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return }
    const t = setTimeout(() => { signal.removeEventListener('abort', done); resolve() }, ms)
    function done() { clearTimeout(t); resolve() }
    signal.addEventListener('abort', done, { once: true })
  })
}

/** The language type of a slot: a whole input's, or an element's of an array input (`bids[3]`). */
export function slotValueType(circuit: Pick<Circuit, 'inputs'>, slot: string): ValueType {
  const layout = slotLayout(circuit as Circuit, slot)
  const input = circuit.inputs.find((i) => i.name === layout.input)!
  return layout.slot === input.name ? input.type : (input.type as Extract<ValueType, { kind: 'array' }>).of
}
