/**
 * Committee members exchange their receipt attestations over gossipsub, so whoever aggregates them
 * (the chain layer's task source: the designated member posts the receipt) holds t+1. The task
 * runner hands only its *own* attestation to `publishAttestation`; this wrapper publishes it on
 * ATTESTATION_TOPIC a few times (a peer may join the mesh late) and feeds peers' attestations to the
 * inner source.
 *
 * Any libp2p peer can publish on a topic, so every message passes a gossipsub topic validator
 * before any other work (issue #15, "gossip amplification"). In order of cost:
 *   1. a token bucket per propagating peer (Ignore when empty: honest relays are not punished);
 *   2. shape: size, UTF-8 JSON, hex fields of the right lengths (Reject: the score drops);
 *   3. a task this node already knows, from its own task source's events, open or closed for less
 *      than CLOSED_GRACE_S (Ignore otherwise: an unknown task id never makes the node ask the chain,
 *      so junk cannot queue chain polls);
 *   4. the signer is that task's committee member and the message's author is that member's peer
 *      (Reject);
 *   5. the EIP-712 signature (src/node/attestation.ts), at most a few distinct ones per member and
 *      task (Reject when invalid).
 * Only Accepted messages are forwarded by gossipsub and reach the node's other listeners (the
 * evidence collector compares every member's output hash with its own, src/node/evidence.ts); those
 * of an open task are also handed to the inner source, once each.
 *
 * A task stays known for CLOSED_GRACE_S after it closed (its receipt landed, or it was cancelled):
 * the receipt needs only t + 1 honest attestations, so a member that signed another output hash is
 * often heard *after* the receipt (it restarted and joins the mesh late, or it is simply slower), and
 * a filter that forgot the task at once dropped exactly the attestation that is the evidence (issue
 * #12: the soak's undetected `wrong-receipt`). Its attestations are still checked and forwarded, but
 * no longer handed to the inner source (nothing left to aggregate).
 *
 * Two verified attestations of one member for one task with different content are a signed
 * equivocation: handed to `equivocations` (src/node/attestation-gossip-equivocation.ts), which sends
 * them to the controller's `proveEquivocation` (self-verifying: it slashes, no vote).
 * Memory is bounded: open and recently closed tasks only (dropped a grace after they close or pass
 * their deadline), a few attestations per member, a capped table of rate buckets.
 */
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { receiptContentHash, verifyAttestation } from './attestation.ts'
import type { EquivocationReporter } from './attestation-gossip-equivocation.ts'
import { ATTESTATION_TOPIC, decodeAttestationMessage, encodeAttestationMessage } from './attestation-gossip-codec.ts'
import { silentLogger, type Logger } from './log.ts'
import type { NodeHost } from './host.ts'
import type { Attestation, Hex, SourceClock, SourceTaskStatus, TaskEvent, TaskSource, TaskSpec } from './task-source.ts'

export { ATTESTATION_TOPIC } from './attestation-gossip-codec.ts'

type Pubsub = NodeHost['services']['pubsub']
export type AttestingSource = TaskSource & { publishAttestation(a: Attestation): Promise<void> }

export interface AttestationGossipOptions {
  /** Messages per second one peer may relay to us (default 20, burst `burst`). */
  readonly ratePerSecond?: number
  /** Bucket size (default 200: a relay forwards a whole committee's republishes at once). */
  readonly burst?: number
  /** When (ms after our attestation) it is published again (default 0, 1, 3, 6, 12, 25 s). */
  readonly republishMs?: readonly number[]
  /** Distinct signatures kept per member and task (default 4; more are ignored). */
  readonly maxPerSigner?: number
  /** Unix seconds now (default: the wall clock); only used to forget tasks long past their deadline or closed. */
  readonly now?: () => number
  readonly log?: Logger
  /** Where a member's two conflicting attestations go (default: none; the pair is only logged). */
  readonly equivocations?: EquivocationReporter
}

export interface AttestationGossipStats {
  accepted: number
  rejected: number
  ignoredUnknownTask: number
  rateLimited: number
  delivered: number
}

interface KnownTask {
  /** The current attempt's spec (a re-run draws another committee for the same task id). */
  spec: TaskSpec
  /** signer (lower-case) → its verified attestations: signature (lower-case) → the attestation */
  readonly seen: Map<string, Map<string, Attestation>>
  /** signatures already handed to the inner source */
  readonly delivered: Set<string>
  /** signers (lower-case) whose two conflicting attestations were already reported */
  readonly equivocated: Set<string>
  /** When (unix seconds, `now`) the source said the task closed; undefined while open. */
  closedAt?: number
}

const RATE_TABLE_MAX = 4_096
/** Seconds past its deadline after which a task that never closed is forgotten anyway. */
const DEADLINE_GRACE_S = 120
/**
 * Seconds a closed task stays known: a member's attestation republished up to 25 s after it signed
 * (`republishMs`), from a member that may have signed late, still reaches the evidence collector.
 */
export const CLOSED_GRACE_S = 120

