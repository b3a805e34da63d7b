/**
 * Receive deadlines of one transport on ONE timer. Every receive has a deadline (the transport
 * contract's timeout), but nearly every receive is answered long before it: a `setTimeout` and
 * `clearTimeout` per receive were a measurable part of a round's CPU (issue #14: Node's timer list
 * insert and removal, a Timeout object each, for 2–6 receives per round per party). Here a receive
 * costs a set insertion and deletion; the one timer is armed for the earliest deadline, and when it
 * fires it expires what is due and re-arms for the next. Its ref follows the pending set (a pending
 * receive keeps the process alive, as a `setTimeout` did; none pending, the timer does not), toggled
 * only when the set becomes empty or non-empty, which is cheap.
 */

export interface Deadline {
  /** performance.now() time at which `expire` runs unless cancelled before. */
  readonly at: number
  readonly expire: () => void
}

/** Node's timer has 1 ms resolution and may fire a fraction of a millisecond early. */
const EARLY_MS = 1

export class Deadlines {
  readonly #pending = new Set<Deadline>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #timerAt = Infinity

  /** Number of deadlines not yet expired or cancelled (tests and leak checks). */
  get pending(): number {
    return this.#pending.size
  }

  /** Runs `expire` in `ms` milliseconds unless `cancel` is called first. */
  add(ms: number, expire: () => void): Deadline {
    const d: Deadline = { at: performance.now() + ms, expire }
    if (this.#pending.size === 0) this.#timer?.ref()
    this.#pending.add(d)
    if (d.at < this.#timerAt) this.#arm(d.at)
    return d
  }

  /** Forgets `d` (a no-op once it expired or was cancelled). */
  cancel(d: Deadline): void {
    if (this.#pending.delete(d)) this.#unrefIfIdle()
  }

  /** With nothing pending the timer must not keep the process alive. */
  #unrefIfIdle(): void {
    if (this.#pending.size === 0) this.#timer?.unref()
  }

  /** Cancels everything (transport closed). */
  clear(): void {
    this.#pending.clear()
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerAt = Infinity
  }

  #arm(at: number): void {
    clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, at - performance.now()))
  }

  #sweep(): void {
    this.#timer = undefined
    this.#timerAt = Infinity
    const now = performance.now() + EARLY_MS
    const due: Deadline[] = []
    let next = Infinity
    for (const d of this.#pending) {
      if (d.at <= now) due.push(d)
      else if (d.at < next) next = d.at
    }
    if (next < Infinity) this.#arm(next)
    // An expiry may add deadlines or cancel due ones (those then do not run). A late sweep (a loaded
    // machine) still expires in deadline order, as separate timers would have.
    due.sort((a, b) => a.at - b.at)
    for (const d of due) {
      if (!this.#pending.delete(d)) continue
      this.#unrefIfIdle()
      d.expire()
    }
  }
}
