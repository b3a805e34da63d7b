/**
 * Complaints about a missing frame, semi-honest mode (issue #12: "in semi-honest mode, crashes and
 * silence are handled the same way" as in malicious mode: the silent member is suspended and the task
 * re-run). Why it is needed: the semi-honest opening hears only its t ring neighbours (open.ts), and a
 * multiplication's shares go to a king, so when a member goes silent only the few parties that wait on it
 * time out on it first-hand; the others time out, later, on *them* (messengers), and t first-hand
 * witnesses are one short of the controller's majority (docs/faults.md, "Limits of the evidence").
 *
 * The protocol idea is the complaint phase of verifiable secret sharing and distributed key generation
 * (Ben-Or, Goldwasser, Wigderson STOC 1988; Pedersen, EUROCRYPT 1991; Gennaro, Jarecki, Krawczyk, Rabin,
 * J. Cryptology 2007, §4 "complaints"): a party that did not get what it was owed complains to everyone,
 * and the accused must answer in public, so every honest party sees *for itself* whether it answers.
 * Here:
 * - A party whose receive from `m` fails (deadline, dropped connection, m's close notice) sends every
 *   other party a complaint naming m (label `<prefix>complaint.<k>`, its k-th complaint, one per accused).
 * - A party that learns of a complaint naming `m` sends the same complaint on to everyone (so that the
 *   accused hears of it even if the complainer told only some parties: a colluder cannot make honest
 *   parties wait for an answer the accused never was asked for), and waits for m's answer
 *   (`<prefix>complaint-answer`) with its own receive deadline: its own first-hand witness of m.
 * - A party that learns of a complaint naming itself answers everyone, once.
 * - When one of our receives fails, a witness that saw its accused stay silent (or drop its connection)
 *   is reported instead of the failed receive: an honest member stuck on a messenger names the silent
 *   member first-hand, exactly as in malicious mode, where every opening is all-to-all.
 *
 * Cost: nothing on the fast path (no message, no round, two counters per exchange and one timer per
 * session: the exact round tests of src/protocols hold). Complaints are read when a receive fails (for
 * as long as the witnesses it starts run) and while an exchange has waited longer than a quarter of the
 * deadline; earlier ones wait in the transport. Failing costs up to one more deadline (the witnesses).
 * Bounded: at most n − 1 complaints per sender and one answer per party per session.
 *
 * Limits: an accused that is alive answers once one of its exchanges stalls or fails; if it computes on
 * for most of a deadline while the complainers are stuck (fed by colluders: active deviation, which
 * semi-honest mode does not defend against, docs/security.md), it answers late and is named. Malicious
 * mode does not use this (its openings are all-to-all already).
 */
import { isEnigmaError } from '../common/errors.ts'
import type { MpcSession } from './session.ts'

const COMPLAINT = 'complaint.'
const ANSWER = 'complaint-answer'

/** The label of a party's k-th complaint in a session with this label prefix. */
export function complaintLabel(prefix: string, k: number): string {
  return `${prefix}${COMPLAINT}${k}`
}

/** The label of the answer to a complaint. */
export function answerLabel(prefix: string): string {
  return `${prefix}${ANSWER}`
}

/** A complaint's payload: the accused party's index, 16 bits big-endian. */
export function complaintPayload(accused: number): Uint8Array {
  return Uint8Array.of(accused >> 8, accused & 0xff)
}

/** The party a failed receive names, if any (MpcTimeoutError, PeerDisconnectedError). */
function partyOf(e: unknown): number | undefined {
  if (!isEnigmaError(e) || (e.code !== 'MPC_TIMEOUT' && e.code !== 'MPC_PEER_DISCONNECTED')) return undefined
  const p = e.meta.party
  return typeof p === 'number' ? p : undefined
}

export class Complaints {
  readonly #s: MpcSession
  /** Parties this party complained about, in order (the k-th got label complaint.k). */
  readonly #accused: number[] = []
  /** The next complaint index expected from each party. */
  readonly #next: number[]
  /** Per accused party: its answer's outcome here (undefined: it answered; else the failed receive). */
  readonly #witnesses = new Map<number, Promise<unknown>>()
  #answered = false
  /** Exchanges waiting for their receives now, and how many have ended (the watchdog's view). */
  #inFlight = 0
  #ended = 0
  #watchdog: ReturnType<typeof setTimeout> | undefined
  /** Reading complaints because an exchange has made no progress for a while. */
  #stalled: AbortController | undefined

  constructor(s: MpcSession) {
    this.#s = s
    this.#next = Array.from({ length: s.n }, () => 0)
  }

