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
 *   3. a task this node already knows as open, from its own task source's events (Ignore otherwise:
 *      an unknown task id never makes the node ask the chain, so junk cannot queue chain polls);
 *   4. the signer is that task's committee member and the message's author is that member's peer
 *      (Reject);
 *   5. the EIP-712 signature (src/node/attestation.ts), at most a few distinct ones per member and
 *      task (Reject when invalid).
 * Only Accepted messages are forwarded by gossipsub and handed to the inner source, once each.
 * Memory is bounded: open tasks only (dropped when they close or pass their deadline), a few
 * attestations per member, a capped table of rate buckets.
 */
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { verifyAttestation } from './attestation.ts'
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
  /** Unix seconds now (default: the wall clock); only used to drop tasks long past their deadline. */
  readonly now?: () => number
  readonly log?: Logger
}

export interface AttestationGossipStats {
  accepted: number
  rejected: number
  ignoredUnknownTask: number
  rateLimited: number
  delivered: number
}

interface KnownTask {
  readonly spec: TaskSpec
  /** signer (lower-case) → signatures (lower-case) already verified */
  readonly seen: Map<string, Set<string>>
  /** signatures already handed to the inner source */
  readonly delivered: Set<string>
}

const RATE_TABLE_MAX = 4_096
/** Seconds past its deadline after which a task that never closed is forgotten anyway. */
const DEADLINE_GRACE_S = 120

export class AttestationGossip implements TaskSource {
  readonly #inner: AttestingSource
  readonly #o: Required<Omit<AttestationGossipOptions, 'log' | 'now'>> & { log: Logger; now: () => number }
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

  /** Number of open tasks this filter knows (for tests and metrics). */
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
    if (sigs?.has(a.signature.toLowerCase())) {
      this.#decoded.set(msg.data, a)
      return TopicValidatorResult.Accept
    }
    if (sigs && sigs.size >= this.#o.maxPerSigner) return TopicValidatorResult.Ignore
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
    if (!task || task.delivered.has(sig)) return
    task.delivered.add(sig)
    this.stats.delivered++
    this.#inner.publishAttestation(a).catch((e: unknown) => this.#o.log.debug('peer attestation refused', { taskId: a.taskId, signer: a.signer, err: e }))
  }

  #remember(task: KnownTask, a: Attestation, delivered: boolean): void {
    const signer = a.signer.toLowerCase()
    let sigs = task.seen.get(signer)
    if (!sigs) task.seen.set(signer, (sigs = new Set()))
    if (sigs.size < this.#o.maxPerSigner) sigs.add(a.signature.toLowerCase())
    if (delivered) task.delivered.add(a.signature.toLowerCase())
  }

  #track(e: TaskEvent): void {
    if (e.kind === 'created') {
      const id = e.task.taskId.toLowerCase()
      if (!this.#tasks.has(id)) this.#tasks.set(id, { spec: e.task, seen: new Map(), delivered: new Set() })
    } else if (e.kind === 'completed' || e.kind === 'cancelled') {
      this.#tasks.delete(e.taskId.toLowerCase())
    }
  }

  #pruneExpired(): void {
    const now = this.#o.now()
    for (const [id, t] of this.#tasks) if (t.spec.deadline + DEADLINE_GRACE_S < now) this.#tasks.delete(id)
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

