/**
 * Detection → evidence (issue #12, item 2): honest committee members turn what they saw into the
 * evidence the controller accepts (docs/controller.md, "Suspension and slashing") and hand it to an
 * injected `AccusationSubmitter` (the chain layer's `accuse`; the node never imports the chain).
 *
 * What a member votes on (an EIP-712 `Accusation`, a suspension vote — no stake moves):
 * - `UNRESPONSIVE_REASON`: its own computation failed because member p sent nothing within the
 *   receive deadline, or p's connection dropped (p crashed, or was killed). Only first-hand: a member
 *   that closed the session *with its own cause* ("closed the session (…)") is a messenger, not a
 *   culprit, and gets no vote.
 * - `WRONG_RECEIPT_REASON`: member p signed a receipt attestation with another output hash than the
 *   one this member computed and signed. Honest members compute the same output hash (outputs are
 *   checked before anything is signed in malicious mode), so a different signed hash is a wrong
 *   receipt. (Not self-verifying on chain: the controller does not keep the accepted content to
 *   compare with; it would be the "signed statement contradicting an on-chain fact" hook.)
 * Cheating inside the MPC (`MPC_CHEATING_DETECTED`) names nobody for n = 2t + 1 (docs/security.md,
 * "Naming a culprit"): there is no first-hand evidence against one member, so no vote.
 *
 * Votes travel on gossipsub (ACCUSATION_TOPIC), each checked before it counts: known task (this node
 * is on its committee), the signer a member other than the accused, the message authored by that
 * member's peer, a known reason, a valid signature, at most a few votes per signer and task. Once
 * `suspendVotes(n)` members (a majority, ≥ 2: the controller's rule) voted for one (accused, reason),
 * the voter with the lowest committee index submits at once, the others `fallbackMs` apart after it
 * (the submitter checks the chain first, so a late one sends nothing).
 */
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import type { LocalAccount } from 'viem'
import { keccak256, stringToHex } from 'viem'
import { signAccusation, verifyAccusation, type SignedAccusation } from './attestation.ts'
import { ATTESTATION_TOPIC, decodeAttestationMessage } from './attestation-gossip-codec.ts'
import type { NodeHost } from './host.ts'
import { OVERDUE } from './mpc-network.ts'
import { silentLogger, type Logger } from './log.ts'
import type { Attestation, Hex, TaskSpec } from './task-source.ts'

type Pubsub = NodeHost['services']['pubsub']

export const ACCUSATION_TOPIC = '/enigma/accusations/1.0.0'
export const UNRESPONSIVE_REASON: Hex = keccak256(stringToHex('enigma.accuse.unresponsive.v1'))
export const WRONG_RECEIPT_REASON: Hex = keccak256(stringToHex('enigma.accuse.wrong-receipt.v1'))
const REASONS = new Set([UNRESPONSIVE_REASON, WRONG_RECEIPT_REASON])
const MAX_MESSAGE_BYTES = 1024
/** Distinct votes (accused, reason) per signer and task: up to t members killed at once are one vote each. */
const MAX_VOTES_PER_SIGNER = 4
/**
 * Messages per signer and task: each vote is published again on a schedule (`republishMs`, 5 times), and
 * those copies must not use up the signer's distinct votes — with one quota for both, a second vote (a
 * second killed member, found by the liveness probe seconds after the first) was ignored by everyone.
 */
const MAX_MESSAGES_PER_SIGNER = MAX_VOTES_PER_SIGNER * 6
/** Entries kept per table (tallies, receipts, signer counts, own votes): the oldest go first. */
const MAX_TRACKED = 4_096

/** Drop the oldest entries of a table over MAX_TRACKED (Maps and Sets iterate in insertion order). */
function trim(table: Map<string, unknown> | Set<string>): void {
  for (const k of table.keys()) {
    if (table.size <= MAX_TRACKED) return
    table.delete(k)
  }
}

/** The controller's threshold: a majority of the committee, and at least 2. */
export function suspendVotes(n: number): number {
  return Math.max(2, Math.floor(n / 2) + 1)
}

