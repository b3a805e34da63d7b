/**
 * Persistent contract state at a node (issue #11 §2, docs/state.md "State"). A task bound to a state on
 * chain computes on version v, which lives as shares with its *holders* (the committee of the task that
 * wrote it; none for version 0, which is all zeros: the zero polynomial needs no hand-off):
 *
 * - a member of the task gets its share of v by the one hand-off primitive (reshare-session.ts,
 *   Desmedt–Jajodia redistribution checked as in CHURP §4) from the holders, in their order and
 *   threshold, to the task's committee (session `st:<stateId>:<v>:<taskId>`), then computes;
 * - a holder that is not in the task's committee deals its share when it sees the task bound and drawn
 *   (the sweep below); a holder in it plays both roles in the member's one hand-off;
 * - after computing, a member keeps its share of v + 1 (state-store.ts, synced) *before* it signs, and
 *   every holder keeps v's share until the chain records v + 1 (a failed task loses nothing); then the
 *   old version's share is erased, and so is a candidate version whose task lost (released, refunded).
 *
 * The chain is read through `StateSource` (state-source.ts), implemented in src/chain.
 */
import { createHash } from 'node:crypto'
import { getField, type Field, type FieldVector } from '../field/index.ts'
import type { Circuit } from '../circuit/index.ts'
import { stateLength } from '../engine/circuit-state.ts'
import { runHandoff } from './reshare-session.ts'
import { stateTypeHash } from './state-type.ts'
import type { StateSource, TaskStateBinding, ChainStateInfo } from './state-source.ts'
import { StateStore, type StateShareKey } from './state-store.ts'
import type { NodeIdentity } from './identity.ts'
import type { MpcNetwork } from './mpc-network.ts'
import type { CommitteeMember, Hex, SecurityMode, TaskSpec } from './task-source.ts'
import type { Logger } from './log.ts'
import { NodeError } from './errors.ts'
import { dealingRandom } from './dealing-random.ts'
import type { Secret } from '../common/secret.ts'

export interface StateKeeperInit {
  readonly peerId: string
  /**
   * The node's secret key that its dealings' randomness is derived from (dealing-random.ts): a holder
   * killed while dealing and restarted deals again under the same session, and must deal the same.
   */
  readonly dealingKey: Secret<Uint8Array>
  readonly net: MpcNetwork
  readonly source: StateSource
  readonly store: StateStore
  readonly log: Logger
  /** Receive deadline per hand-off message (ms). */
  readonly timeoutMs: number
  /** How often the chain is asked (bindings, new versions, hand-offs to deal; ms, default 1 000). */
  readonly pollMs?: number
}

/** A member's state for one task: what it is bound to, and its share of that version. */
export interface MemberState {
  readonly binding: TaskStateBinding
  readonly field: Field
  readonly shares: FieldVector
}

/**
 * The hand-off's session: per state, version, task *and committee*, so a task re-drawn by `rerunTask`
 * (issue #12) gets the state again from the holders under a new session (its first committee's session
 * may have been used, half-used or refused), and no frame of one draw mixes into the other's.
 */
export const stateSession = (stateId: Hex, version: bigint, taskId: Hex, committee: readonly { readonly peerId: string }[]): string =>
  `st:${stateId.toLowerCase()}:${version}:${taskId.toLowerCase()}:${createHash('sha256').update(committee.map((m) => m.peerId).join(',')).digest('hex').slice(0, 16)}`

export class StateKeeper {
  readonly #init: StateKeeperInit
  readonly #log: Logger
  readonly #forTask = new Map<Hex, Promise<MemberState>>()
  /** Hand-offs this node dealt in as an old-only holder (once per session per process). */
  readonly #dealt = new Set<string>()
  readonly #stop = new AbortController()
  #timer: ReturnType<typeof setInterval> | undefined
  #sweeping = false

  constructor(init: StateKeeperInit) {
    this.#init = init
    this.#log = init.log.child({ component: 'state' })
  }

  start(): void {
    this.#timer = setInterval(() => { void this.#sweep() }, this.#init.pollMs ?? 1_000)
    this.#timer.unref()
  }