/** The content a receipt Statement signs (what `proveEquivocation` compares). */
const contentOf = (a: Attestation): Hex => receiptContentHash(a.outputHash, a.publicOutputs)

export class AttestationGossip implements TaskSource {
  readonly #inner: AttestingSource
  readonly #o: Required<Omit<AttestationGossipOptions, 'log' | 'now' | 'equivocations'>> & { log: Logger; now: () => number; equivocations?: EquivocationReporter }
  readonly #tasks = new Map<string, KnownTask>()
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  readonly #decoded = new WeakMap<Uint8Array, Attestation>()
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  readonly stats: AttestationGossipStats = { accepted: 0, rejected: 0, ignoredUnknownTask: 0, rateLimited: 0, delivered: 0 }
  #pubsub: Pubsub | undefined
  #unsubscribe: (() => void) | undefined
  #prune: ReturnType<typeof setInterval> | undefined
  readonly #onMessage = (evt: CustomEvent<Message>) => this.#deliver(evt.detail)

  constructor(inner: AttestingSource, options: AttestationGossipOptions = {}) {
    this.#inner = inner
    this.#o = {
      ratePerSecond: options.ratePerSecond ?? 20,
      burst: options.burst ?? 200,
      republishMs: options.republishMs ?? [0, 1_000, 3_000, 6_000, 12_000, 25_000],
      maxPerSigner: options.maxPerSigner ?? 4,
      now: options.now ?? (() => Date.now() / 1000),
      log: options.log ?? silentLogger,
      equivocations: options.equivocations,
    }
  }

  async start(options?: { signal?: AbortSignal }): Promise<void> {
    // Subscribe first: the inner source emits the tasks it finds while it starts.
    this.#unsubscribe ??= this.#inner.subscribe((e) => this.#track(e))
    await this.#inner.start(options)
    for (const spec of await this.#inner.openTasks()) this.#track({ kind: 'created', task: spec })
    this.#prune ??= setInterval(() => this.#pruneExpired(), 10_000)
    this.#prune.unref?.()
  }

  async stop(): Promise<void> {
    this.detach()
    this.#o.equivocations?.stop()
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    if (this.#prune) clearInterval(this.#prune)
    this.#prune = undefined
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    await this.#inner.stop()
  }

  subscribe(handler: (event: TaskEvent) => void): () => void {
    return this.#inner.subscribe(handler)
  }

  openTasks(): Promise<TaskSpec[]> {
    return this.#inner.openTasks()
  }

  /** The inner source's deadline clock (chain time), passed through: the filter changes no timing. */
  get clock(): SourceClock | undefined {
    return this.#inner.clock
  }

  taskStatus(taskId: Hex): Promise<SourceTaskStatus> {
    return this.#inner.taskStatus ? this.#inner.taskStatus(taskId) : Promise.resolve('unknown')
  }

  /** Number of tasks this filter knows, open or closed within the grace (for tests and metrics). */
  get knownTasks(): number {
    return this.#tasks.size
  }

  /** Starts validating and receiving attestations on `pubsub` (once the node's host runs). */
  attach(pubsub: Pubsub): void {
    if (this.#pubsub) return
    this.#pubsub = pubsub
    pubsub.topicValidators.set(ATTESTATION_TOPIC, (peer, msg) => this.validate(peer, msg))
    pubsub.addEventListener('message', this.#onMessage)
    pubsub.subscribe(ATTESTATION_TOPIC)
  }

  detach(): void {
    const p = this.#pubsub
    if (!p) return
    this.#pubsub = undefined
    p.removeEventListener('message', this.#onMessage)
    p.topicValidators.delete(ATTESTATION_TOPIC)
    try { p.unsubscribe(ATTESTATION_TOPIC) } catch { /* host already stopped */ }
  }

  async publishAttestation(attestation: Attestation): Promise<void> {
    const known = this.#tasks.get(attestation.taskId.toLowerCase())
    if (known) this.#remember(known, attestation, true)
    const bytes = encodeAttestationMessage(attestation)
    for (const ms of this.#o.republishMs) {
      const t = setTimeout(() => {
        this.#timers.delete(t)
        this.#pubsub?.publish(ATTESTATION_TOPIC, bytes).catch(() => { /* nobody in the mesh yet */ })
      }, ms)
      this.#timers.add(t)
    }
    await this.#inner.publishAttestation(attestation)
  }

  /** The topic validator (public for tests): never throws, never touches the chain. */
  async validate(peer: PeerId, msg: Message): Promise<TopicValidatorResult> {
    if (!this.#take(peer.toString())) {
      this.stats.rateLimited++
      return TopicValidatorResult.Ignore
    }
    const verdict = await this.#check(msg)
    if (verdict === TopicValidatorResult.Accept) this.stats.accepted++
    else if (verdict === TopicValidatorResult.Reject) this.stats.rejected++
    return verdict
  }

  async #check(msg: Message): Promise<TopicValidatorResult> {
    if (msg.type !== 'signed') return TopicValidatorResult.Reject
    let a: Attestation
    try {
      a = decodeAttestationMessage(msg.data)
    } catch {
      return TopicValidatorResult.Reject
    }
    const task = this.#tasks.get(a.taskId.toLowerCase())
    if (!task) {
      this.stats.ignoredUnknownTask++
      return TopicValidatorResult.Ignore
    }
    const signer = a.signer.toLowerCase()
    const member = task.spec.committee.find((m) => m.account.toLowerCase() === signer)
    if (!member || member.peerId !== msg.from.toString()) return TopicValidatorResult.Reject
    const sigs = task.seen.get(signer)
    const known = sigs?.get(a.signature.toLowerCase())
    // A republish: the same signature over the same content (a known signature on other content is
    // checked in full below, and fails: the evidence collector must only ever see signed content).
    if (known && contentOf(known) === contentOf(a)) {
      this.#decoded.set(msg.data, a)
      return TopicValidatorResult.Accept
    }
    // Full: more signatures of content we hold, or the member already proven to equivocate.
    if (sigs && sigs.size >= this.#o.maxPerSigner && (task.equivocated.has(signer) || [...sigs.values()].some((x) => contentOf(x) === contentOf(a)))) return TopicValidatorResult.Ignore
    const domain = task.spec.domain
    if (!domain) return TopicValidatorResult.Ignore
    let ok = false
    try {
      ok = await verifyAttestation(domain, a)
    } catch {
      ok = false
    }
    if (!ok) return TopicValidatorResult.Reject
    // The task may have closed while we verified: nothing left to aggregate.
    const still = this.#tasks.get(a.taskId.toLowerCase())
    if (!still) return TopicValidatorResult.Ignore
    this.#remember(still, a, false)
    this.#decoded.set(msg.data, a)
    return TopicValidatorResult.Accept
  }

  #deliver(msg: Message): void {
    if (msg.topic !== ATTESTATION_TOPIC) return
    const a = this.#decoded.get(msg.data)
    if (!a) return // not validated by us (cannot happen while attached)
    const task = this.#tasks.get(a.taskId.toLowerCase())
    const sig = a.signature.toLowerCase()
    // A closed task's attestations are for the node's other listeners (evidence), not for aggregation.
    if (!task || task.closedAt !== undefined || task.delivered.has(sig)) return
    task.delivered.add(sig)
    this.stats.delivered++
    this.#inner.publishAttestation(a).catch((e: unknown) => this.#o.log.debug('peer attestation refused', { taskId: a.taskId, signer: a.signer, err: e }))
  }

  /** Keeps a verified attestation (our own, or one the validator checked) and reports a conflict with an earlier one of its signer. */
  #remember(task: KnownTask, a: Attestation, delivered: boolean): void {
    const signer = a.signer.toLowerCase()
    let sigs = task.seen.get(signer)
    if (!sigs) task.seen.set(signer, (sigs = new Map()))
    const other = [...sigs.values()].find((x) => contentOf(x) !== contentOf(a))
    if (sigs.size < this.#o.maxPerSigner) sigs.set(a.signature.toLowerCase(), a)
    if (delivered) task.delivered.add(a.signature.toLowerCase())
    if (other && !task.equivocated.has(signer)) {
      task.equivocated.add(signer)
      this.#o.log.warn('a committee member signed two different receipts', { taskId: a.taskId, signer: a.signer })
      this.#o.equivocations?.report(task.spec, other, a)
    }
  }

  #track(e: TaskEvent): void {
    if (e.kind === 'created') {
      const id = e.task.taskId.toLowerCase()
      const known = this.#tasks.get(id)
      // A re-run's attempt is a new `created` of the same task id: open again, its new committee; the
      // statements already seen stay (a member signs one result per task, across attempts).
      if (known) { known.spec = e.task; known.closedAt = undefined }
      else this.#tasks.set(id, { spec: e.task, seen: new Map(), delivered: new Set(), equivocated: new Set() })
    } else if (e.kind === 'completed' || e.kind === 'cancelled') {
      const known = this.#tasks.get(e.taskId.toLowerCase())
      if (known) known.closedAt ??= this.#o.now()
    }
  }

  #pruneExpired(): void {
    const now = this.#o.now()
    for (const [id, t] of this.#tasks) {
      if (t.spec.deadline + DEADLINE_GRACE_S < now || (t.closedAt !== undefined && t.closedAt + CLOSED_GRACE_S < now)) this.#tasks.delete(id)
    }
  }

  /** Token bucket per propagating peer; the table is capped so peer-id churn cannot grow it. */
  #take(peer: string): boolean {
    const now = Date.now()
    let b = this.#buckets.get(peer)
    if (!b) {
      if (this.#buckets.size >= RATE_TABLE_MAX) {
        for (const [k, v] of this.#buckets) if (now - v.at > 60_000) this.#buckets.delete(k)
        if (this.#buckets.size >= RATE_TABLE_MAX) this.#buckets.delete(this.#buckets.keys().next().value!)
      }
      this.#buckets.set(peer, (b = { tokens: this.#o.burst, at: now }))
    }
    b.tokens = Math.min(this.#o.burst, b.tokens + ((now - b.at) / 1000) * this.#o.ratePerSecond)
    b.at = now
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }
}

