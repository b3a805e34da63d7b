/**
 * The receiving half every transport shares: frames buffered per (from, label) until someone asks for
 * them, receivers waiting per (from, label) until the frame arrives, with the contract's timeout,
 * abort, close and peer-failure rules (src/protocols/transport.ts). Keeping this in one place makes
 * the in-memory and TCP transports behave identically above the wire.
 *
 * A peer that sends the same label twice gets both frames delivered in order to two receives (FIFO),
 * rather than an error: the contract forbids receiving a pair twice, and a duplicate frame is then
 * simply never consumed.
 *
 * With a `ReceiveBudget` (frame-budget.ts), frames kept for later are charged to it and a frame that
 * does not fit is refused (`deliver` says why; the transport then cuts that peer off), so a peer cannot
 * make us buffer without bound (issue #9, defect 5).
 */
import type { ReceiveOptions, TransportStats } from '../protocols/transport.ts'
import { MpcTimeoutError, TransportClosedError } from '../protocols/transport.ts'
import { bufferedFrameCost, type ReceiveBudget } from './frame-budget.ts'
import { Deadlines, type Deadline } from './deadlines.ts'

interface Waiter {
  resolve(payload: Uint8Array): void
  reject(error: unknown): void
  deadline: Deadline | undefined
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

/** Builds the error a receive from a failed peer rejects with; gets the label it was waiting for. */
export type PeerFailure = (label: string) => Error

export class Inbox {
  readonly stats: TransportStats = { bytesSent: 0, bytesReceived: 0, framesSent: 0, framesReceived: 0 }
  readonly #frames: Map<string, Uint8Array[]>[] = []
  readonly #waiters: Map<string, Waiter[]>[] = []
  readonly #failures: (PeerFailure | undefined)[] = []
  readonly #defaultTimeoutMs: number
  readonly #budget: ReceiveBudget | undefined
  /** One timer for every pending receive's deadline (deadlines.ts). */
  readonly #deadlines = new Deadlines()
  #closedReason: string | undefined

  constructor(n: number, defaultTimeoutMs: number, budget?: ReceiveBudget) {
    this.#budget = budget
    for (let i = 0; i < n; i++) {
      this.#frames.push(new Map())
      this.#waiters.push(new Map())
      this.#failures.push(undefined)
    }
    this.#defaultTimeoutMs = defaultTimeoutMs
  }

  get closed(): boolean {
    return this.#closedReason !== undefined
  }

  /** Our own progress (labels we send), for the budget's program-counter window. */
  note(label: string): void {
    this.#budget?.note(label)
  }

  /**
   * A frame arrived from `from`. Frames arriving after close are dropped. Returns why the frame was
   * refused (over budget, label far ahead), or undefined.
   */
  deliver(from: number, label: string, payload: Uint8Array): string | undefined {
    if (this.#closedReason !== undefined) return undefined
    const waiters = this.#waiters[from]!
    const queue = waiters.get(label)
    if (queue !== undefined) {
      this.stats.framesReceived++
      this.stats.bytesReceived += payload.byteLength
      const w = queue.shift()!
      if (queue.length === 0) waiters.delete(label)
      this.#settle(w)
      w.resolve(payload)
      return undefined
    }
    if (this.#budget !== undefined) {
      const admitted = this.#budget.admit(from, label, payload.byteLength)
      if (!admitted.ok) return admitted.reason
    }
    this.stats.framesReceived++
    this.stats.bytesReceived += payload.byteLength
    const frames = this.#frames[from]!
    const buffered = frames.get(label)
    if (buffered === undefined) frames.set(label, [payload])
    else buffered.push(payload)
    return undefined
  }

  receive(from: number, label: string, options: ReceiveOptions = {}): Promise<Uint8Array> {
    if (this.#closedReason !== undefined) return Promise.reject(new TransportClosedError(this.#closedReason))
    const { signal } = options
    if (signal?.aborted) return Promise.reject(signal.reason)
    this.#budget?.note(label)
    const frames = this.#frames[from]!
    const buffered = frames.get(label)
    if (buffered !== undefined) {
      const payload = buffered.shift()!
      if (buffered.length === 0) frames.delete(label)
      this.#budget?.release(from, bufferedFrameCost(label.length, payload.byteLength))
      return Promise.resolve(payload)
    }
    const failure = this.#failures[from]
    if (failure !== undefined) return Promise.reject(failure(label))

    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs
    return new Promise<Uint8Array>((resolve, reject) => {
      const w: Waiter = { resolve, reject, deadline: undefined, signal, onAbort: undefined }
      const waiters = this.#waiters[from]!
      const drop = (): void => {
        const queue = waiters.get(label)
        if (queue === undefined) return
        const i = queue.indexOf(w)
        if (i >= 0) queue.splice(i, 1)
        if (queue.length === 0) waiters.delete(label)
      }
      w.deadline = this.#deadlines.add(timeoutMs, () => {
        drop()
        this.#settle(w)
        reject(new MpcTimeoutError(from, label, timeoutMs))
      })
      if (signal !== undefined) {
        w.onAbort = () => {
          drop()
          this.#settle(w)
          reject(signal.reason)
        }
        signal.addEventListener('abort', w.onAbort, { once: true })
      }
      const queue = waiters.get(label)
      if (queue === undefined) waiters.set(label, [w])
      else queue.push(w)
    })
  }

  /**
   * `from` will send nothing more: pending and later receives from it reject with `failure(label)`,
   * except for frames it already delivered, which stay receivable. The first failure wins.
   */
  failPeer(from: number, failure: PeerFailure): void {
    if (this.#closedReason !== undefined || this.#failures[from] !== undefined) return
    this.#failures[from] = failure
    const waiters = this.#waiters[from]!
    for (const [label, queue] of waiters) {
      for (const w of queue) {
        this.#settle(w)
        w.reject(failure(label))
      }
    }
    waiters.clear()
  }

  /** Rejects pending and later receives with MPC_TRANSPORT_CLOSED and frees buffered frames. */
  close(reason = 'transport closed'): void {
    if (this.#closedReason !== undefined) return
    this.#closedReason = reason
    for (const waiters of this.#waiters) {
      for (const queue of waiters.values()) {
        for (const w of queue) {
          this.#settle(w)
          w.reject(new TransportClosedError(reason))
        }
      }
      waiters.clear()
    }
    this.#deadlines.clear()
    this.#frames.forEach((frames, from) => {
      if (this.#budget !== undefined) {
        for (const [label, q] of frames) for (const p of q) this.#budget.release(from, bufferedFrameCost(label.length, p.byteLength))
      }
      frames.clear()
    })
  }

  /** Bytes charged to the budget right now (0 without one). */
  get bufferedBytes(): number {
    return this.#budget?.used ?? 0
  }

  #settle(w: Waiter): void {
    if (w.deadline !== undefined) this.#deadlines.cancel(w.deadline)
    if (w.onAbort !== undefined) w.signal!.removeEventListener('abort', w.onAbort)
  }

  /** Number of frames received but not yet consumed (for tests and leak checks). */
  get buffered(): number {
    let count = 0
    for (const frames of this.#frames) for (const q of frames.values()) count += q.length
    return count
  }
}