/**
 * The member a failure reason accuses first-hand (see the file comment), or undefined. Reasons come
 * from the task runner: `timeout: party i sent nothing … (party i, peer P)`; `peer disconnected:
 * party i disconnected before sending 'L': <why> (party i, peer P)` where <why> is the dropped
 * connection (first-hand), `closed the session (<its cause>)` (a messenger: no vote), or
 * `no frame within T ms, then closed the session (<its cause>)` (the frame was already overdue when
 * the notice came, src/node/mpc-network.ts `receiveFrom`). At the ready barrier: `peer disconnected:
 * party i ended the task before the computation started` (its own end: first-hand), or the same with
 * `: closed the session (because of another member)` (`ENDED_ELSEWHERE`, src/node/ready-barrier.ts: a
 * messenger, no vote). A timeout reaches here only after the late member's grace (ready-barrier.ts,
 * mpc-network.ts: "late is not silent"), so it means the same first-hand silence it always did.
 *
 * An overdue notice is blame only when its cause does not explain the lateness (issue #12, the
 * evidence cascade; logs of the semi-honest `silent` and malicious `alter-mul` runs, docs/faults.md):
 * - its cause names a *third* member q first (`timeout: party q …` or `peer disconnected: party q …`,
 *   q neither the sender nor this node): the sender was itself stuck on q, or relays q's notice; it
 *   waited its own deadline and grace before it could tell us, so its notice reaches the members that
 *   wait on it just after their own deadline. (In semi-honest mode an opening receives from t ring
 *   neighbours only, protocols/open.ts: the members that need the silent one's share time out on it,
 *   and the others time out on *them*);
 * - its cause is a detection (`CODE: …`, e.g. `MPC_CHEATING_DETECTED` after the MAC check): the sender
 *   stopped because it caught cheating, possibly seconds after us on a loaded machine.
 * In both cases the sender is a messenger, and its cause is second-hand to us: no vote. Whatever a
 * colluder sends an honest member can only make it such a messenger. The sender stays the culprit
 * when its cause names *us* (we sent every frame, and honest members cannot wait on each other in a
 * cycle), names itself, or gives no cause (`done`: it finished without sending our frame). What is
 * left to a colluder is pacing (docs/faults.md, "Limits of the evidence").
 */
export function culpritOf(reason: string | undefined, self?: number): number | undefined {
  if (!reason) return undefined
  const m = /^(timeout|peer disconnected): party (\d+) /.exec(reason)
  if (!m) return undefined
  const party = Number(m[2])
  const at = reason.indexOf(CLOSED)
  if (m[1] === 'timeout' || at < 0) return party
  if (!reason.slice(0, at).includes(OVERDUE)) return undefined
  const cause = reason.slice(at + CLOSED.length)
  const named = /^(?:timeout|peer disconnected): party (\d+) /.exec(cause)
  if (named && Number(named[1]) !== party && Number(named[1]) !== self) return undefined
  if (/^[A-Z][A-Z0-9_]+: /.test(cause)) return undefined
  return party
}

const CLOSED = 'closed the session ('

export interface AccusationSubmitter {
  /** Send the votes to the controller (`accuse`); should send nothing if the accused is already suspended. */
  submit(accusation: { taskId: Hex; accused: Hex; reason: Hex; signatures: readonly Hex[] }): Promise<void>
}

/** Something that happened in the evidence path (logs, tests, the devnet's dashboard). */
export type EvidenceEvent =
  | { readonly kind: 'voted'; readonly taskId: Hex; readonly accused: Hex; readonly reason: Hex }
  | { readonly kind: 'submitted'; readonly taskId: Hex; readonly accused: Hex; readonly reason: Hex; readonly votes: number }
  | { readonly kind: 'submit-failed'; readonly taskId: Hex; readonly accused: Hex; readonly error: unknown }

export interface EvidenceInit {
  readonly account: LocalAccount
  readonly submitter: AccusationSubmitter
  /** The task as this node stored it (committee, domain), or undefined if it is not on its committee. */
  readonly task: (taskId: Hex) => Promise<TaskSpec | undefined>
  /** This node's own signed receipt attestation of a task, if any. */
  readonly signed: (taskId: Hex) => Promise<Attestation | undefined>
  readonly fallbackMs?: number
  readonly republishMs?: readonly number[]
  readonly log?: Logger
  readonly onEvent?: (e: EvidenceEvent) => void
}

interface Tally {
  readonly spec: TaskSpec
  readonly votes: Map<string, Hex>
  submitted: boolean
}

export class EvidenceCollector {
  readonly #init: EvidenceInit
  readonly #log: Logger
  readonly #tallies = new Map<string, Tally>()
  /** Per task and signer: its verified votes (`accused|reason` → signature) and how many messages it sent. */
  readonly #perSigner = new Map<string, { readonly votes: Map<string, string>; messages: number }>()
  readonly #decoded = new WeakMap<Uint8Array, SignedAccusation>()
  /** Receipt hashes other members signed, per task (checked against ours once we have it). */
  readonly #receipts = new Map<string, Map<string, Hex>>()
  readonly #voted = new Set<string>()
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  #pubsub: Pubsub | undefined
  readonly #onMessage = (evt: CustomEvent<Message>) => { void this.#deliver(evt.detail) }

  constructor(init: EvidenceInit) {
    this.#init = init
    this.#log = (init.log ?? silentLogger).child({ component: 'evidence' })
  }