  /** An exchange starts waiting for its receives (two counters, and the watchdog if it sleeps). */
  waiting(): void {
    this.#inFlight++
    if (this.#watchdog === undefined) this.#watch(this.#ended)
  }

  /** An exchange stopped waiting (its receives resolved or failed). */
  ended(): void {
    this.#inFlight--
    this.#ended++
  }

  /**
   * One timer per session, a quarter of the deadline apart (not one per exchange: a round-bound program's
   * hot path): while an exchange has made no progress for a whole period, complaints are read, so an
   * accused that is itself stuck answers in time. It stops when no exchange waits or ended in a period
   * (the computation is over or busy locally), and never keeps the process alive.
   */
  #watch(seen: number): void {
    this.#watchdog = setTimeout(() => {
      this.#watchdog = undefined
      const idle = this.#ended === seen
      if (!idle || this.#inFlight === 0) {
        this.#stalled?.abort()
        this.#stalled = undefined
      } else {
        this.#stalled ??= this.#listen()
      }
      if (this.#inFlight > 0 || !idle) this.#watch(this.#ended)
    }, Math.max(1, this.#s.timeoutMs / 4))
    this.#watchdog.unref?.()
  }

  /**
   * An exchange's receive failed with `e` (from party m): complain about m, read the complaints that are
   * here (answer those naming us, pass the others on and witness their accused), witness m too, and
   * throw what we saw first-hand: a witness whose accused did not answer within our own deadline, else
   * `e` (see the module comment). Waiting for m's answer even after a deadline of our own on m lets an
   * honest m that was itself stuck on a silent member answer (it reads our complaint when it fails),
   * so we name the silent member, not m.
   */
  async failed(e: unknown): Promise<never> {
    const party = partyOf(e)
    if (party === undefined) throw e
    this.#complain(party)
    this.#witness(party)
    const listening = this.#listen()
    try {
      // Complaints that came before the failed party's close notice are here already: read in this tick.
      await new Promise((r) => setTimeout(r, 0))
      throw (await this.#seenSilent()) ?? e
    } finally {
      listening.abort()
    }
  }

  /** The first witness whose accused did not answer in time (else dropped its connection or left), if any. */
  async #seenSilent(): Promise<unknown> {
    const outcomes = await Promise.all(this.#witnesses.values())
    const failed = outcomes.filter((x) => partyOf(x) !== undefined)
    return failed.find((x) => isEnigmaError(x, 'MPC_TIMEOUT')) ?? failed[0]
  }

  #listen(): AbortController {
    const ac = new AbortController()
    const signal = this.#s.signal ? AbortSignal.any([this.#s.signal, ac.signal]) : ac.signal
    for (const j of this.#s.others()) void this.#listenTo(j, signal)
    return ac
  }

  async #listenTo(from: number, signal: AbortSignal): Promise<void> {
    const s = this.#s
    while (!signal.aborted && this.#next[from]! < s.n - 1) {
      let payload: Uint8Array
      try {
        payload = await s.transport.receive(from, complaintLabel(s.labelPrefix, this.#next[from]!), { timeoutMs: s.timeoutMs, signal })
      } catch {
        return // aborted (the exchange is over), closed, or this sender is gone: read again at the next wait
      }
      this.#next[from]!++
      const accused = payload.length === 2 ? (payload[0]! << 8) | payload[1]! : -1
      if (accused < 0 || accused >= s.n) continue
      if (accused === s.self) this.#answer()
      else {
        this.#complain(accused)
        this.#witness(accused)
      }
    }
  }

  /** Tell every other party that `accused` owes an answer (once per accused). */
  #complain(accused: number): void {
    const s = this.#s
    if (accused === s.self || this.#accused.includes(accused)) return
    this.#accused.push(accused)
    const label = complaintLabel(s.labelPrefix, this.#accused.length - 1)
    this.#sendAll(label, complaintPayload(accused))
  }

  #answer(): void {
    if (this.#answered) return
    this.#answered = true
    this.#sendAll(answerLabel(this.#s.labelPrefix), Uint8Array.of(1))
  }

  #sendAll(label: string, payload: Uint8Array): void {
    for (const j of this.#s.others()) {
      try {
        this.#s.transport.send(j, label, payload)
      } catch {
        return // our transport is closed: nobody hears from us any more anyway
      }
    }
  }

  /** Wait, with our own deadline, for `accused` to answer (once per accused). */
  #witness(accused: number): void {
    if (this.#witnesses.has(accused)) return
    const s = this.#s
    this.#witnesses.set(accused, s.transport.receive(accused, answerLabel(s.labelPrefix), { timeoutMs: s.timeoutMs, ...(s.signal ? { signal: s.signal } : {}) })
      .then(() => undefined, (e: unknown) => e))
  }
}

/** The session's complaint state (semi-honest sessions; made on first use). */
export function complaintsOf(s: MpcSession): Complaints {
  return (s.complaints ??= new Complaints(s))
}