  stop(): void {
    this.#stop.abort(new NodeError('NODE_TASK_STATE', 'node stopping'))
    if (this.#timer) clearInterval(this.#timer)
  }

  /**
   * A member's share of the version its task is bound to (memoised per task: the runner may start it
   * early and await it before computing). Waits until the task is bound on chain (until `signal`).
   */
  forTask(spec: TaskSpec, circuit: Circuit, signal: AbortSignal): Promise<MemberState> {
    const id = spec.taskId.toLowerCase() as Hex
    let p = this.#forTask.get(id)
    if (!p) {
      p = this.#obtain(spec, circuit, AbortSignal.any([signal, this.#stop.signal]))
      this.#forTask.set(id, p)
      // A failed attempt may be retried (e.g. after a restart of a peer); a success is kept until keep(),
      // or until the caller's signal (the task's deadline) ends, so a failed task leaves nothing behind.
      const forget = () => { if (this.#forTask.get(id) === p) this.#forTask.delete(id) }
      p.catch(forget)
      signal.addEventListener('abort', forget, { once: true })
    }
    return p
  }

  async #obtain(spec: TaskSpec, circuit: Circuit, signal: AbortSignal): Promise<MemberState> {
    const binding = await this.#waitBinding(spec.taskId, signal)
    const want = stateTypeHash(circuit)
    if (binding.typeHash.toLowerCase() !== want) {
      throw new NodeError('NODE_STATE_UNAVAILABLE', `state ${binding.stateId} has type ${binding.typeHash}; the task's contract declares ${want}`)
    }
    const field = getField(circuit.field)
    const length = stateLength(circuit)
    if (binding.version === 0n) return { binding, field, shares: field.zeros(length) }
    const holders = binding.holders
    if (!holders) throw new NodeError('NODE_STATE_UNAVAILABLE', `state ${binding.stateId} v${binding.version}: the chain names no holders`)
    const self = this.#init.peerId
    const holder = holders.members.some((m) => m.peerId === self)
    let share: FieldVector | null = null
    if (holder) {
      share = (await this.#init.store.get({ stateId: binding.stateId, version: binding.version, taskId: holders.taskId }, field)) ?? null
      if (!share) throw new NodeError('NODE_STATE_UNAVAILABLE', `this node holds no share of state ${binding.stateId} v${binding.version}`)
    }
    this.#log.info('state hand-off', { taskId: spec.taskId, stateId: binding.stateId, version: String(binding.version), holder, from: holders.members.length, to: spec.committee.length })
    const session = stateSession(binding.stateId, binding.version, spec.taskId, spec.committee)
    const shares = await runHandoff(this.#init.net, self, {
      session, field, security: spec.security,
      oldCommittee: holders.members, oldT: holders.t, newCommittee: spec.committee, newT: spec.t,
      share, length, timeoutMs: this.#init.timeoutMs, signal,
      ...(share ? { dealRandom: this.#dealRandom(session, holders.taskId) } : {}),
    })
    if (!shares) throw new NodeError('NODE_STATE_UNAVAILABLE', 'the hand-off returned no share to a member of the task')
    return { binding, field, shares }
  }

  async #waitBinding(taskId: Hex, signal: AbortSignal): Promise<TaskStateBinding> {
    for (;;) {
      signal.throwIfAborted()
      try {
        const b = await this.#init.source.bindingOf(taskId)
        if (b) return b
      } catch (e) {
        this.#log.warn('reading the state binding failed; will retry', { taskId, err: e })
      }
      await sleep(this.#init.pollMs ?? 1_000, signal)
    }
  }

  /** Keeps this member's share of the next version, durably, before the task is signed. */
  async keep(taskId: Hex, state: MemberState, next: FieldVector): Promise<void> {
    const key: StateShareKey = { stateId: state.binding.stateId, version: state.binding.version + 1n, taskId }
    await this.#init.store.put(key, state.field, next)
    this.#forTask.delete(taskId.toLowerCase() as Hex)
    this.#log.info('next state version kept', { taskId, stateId: key.stateId, version: String(key.version) })
  }

  /**
   * For every state this node holds a share of: erase versions the chain has moved past (and candidates
   * whose task lost), and deal in the hand-off of a task bound to the held version when this node is
   * not in that task's committee (a member deals inside its own hand-off).
   */
  async #sweep(): Promise<void> {
    if (this.#sweeping || this.#stop.signal.aborted) return
    this.#sweeping = true
    try {
      const held = await this.#init.store.list()
      const byState = new Map<string, StateShareKey[]>()
      for (const k of held) byState.set(k.stateId.toLowerCase(), [...(byState.get(k.stateId.toLowerCase()) ?? []), k])
      for (const [stateId, keys] of byState) {
        const info = await this.#init.source.stateOf(stateId as Hex)
        if (!info) continue
        for (const k of keys) {
          if (isObsolete(k, info)) {
            await this.#init.store.erase(k)
            this.#log.info('state share erased: the chain holds a later version', { stateId, version: String(k.version), current: String(info.version) })
          } else if (k.version === info.version && info.bound?.committee) {
            await this.#dealAsHolder(k, { ...info.bound, committee: info.bound.committee })
          }
        }
      }
    } catch (e) {
      if (!this.#stop.signal.aborted) this.#log.warn('state sweep failed', { err: e })
    } finally {
      this.#sweeping = false
    }
  }

  /**
   * The randomness of this holder's dealing into `session` of the version written by `versionTask`: the
   * same after a restart (`#dealt` is in memory, so a restarted holder deals again), fresh for any other
   * session or version (dealing-random.ts).
   */
  #dealRandom(session: string, versionTask: Hex) {
    return dealingRandom(this.#init.dealingKey, 'state', `${session}\u0000${versionTask.toLowerCase()}`)
  }

  async #dealAsHolder(k: StateShareKey, bound: { taskId: Hex; committee: readonly CommitteeMember[]; t: number; security: SecurityMode }): Promise<void> {
    const self = this.#init.peerId
    if (bound.committee.some((m) => m.peerId === self)) return
    const session = stateSession(k.stateId, k.version, bound.taskId, bound.committee)
    if (this.#dealt.has(session)) return
    const binding = await this.#init.source.bindingOf(bound.taskId)
    const holders = binding?.holders
    if (!binding || !holders || holders.taskId.toLowerCase() !== k.taskId.toLowerCase()) return
    const fieldName = await this.#init.store.fieldOf(k)
    if (!fieldName) return
    const field = getField(fieldName)
    const share = await this.#init.store.get(k, field)
    if (!share) return
    this.#dealt.add(session)
    this.#log.info('dealing a state version to the next task', { stateId: k.stateId, version: String(k.version), taskId: bound.taskId })
    void runHandoff(this.#init.net, self, {
      session, field, security: bound.security, oldCommittee: holders.members, oldT: holders.t, newCommittee: bound.committee, newT: bound.t,
      share, length: field.len(share), timeoutMs: this.#init.timeoutMs, signal: this.#stop.signal, dealRandom: this.#dealRandom(session, k.taskId),
    }).catch((e: unknown) => this.#log.warn('dealing a state version failed', { session, err: e }))
  }
}

/** A held share the chain no longer needs: an older version, or a version written by a task that lost. */
export function isObsolete(k: StateShareKey, info: ChainStateInfo): boolean {
  if (k.version < info.version) return true
  return k.version === info.version && info.versionTask !== undefined && info.versionTask.toLowerCase() !== k.taskId.toLowerCase()
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return }
    const t = setTimeout(() => { signal.removeEventListener('abort', done); resolve() }, ms)
    function done() { clearTimeout(t); reject(signal.reason) }
    signal.addEventListener('abort', done, { once: true })
  })
}

/** A running keeper and its store, as SecretNode holds them. */
export interface StateKeeping {
  readonly keeper: StateKeeper
  close(): Promise<void>
}

/** Opens `<dataDir>/state` and starts the keeper's sweep (SecretNode's `state` option). */
export async function openStateKeeper(o: Omit<StateKeeperInit, 'store' | 'peerId' | 'dealingKey'> & { readonly dataDir: string; readonly identity: NodeIdentity }): Promise<StateKeeping> {
  const store = new StateStore(o.dataDir, o.identity)
  await store.open()
  const keeper = new StateKeeper({ ...o, peerId: o.identity.peerId, dealingKey: o.identity.encryptionSecretKey, store })
  keeper.start()
  return { keeper, async close() { keeper.stop(); await store.close() } }
}
