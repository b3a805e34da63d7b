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
 */
import type { Stream, Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
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
export type ReadyAnswer = typeof READY | typeof NOT_YET | typeof ENDED | typeof PASSED

export interface ReadyBarrierInit {
  /** This node's answer for `taskId` to committee member `peer` (NOT_YET for strangers). */
  readonly answer: (taskId: Hex, peer: string) => Promise<ReadyAnswer>
  /** How often a member that has not answered yes is asked again (ms). */
  readonly pollMs?: number
  /** Deadline of one question (dial + answer), ms. */
  readonly requestTimeoutMs?: number
}

/** A peer said the task ended on its side. */
export class PeerEndedError extends EnigmaError {
  override name = 'PeerEndedError'
  constructor(party: number) {
    super('MPC_PEER_DISCONNECTED', `party ${party} ended the task before the computation started`, { meta: { party, label: READY_LABEL } })
  }
}

export class ReadyBarrier {
  readonly #host: NodeHost
  readonly #init: ReadyBarrierInit

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
      await stream.close({ signal: AbortSignal.timeout(5_000) })
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)))
    } finally {
      clearTimeout(timer)
    }
  }

  /** Ask one peer once. Any failure (dial refused, peer restarting, timeout) counts as "not yet". */
  async ask(peer: string, taskId: Hex, signal: AbortSignal, timeoutMs = this.#init.requestTimeoutMs ?? 3_000): Promise<ReadyAnswer> {
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
        if (u.length > 0) return u[0] === READY ? READY : u[0] === PASSED ? PASSED : u[0] === ENDED ? ENDED : NOT_YET
      }
      return NOT_YET
    } catch {
      return NOT_YET
    } finally {
      s.removeEventListener('abort', onAbort)
      stream?.abort(new Error('done'))
    }
  }

  /**
   * Wait until every other member answered READY, or one answered PASSED. Throws `MpcTimeoutError(party, 'node-ready')` for
   * the first member still missing at `timeoutMs`, `PeerEndedError` if a member ended the task, or
   * the signal's reason.
   */
  async wait(taskId: Hex, members: readonly string[], self: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const others = members.map((_, i) => i).filter((i) => i !== self)
    const pending = new Set(others)
    const until = Date.now() + timeoutMs
    const every = this.#init.pollMs ?? 250
    // A question that timed out is asked again with twice the time (up to 8×): on a loaded machine a
    // first dial + Noise handshake can take longer than one question's deadline, and cutting it off at
    // the same point every round kept two members from ever reaching each other (issue #12 devnet logs,
    // load ≈ 50–90: every member at the barrier, two of them never seeing each other's READY).
    const base = this.#init.requestTimeoutMs ?? 3_000
    const slow = new Map<number, number>()
    const inflight = new Set<number>()
    let decided: 'passed' | { ended: number } | undefined
    let wake: (() => void) | undefined
    const stopAll = new AbortController()
    const asking = AbortSignal.any([signal, stopAll.signal, AbortSignal.timeout(Math.max(1, timeoutMs))])
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
          const ms = Math.min(base * 2 ** k, Math.max(base, until - asked))
          const answered = this.ask(members[j]!, taskId, asking, ms).then((a) => {
            inflight.delete(j)
            if (a !== NOT_YET) slow.delete(j)
            else if (Date.now() - asked >= ms - 50) slow.set(j, Math.min(k + 1, 3))
            if (a === READY) pending.delete(j)
            else if (a === PASSED) decided ??= 'passed'
            // ENDED decides only for a member we still wait on. One that already answered READY and
            // ended since gave up on someone else (typically the member we are all still missing): we
            // reach our own deadline on that member and name it first-hand, instead of naming the
            // messenger (faults.test.ts, "a silent committee member").
            else if (a === ENDED && pending.has(j)) decided ??= { ended: j }
            wake?.()
          })
          if (k === 0) round.push(answered)
        }
        await new Promise<void>((resolve) => {
          wake = () => { if (decided || pending.size === 0) resolve() }
          wake()
          void Promise.all(round).then(() => resolve())
        })
        wake = undefined
        if (decided === 'passed') return
        if (decided) throw new PeerEndedError(decided.ended)
        if (pending.size === 0) return
        signal.throwIfAborted()
        if (Date.now() >= until) throw new MpcTimeoutError(Math.min(...pending), READY_LABEL, timeoutMs)
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, Math.min(every, Math.max(1, until - Date.now())))
          function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve() }
          signal.addEventListener('abort', done, { once: true })
        })
      }
    } finally {
      stopAll.abort()
    }
  }
}
