/**
 * The ready barrier (issue #15, defect 6): committee members start a task's computation when *their*
 * last input share arrives, seconds apart, and a member may be restarting. Before the first
 * protocol message every member asks every other one, over `/enigma/ready/1.0.0`, "are you at the
 * barrier of task X?" and keeps asking until each answered yes (or the barrier's deadline passes):
 * readiness is re-sent until answered, so a peer that was down, restarting or slow is waited for,
 * never dropped. Nothing of the MPC session is opened before the barrier passes, so a peer's
 * connection dropping here does not fail the task.
 *
 * Request: 32 bytes (the task id). Answer: 1 byte, `READY` (at the barrier), `PASSED` (past it: it
 * has seen every member at the barrier), `NOT_YET`, or `ENDED` (the task ended on that peer: failed,
 * cancelled or completed; waiting is pointless). `PASSED` lets a member that missed one peer's READY
 * (that peer answered others, then crashed) start anyway: the passed peer saw the whole committee at the
 * barrier, this member included, so the computation starts for everyone and the crashed peer is the
 * one the computation's deadlines name — not an honest member stuck here. (A peer that is not yet
 * running the barrier protocol version with `PASSED` reads it as `NOT_YET`.)
 * Only committee members of the task get a real answer (the remote peer id is authenticated by
 * Noise); anyone else gets `NOT_YET` and learns nothing.
 *
 * **Late is not silent** (issue #12: at load 18–54 an honest member more than 20 s late here was voted
 * out and suspended). A member that *answers* — even `NOT_YET` — is alive: its answer came over a
 * Noise-authenticated stream from its own peer id, so nobody else can give it for it. What the barrier's
 * timeout is evidence of (a suspension vote, src/node/evidence.ts) is a member that answers nothing at
 * all. So at the deadline a pending member that never answered during this wait is named, as before;
 * one that did answer gets a bounded grace, up to `lateFactor` × the deadline (3×, and never past the
 * task's own time), and only then is named the same way. The grace lasts while it keeps answering: one
 * that then says nothing for a whole deadline (it crashed after answering NOT_YET) is named at that
 * point, so a kill costs the others at most one deadline after the member's last answer. A corrupt member answering `NOT_YET` for ever
 * therefore delays the task by at most (lateFactor − 1) × the deadline and is still voted out; it cannot
 * escape. An honest member that is slow (its inputs arrived late, its machine is loaded) but reaches the
 * barrier within the grace is not named (`ready-barrier.test.ts`, "late is not silent").
 *
 * **Ended because of someone else** (`ENDED_ELSEWHERE`): a member whose task failed because of another
 * member (a timeout on it, its dropped connection, its notice) answers this instead of `ENDED`. Before,
 * one corrupt member could get an honest one suspended: it answered `ENDED` to the honest member H that
 * reached the barrier last, H stopped (naming it), and the honest members still waiting on H then got
 * H's `ENDED` and voted H out — with the corrupt member's vote, a majority. A pending member that ended
 * elsewhere stops the barrier too (waiting is pointless) but as a messenger: no vote (`culpritOf`).
 * Its own `ENDED` (interrupted by a crash and restarted, cancelled) still names it first-hand.
 */