  attach(pubsub: Pubsub): void {
    if (this.#pubsub) return
    this.#pubsub = pubsub
    pubsub.topicValidators.set(ACCUSATION_TOPIC, (peer, msg) => this.validate(peer, msg))
    pubsub.addEventListener('message', this.#onMessage)
    pubsub.subscribe(ACCUSATION_TOPIC)
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    const p = this.#pubsub
    if (!p) return
    this.#pubsub = undefined
    p.removeEventListener('message', this.#onMessage)
    p.topicValidators.delete(ACCUSATION_TOPIC)
    try { p.unsubscribe(ACCUSATION_TOPIC) } catch { /* host already stopped */ }
  }

  /** The task runner ended a task here: vote on what its failure (or a peer's receipt) shows first-hand. */
  async taskEnded(taskId: Hex, state: string, reason?: string): Promise<void> {
    try {
      const spec = await this.#init.task(taskId)
      if (!spec?.domain) return
      const self = spec.committee.findIndex((m) => m.account.toLowerCase() === this.#init.account.address.toLowerCase())
      const culprit = state === 'failed' ? culpritOf(reason, self) : undefined
      const member = culprit === undefined ? undefined : spec.committee[culprit]
      if (member && member.account.toLowerCase() !== this.#init.account.address.toLowerCase()) await this.#vote(spec, member.account, UNRESPONSIVE_REASON)
      if (state === 'completed') await this.#checkReceipts(spec)
    } catch (err) {
      this.#log.warn('evidence after a task ended failed', { taskId, err })
    }
  }

  /**
   * Vote that member `accused` is unresponsive: after this node's attempt failed, its own probes found
   * the member gone (src/node/rerun-liveness.ts: up to t members killed at once, each must be voted out
   * by every survivor, while its failure named only one of them).
   */
  async unreachable(taskId: Hex, accused: Hex): Promise<void> {
    try {
      const spec = await this.#init.task(taskId)
      const me = this.#init.account.address.toLowerCase()
      if (!spec?.domain || accused.toLowerCase() === me || !spec.committee.some((m) => m.account.toLowerCase() === accused.toLowerCase())) return
      await this.#vote(spec, accused, UNRESPONSIVE_REASON)
    } catch (err) {
      this.#log.warn('voting against an unreachable member failed', { taskId, accused, err })
    }
  }

  async #checkReceipts(spec: TaskSpec): Promise<void> {
    const ours = await this.#init.signed(spec.taskId)
    const theirs = this.#receipts.get(spec.taskId.toLowerCase())
    if (!ours || !theirs) return
    for (const [signer, hash] of theirs) {
      if (hash.toLowerCase() !== ours.outputHash.toLowerCase()) await this.#vote(spec, signer as Hex, WRONG_RECEIPT_REASON)
    }
  }

  async #vote(spec: TaskSpec, accused: Hex, reason: Hex): Promise<void> {
    const key = `${spec.taskId}|${accused}|${reason}`.toLowerCase()
    if (this.#voted.has(key)) return
    this.#voted.add(key)
    trim(this.#voted)
    const vote = await signAccusation(this.#init.account, spec.domain!, { taskId: spec.taskId, accused, reason })
    this.#log.warn('accusation vote', { taskId: spec.taskId, accused, reason: reason === UNRESPONSIVE_REASON ? 'unresponsive' : 'wrong-receipt' })
    this.#init.onEvent?.({ kind: 'voted', taskId: spec.taskId, accused, reason })
    this.#count(spec, vote)
    const bytes = new TextEncoder().encode(JSON.stringify(vote))
    for (const ms of this.#init.republishMs ?? [0, 1_000, 3_000, 6_000, 12_000]) {
      this.#later(ms, () => { this.#pubsub?.publish(ACCUSATION_TOPIC, bytes).catch(() => { /* nobody in the mesh yet */ }) })
    }
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.#timers.delete(t); fn() }, ms)
    t.unref?.()
    this.#timers.add(t)
  }

  /** Count a checked vote; at the threshold, schedule this node's submission by its rank among the voters. */
  #count(spec: TaskSpec, v: SignedAccusation): void {
    const key = `${v.taskId}|${v.accused}|${v.reason}`.toLowerCase()
    let tally = this.#tallies.get(key)
    if (!tally) {
      this.#tallies.set(key, (tally = { spec, votes: new Map(), submitted: false }))
      trim(this.#tallies)
    }
    tally.votes.set(v.signer.toLowerCase(), v.signature)
    if (tally.submitted || tally.votes.size < suspendVotes(spec.n)) return
    const me = this.#init.account.address.toLowerCase()
    if (!tally.votes.has(me)) return
    tally.submitted = true
    const indexOf = (a: string) => spec.committee.findIndex((m) => m.account.toLowerCase() === a)
    const rank = [...tally.votes.keys()].map(indexOf).sort((a, b) => a - b).indexOf(indexOf(me))
    const t = tally
    this.#later(rank * (this.#init.fallbackMs ?? 5_000), () => { void this.#submit(v, t) })
  }

  async #submit(v: SignedAccusation, tally: Tally): Promise<void> {
    const signatures = [...tally.votes.values()]
    try {
      await this.#init.submitter.submit({ taskId: v.taskId, accused: v.accused, reason: v.reason, signatures })
      this.#log.warn('accusation submitted', { taskId: v.taskId, accused: v.accused, votes: signatures.length })
      this.#init.onEvent?.({ kind: 'submitted', taskId: v.taskId, accused: v.accused, reason: v.reason, votes: signatures.length })
    } catch (error) {
      this.#log.warn('submitting an accusation failed', { taskId: v.taskId, accused: v.accused, err: error })
      this.#init.onEvent?.({ kind: 'submit-failed', taskId: v.taskId, accused: v.accused, error })
    }
  }

  /** The topic validator (public for tests): never throws, never touches the chain. */
  async validate(_peer: PeerId, msg: Message): Promise<TopicValidatorResult> {
    try {
      if (msg.type !== 'signed' || msg.data.length > MAX_MESSAGE_BYTES) return TopicValidatorResult.Reject
      const v = parseVote(msg.data)
      if (!v) return TopicValidatorResult.Reject
      const spec = await this.#init.task(v.taskId)
      if (!spec?.domain) return TopicValidatorResult.Ignore
      const signer = spec.committee.find((m) => m.account.toLowerCase() === v.signer.toLowerCase())
      const accused = spec.committee.find((m) => m.account.toLowerCase() === v.accused.toLowerCase())
      if (!signer || !accused || signer === accused || signer.peerId !== msg.from.toString()) return TopicValidatorResult.Reject
      const per = `${v.taskId}|${v.signer}`.toLowerCase()
      const seen = this.#perSigner.get(per) ?? { votes: new Map<string, string>(), messages: 0 }
      const vote = `${v.accused}|${v.reason}`.toLowerCase()
      const known = seen.votes.get(vote)
      if (seen.messages >= MAX_MESSAGES_PER_SIGNER || (known === undefined && seen.votes.size >= MAX_VOTES_PER_SIGNER)) return TopicValidatorResult.Ignore
      // A copy of a vote already verified (a republish) is not verified again; another signature for it is ignored.
      if (known !== undefined && known !== v.signature.toLowerCase()) return TopicValidatorResult.Ignore
      if (known === undefined && !(await verifyAccusation(spec.domain, v))) return TopicValidatorResult.Reject
      seen.votes.set(vote, v.signature.toLowerCase())
      seen.messages++
      this.#perSigner.set(per, seen)
      trim(this.#perSigner)
      this.#decoded.set(msg.data, v)
      return TopicValidatorResult.Accept
    } catch {
      return TopicValidatorResult.Reject
    }
  }

  async #deliver(msg: Message): Promise<void> {
    if (msg.topic === ATTESTATION_TOPIC) return this.#noteReceipt(msg.data)
    if (msg.topic !== ACCUSATION_TOPIC) return
    const v = this.#decoded.get(msg.data)
    if (!v) return
    const spec = await this.#init.task(v.taskId)
    if (spec) this.#count(spec, v)
  }

  /** A receipt attestation another member gossiped (already checked by the attestation filter). */
  async #noteReceipt(data: Uint8Array): Promise<void> {
    let a: Attestation
    try { a = decodeAttestationMessage(data) } catch { return }
    const spec = await this.#init.task(a.taskId).catch(() => undefined)
    if (!spec || !spec.committee.some((m) => m.account.toLowerCase() === a.signer.toLowerCase())) return
    const id = a.taskId.toLowerCase()
    let seen = this.#receipts.get(id)
    if (!seen) {
      this.#receipts.set(id, (seen = new Map()))
      trim(this.#receipts)
    }
    if (seen.size < spec.n) seen.set(a.signer.toLowerCase(), a.outputHash)
    if (await this.#init.signed(spec.taskId)) await this.#checkReceipts(spec)
  }
}

const HEX = (bytes: number) => new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`)
const SHAPES = { taskId: HEX(32), accused: HEX(20), reason: HEX(32), signer: HEX(20), signature: HEX(65) } as const

function parseVote(data: Uint8Array): SignedAccusation | undefined {
  const o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data)) as Record<string, unknown>
  if (typeof o !== 'object' || o === null) return undefined
  for (const [k, re] of Object.entries(SHAPES)) if (typeof o[k] !== 'string' || !re.test(o[k] as string)) return undefined
  if (!REASONS.has((o.reason as string).toLowerCase() as Hex)) return undefined
  return { taskId: o.taskId, accused: o.accused, reason: (o.reason as string).toLowerCase(), signer: o.signer, signature: o.signature } as SignedAccusation
}