import type { Stream, Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { MpcTimeoutError } from '../protocols/transport.ts'
import { EnigmaError } from '../common/errors.ts'
import type { NodeHost } from './host.ts'
import { readAtLeast } from './stream-read.ts'
import type { Hex } from './task-source.ts'

export const READY_PROTOCOL = '/enigma/ready/1.0.0'
export const READY_LABEL = 'node-ready'
export const READY = 1
export const NOT_YET = 0
export const ENDED = 2
export const PASSED = 3
/** Ended here because of another member (its failure names or relays another member): a messenger. */
export const ENDED_ELSEWHERE = 4
/** Not on the wire: the question got no answer (dial refused, stream reset, timeout). */
export const NO_ANSWER = -1
export type ReadyAnswer = typeof READY | typeof NOT_YET | typeof ENDED | typeof PASSED | typeof ENDED_ELSEWHERE
/** Default grace of a member that answers but is not yet at the barrier: this many barrier deadlines in all. */
export const LATE_FACTOR = 3

/**
 * This node's answer for a task that ended here. A failure caused by another member (the runner's
 * reason starts with `timeout: party …` or `peer disconnected: party …`) is `ENDED_ELSEWHERE`, so those
 * still waiting on us do not take us for the cause; anything else (completed, cancelled, interrupted by
 * a restart, a detection of our own) is `ENDED`.
 */
export function endedAnswer(state: string, reason: string | undefined): typeof ENDED | typeof ENDED_ELSEWHERE {
  return state === 'failed' && reason !== undefined && /^(?:timeout|peer disconnected): party \d+ /.test(reason) ? ENDED_ELSEWHERE : ENDED
}

export interface ReadyBarrierInit {
  /** This node's answer for `taskId` to committee member `peer` (NOT_YET for strangers). */
  readonly answer: (taskId: Hex, peer: string) => Promise<ReadyAnswer>
  /** How often a member that has not answered yes is asked again (ms). */
  readonly pollMs?: number
  /** Deadline of one question (dial + answer), ms. */
  readonly requestTimeoutMs?: number
  /** A member that answered gets up to this many barrier deadlines in all (default `LATE_FACTOR`). */
  readonly lateFactor?: number
}

/**
 * A peer said the task ended on its side. Its own end (`ENDED`) names it; one caused by another member
 * (`ENDED_ELSEWHERE`) reads as a messenger's notice (`closed the session (…)`: no vote, `culpritOf`).
 */
export class PeerEndedError extends EnigmaError {
  override name = 'PeerEndedError'
  constructor(party: number, elsewhere = false) {
    super('MPC_PEER_DISCONNECTED', elsewhere
      ? `party ${party} ended the task before the computation started: closed the session (because of another member)`
      : `party ${party} ended the task before the computation started`, { meta: { party, label: READY_LABEL } })
  }
}

/** How long a warming dial may take (ms): it runs beside the input phase, nothing waits for it. */
const WARM_DIAL_MS = 10_000

export class ReadyBarrier {
  readonly #host: NodeHost
  readonly #init: ReadyBarrierInit
  /** The waits in progress, by task (lower-case id): each is told of every peer that asks about it. */
  readonly #waiting = new Map<string, Set<(peer: string) => void>>()

  constructor(host: NodeHost, init: ReadyBarrierInit) {
    this.#host = host
    this.#init = init
  }

  async start(): Promise<void> {
    await this.#host.handle(READY_PROTOCOL, (stream: Stream, connection: Connection) => {
      void this.#serve(stream, connection.remotePeer.toString())
    }, { maxInboundStreams: 32 })
  }

  async stop(): Promise<void> {
    await this.#host.unhandle(READY_PROTOCOL).catch(() => {})
  }

  async #serve(stream: Stream, peer: string): Promise<void> {
    const timer = setTimeout(() => stream.abort(new Error('ready request too slow')), 5_000)
    try {
      const req = await readAtLeast(stream, 32)
      if (req.length !== 32) { stream.abort(new Error('bad ready request')); return }
      const taskId = `0x${req.toString('hex')}` as Hex
      stream.send(Uint8Array.of(await this.#init.answer(taskId, peer)))
      this.askedBy(taskId, peer)
      await stream.close({ signal: AbortSignal.timeout(5_000) })
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)))
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Connect to the task's other members while its inputs are collected (issue #14, night session:
   * inputs), so the Noise handshakes and identify exchanges of the new connections are not made at the
   * barrier, when every member starts the computation at once and they compete with it for the CPU.
   * Only the smaller peer id of a pair dials (as `MpcNetwork` does), so a pair shares one connection.
   * Best effort: a failure costs nothing but the old behaviour (the barrier and the session dial).
   */
  warm(members: readonly { readonly peerId: string; readonly multiaddrs?: readonly string[] }[], self: string, signal: AbortSignal): void {
    for (const m of members) {
      if (m.peerId === self || !(self < m.peerId)) continue
      void (async () => {
        const pid: PeerId = peerIdFromString(m.peerId)
        if (m.multiaddrs?.length) await this.#host.peerStore.merge(pid, { multiaddrs: m.multiaddrs.map((a) => multiaddr(a)) })
        await this.#host.dial(pid, { signal: AbortSignal.any([signal, AbortSignal.timeout(WARM_DIAL_MS)]) })
      })().catch(() => {})
    }
  }

  /**
   * A peer asked about a task: members ask only from `wait`, so it is at its barrier for the task now,
   * which is what a READY answer from it would say (issue #14, night session: inputs). A wait in
   * progress counts it as READY at once, instead of learning it on its next question (`pollMs`
   * later, and a question of its own costs a stream under load): when the last member arrives, its
   * questions start the others. A peer that is not a member of the waiting task is ignored; a member
   * could as well answer READY falsely, so this gives it no power it did not have.
   */
  askedBy(taskId: Hex, peer: string): void {
    for (const tell of this.#waiting.get(taskId.toLowerCase()) ?? []) tell(peer)
  }

  /**
   * Ask one peer once. Any failure (dial refused, peer restarting, timeout) is `NO_ANSWER`: not yet
   * there, and no sign of life either.
   */
  async ask(peer: string, taskId: Hex, signal: AbortSignal, timeoutMs = this.#init.requestTimeoutMs ?? 3_000): Promise<ReadyAnswer | typeof NO_ANSWER> {
    let stream: Stream | undefined
    const s = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
    const onAbort = () => stream?.abort(new Error('ready request aborted'))
    s.addEventListener('abort', onAbort, { once: true })
    try {
      const pid: PeerId = peerIdFromString(peer)
      stream = await this.#host.dialProtocol(pid, READY_PROTOCOL, { signal: s })
      stream.send(Buffer.from(taskId.slice(2), 'hex'))
      for await (const c of stream) {
        const u = c instanceof Uint8Array ? c : c.subarray()
        if (u.length > 0) return u[0] === READY || u[0] === PASSED || u[0] === ENDED || u[0] === ENDED_ELSEWHERE ? u[0] : NOT_YET
      }
      return NO_ANSWER
    } catch {
      return NO_ANSWER
    } finally {
      s.removeEventListener('abort', onAbort)
      stream?.abort(new Error('done'))
    }
  }

  /**
   * Wait until every other member answered READY, or one answered PASSED. Throws `MpcTimeoutError(party, 'node-ready')` for
   * the first member still missing — at `timeoutMs` for a member that never answered during this wait,
   * at `lateFactor` × `timeoutMs` (capped by `maxMs`, the task's own time) for one that answered but is
   * not here yet (see the file comment) — `PeerEndedError` if a member ended the task, or the signal's
   * reason.
   */
  async wait(taskId: Hex, members: readonly string[], self: number, timeoutMs: number, signal: AbortSignal, maxMs = Infinity): Promise<void> {
    const others = members.map((_, i) => i).filter((i) => i !== self)
    const pending = new Set(others)
    const started = Date.now()
    const until = started + timeoutMs
    // The grace of a member that answered: at least the deadline itself, never past the task's time.
    const lateUntil = started + Math.max(timeoutMs, Math.min(timeoutMs * (this.#init.lateFactor ?? LATE_FACTOR), maxMs))
    /** When each member last answered during this wait (alive, whatever it said). */
    const answered = new Map<number, number>()
    const every = this.#init.pollMs ?? 250
    // A question that timed out is asked again with twice the time (up to 8×): on a loaded machine a
    // first dial + Noise handshake can take longer than one question's deadline, and cutting it off at
    // the same point every round kept two members from ever reaching each other (issue #12 devnet logs,
    // load ≈ 50–90: every member at the barrier, two of them never seeing each other's READY).
    const base = this.#init.requestTimeoutMs ?? 3_000
    const slow = new Map<number, number>()
    const inflight = new Set<number>()
    let decided: 'passed' | { ended: number; elsewhere: boolean } | undefined
    let wake: (() => void) | undefined
    const stopAll = new AbortController()
    const asking = AbortSignal.any([signal, stopAll.signal, AbortSignal.timeout(Math.max(1, lateUntil - started))])
    const key = taskId.toLowerCase()
    const tell = (peer: string) => {
      const j = members.indexOf(peer)
      if (j < 0 || j === self || !pending.has(j)) return
      answered.set(j, Date.now())
      pending.delete(j)
      wake?.()
    }
    let told = this.#waiting.get(key)
    if (!told) this.#waiting.set(key, (told = new Set()))
    told.add(tell)
    try {
      while (pending.size > 0) {
        signal.throwIfAborted()
        // Answers are taken as they come: one PASSED or ENDED decides at once, without waiting for a
        // question to a crashed peer to time out (that wait is what let the others time out on us).
        // Every other member is asked, not only the pending ones: one that answered READY earlier may
        // have passed since (with a member that then crashed before we saw its READY), and its PASSED
        // is then the only way on; asking just the crashed one kept us here while the passed members
        // timed out on us (faults.test.ts, "kill -9 during the computation"). A question given more
        // time stays in flight across rounds; a round waits only for its base-time questions.
        const round: Promise<void>[] = []
        for (const j of others) {
          if (inflight.has(j)) continue
          inflight.add(j)
          const k = slow.get(j) ?? 0
          const asked = Date.now()
          const ms = Math.min(base * 2 ** k, Math.max(base, lateUntil - asked))
          const question = this.ask(members[j]!, taskId, asking, ms).then((a) => {
            inflight.delete(j)
            if (a !== NO_ANSWER) answered.set(j, Date.now())
            if (a !== NOT_YET && a !== NO_ANSWER) slow.delete(j)
            else if (Date.now() - asked >= ms - 50) slow.set(j, Math.min(k + 1, 3))
            if (a === READY) pending.delete(j)
            else if (a === PASSED) decided ??= 'passed'
            // ENDED decides only for a member we still wait on. One that already answered READY and
            // ended since gave up on someone else (typically the member we are all still missing): we
            // reach our own deadline on that member and name it first-hand, instead of naming the
            // messenger (faults.test.ts, "a silent committee member").
            else if ((a === ENDED || a === ENDED_ELSEWHERE) && pending.has(j)) decided ??= { ended: j, elsewhere: a === ENDED_ELSEWHERE }
            wake?.()
          })
          if (k === 0) round.push(question)
        }
        await new Promise<void>((resolve) => {
          wake = () => { if (decided || pending.size === 0) resolve() }
          wake()
          void Promise.all(round).then(() => resolve())
        })
        wake = undefined
        if (decided === 'passed') return
        if (decided) throw new PeerEndedError(decided.ended, decided.elsewhere)
        if (pending.size === 0) return
        signal.throwIfAborted()
        const now = Date.now()
        if (now >= until) {
          // From the deadline on, a member that gave no sign of life for a whole deadline is named (one
          // that never answered, or one that stopped: it crashed after answering NOT_YET); the ones that
          // keep answering (late, not silent) are named at the end of their grace, the same way.
          const silent = [...pending].filter((j) => now - (answered.get(j) ?? -Infinity) > timeoutMs)
          if (silent.length > 0) throw new MpcTimeoutError(Math.min(...silent), READY_LABEL, timeoutMs)
          if (now >= lateUntil) throw new MpcTimeoutError(Math.min(...pending), READY_LABEL, lateUntil - started)
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, Math.min(every, Math.max(1, (now < until ? until : lateUntil) - Date.now())))
          function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve() }
          signal.addEventListener('abort', done, { once: true })
          // An answer still in flight, or a member's own question (`askedBy`), may settle it meanwhile.
          wake = () => { if (decided || pending.size === 0) done() }
        })
        wake = undefined
      }
    } finally {
      stopAll.abort()
      told.delete(tell)
      if (told.size === 0) this.#waiting.delete(key)
    }
  }
}
