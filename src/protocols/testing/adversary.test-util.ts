/**
 * Red-team harness (test code, not shipped behaviour): a coordinated adversary that controls up to t
 * parties of an in-process MPC run (DESIGN.md §2: "the adversary is coordinated").
 *
 * The corrupt parties still run the honest program, but every frame they send and receive passes
 * through one shared `Adversary`, which wraps their `Transport`s:
 * - it sees everything every corrupt party receives (`observe`, `received`), and what each corrupt
 *   party's program wanted to send (`intended`);
 * - for each outgoing frame a `Strategy` decides what is really sent: the same bytes, other bytes (a
 *   per-recipient choice is equivocation), nothing (drop), later (delay, hence reordering), or extra
 *   frames (`inject`, e.g. a replay);
 * - strategies may be async and wait for honest frames first (a *rushing* adversary: it chooses its
 *   own values after seeing the honest ones of the same round, so it can keep checks locally
 *   consistent).
 * Honest parties get plain in-memory transports (engine/transport-memory.ts), so what they see is
 * exactly what the real transports would deliver from authenticated peers.
 */
import { createMemoryNetwork, type MemoryTransport } from '../../engine/transport-memory.ts'
import type { Field } from '../../field/types.ts'
import { check } from '../../common/errors.ts'
import { MpcTimeoutError, type ReceiveOptions, type Transport, type TransportStats } from '../transport.ts'
import { createSession, type MpcSession, type SecurityMode } from '../session.ts'

/** One frame in flight from a corrupt party (before the strategy rewrote it). */
export interface Frame {
  readonly from: number
  readonly to: number
  /** Full label as sent, including the session's label prefix. */
  readonly label: string
  /** Label without the session's prefix, e.g. `mul#12` (stable across sessions). */
  readonly step: string
  readonly payload: Uint8Array
}

/**
 * What to do with a frame: `undefined` sends it unchanged, `null` drops it, bytes replace it,
 * `{ payload, delayMs }` sends (possibly other) bytes later. A promise of any of these is awaited
 * first (rushing: the strategy may wait for honest frames).
 */
export type FrameAction = Uint8Array | null | undefined | { readonly payload: Uint8Array | null; readonly delayMs: number }

export interface Strategy {
  readonly name: string
  /** Decide what a corrupt party really sends. */
  onSend?(frame: Frame, adversary: Adversary): FrameAction | Promise<FrameAction>
  /** Told about each frame a corrupt party receives (after it arrived). */
  onReceive?(frame: Frame, adversary: Adversary): void
}

const key = (from: number, to: number, step: string): string => `${from}>${to}|${step}`

/** The joint state of the corrupt parties of one run. */
export class Adversary {
  readonly field: Field
  readonly n: number
  readonly t: number
  readonly corrupt: readonly number[]
  readonly honest: readonly number[]
  readonly strategy: Strategy
  readonly labelPrefix: string
  /** Frames the strategy changed, dropped, delayed or injected (so a test can tell it was exercised). */
  interventions = 0
  /** Every frame corrupt parties' programs wanted to send, in order (for replays in a later session). */
  readonly outbox: Frame[] = []
  readonly #received = new Map<string, Promise<Uint8Array>>()
  readonly #intended = new Map<string, Uint8Array>()
  readonly #transports = new Map<number, CorruptTransport>()

  constructor(field: Field, n: number, t: number, corrupt: readonly number[], strategy: Strategy, labelPrefix: string) {
    check(corrupt.length <= t, 'Adversary', `at most t = ${t} corrupt parties, got ${corrupt.length}`)
    for (const c of corrupt) check(Number.isInteger(c) && c >= 0 && c < n, 'Adversary', `corrupt party ${c} out of range`)
    this.field = field
    this.n = n
    this.t = t
    this.corrupt = [...corrupt]
    this.honest = Array.from({ length: n }, (_, i) => i).filter((i) => !corrupt.includes(i))
    this.strategy = strategy
    this.labelPrefix = labelPrefix
  }

  isCorrupt(p: number): boolean {
    return this.corrupt.includes(p)
  }

  /** The label without this session's prefix. */
  stepOf(label: string): string {
    return label.startsWith(this.labelPrefix) ? label.slice(this.labelPrefix.length) : label
  }

  /** The full label of a step in this session. */
  labelOf(step: string): string {
    return this.labelPrefix + step
  }

  /**
   * What corrupt party `to` receives from `from` under `step` (waits for it). Pulling it here does not
   * take it away from the corrupt party's program: its own receive gets the same bytes.
   */
  observe(to: number, from: number, step: string): Promise<Uint8Array> {
    check(this.isCorrupt(to), 'Adversary.observe', `party ${to} is not corrupt`)
    return this.#pull(to, from, step)
  }

  /** The frame a corrupt party's program wanted to send to `to` under `step`, if it did already. */
  intended(from: number, to: number, step: string): Uint8Array | undefined {
    return this.#intended.get(key(from, to, step))
  }

  /** Send a frame as corrupt party `from` that its program never sent (replay, duplicate, junk). */
  inject(from: number, to: number, label: string, payload: Uint8Array): void {
    check(this.isCorrupt(from), 'Adversary.inject', `party ${from} is not corrupt`)
    this.interventions++
    this.#transports.get(from)!.inner.send(to, label, payload)
  }

  /** @internal */
  attach(self: number, t: CorruptTransport): void {
    this.#transports.set(self, t)
  }

  /** @internal memoised receive from the inner transport, shared by `observe` and the program. */
  #pull(to: number, from: number, step: string): Promise<Uint8Array> {
    const k = key(from, to, step)
    let p = this.#received.get(k)
    if (p === undefined) {
      p = this.#transports.get(to)!.inner.receive(from, this.labelOf(step), { timeoutMs: 2 ** 31 - 1 }).then((payload) => {
        this.strategy.onReceive?.({ from, to, label: this.labelOf(step), step, payload }, this)
        return payload
      })
      p.catch(() => {})
      this.#received.set(k, p)
    }
    return p
  }

  /** @internal the program of corrupt party `to` receives. */
  programReceive(to: number, from: number, label: string, options: ReceiveOptions | undefined): Promise<Uint8Array> {
    const step = this.stepOf(label)
    const pulled = this.#pull(to, from, step)
    // The program's own deadline and signal still apply to its wait.
    return withDeadline(pulled, options, from, label)
  }

  /** @internal the program of corrupt party `from` sends. */
  programSend(from: number, to: number, label: string, payload: Uint8Array): void {
    const step = this.stepOf(label)
    const frame: Frame = { from, to, label, step, payload: payload.slice() }
    this.outbox.push(frame)
    this.#intended.set(key(from, to, step), frame.payload)
    const inner = this.#transports.get(from)!.inner
    const decide = this.strategy.onSend
    if (decide === undefined) {
      inner.send(to, label, frame.payload)
      return
    }
    void (async () => {
      let action: FrameAction
      try {
        action = await decide.call(this.strategy, frame, this)
      } catch {
        action = null
      }
      if (action === undefined) return inner.send(to, label, frame.payload)
      this.interventions++
      if (action === null) return
      if (action instanceof Uint8Array) return inner.send(to, label, action)
      const { payload: later, delayMs } = action
      setTimeout(() => {
        try {
          if (later !== null) inner.send(to, label, later)
        } catch {
          // The corrupt party's transport closed meanwhile: the frame is lost, as on a real network.
        }
      }, delayMs)
    })().catch(() => {})
  }
}

function withDeadline(p: Promise<Uint8Array>, options: ReceiveOptions | undefined, from: number, label: string): Promise<Uint8Array> {
  const ms = options?.timeoutMs
  const signal = options?.signal
  if (ms === undefined && signal === undefined) return p
  return new Promise((resolve, reject) => {
    const timer = ms === undefined ? undefined : setTimeout(() => reject(new MpcTimeoutError(from, label, ms)), ms)
    const onAbort = () => reject(signal!.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => {
      if (timer !== undefined) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    })
  })
}

/** A corrupt party's transport: the program talks to it as to any transport; the adversary decides. */
class CorruptTransport implements Transport {
  readonly inner: MemoryTransport
  readonly #adversary: Adversary
  constructor(inner: MemoryTransport, adversary: Adversary) {
    this.inner = inner
    this.#adversary = adversary
    adversary.attach(inner.self, this)
  }

  get n(): number { return this.inner.n }
  get self(): number { return this.inner.self }
  get stats(): TransportStats { return this.inner.stats }

  send(to: number, label: string, payload: Uint8Array): void {
    this.#adversary.programSend(this.self, to, label, payload)
  }

  receive(from: number, label: string, options?: ReceiveOptions): Promise<Uint8Array> {
    return this.#adversary.programReceive(this.self, from, label, options)
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}

export interface AdversarialRunOptions {
  readonly field: Field
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly corrupt: readonly number[]
  readonly strategy: Strategy
  /** Per-receive deadline of every party (ms). Default 3000. */
  readonly timeoutMs?: number
  /** Label prefix of this session (so replays from another session can be told apart). */
  readonly labelPrefix?: string
  /**
   * Corrupt parties whose program is not run at all (crashed before the start): they send nothing,
   * and only the strategy's injected frames come from them.
   */
  readonly crashed?: readonly number[]
}

/** The outcome of one party. */
export type PartyOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }

export interface AdversarialRunResult<T> {
  readonly outcomes: PartyOutcome<T>[]
  readonly adversary: Adversary
  /** Wall time of the run (ms). */
  readonly elapsedMs: number
}

/**
 * Runs `program` for every party with the corrupt ones under the adversary's control. Every party's
 * outcome is collected (a party that fails closes its transport, as a real node that aborts would, so
 * the others learn it at once instead of waiting for deadlines).
 */
export async function runAdversarial<T>(opts: AdversarialRunOptions, program: (s: MpcSession) => Promise<T>): Promise<AdversarialRunResult<T>> {
  const started = Date.now()
  const timeoutMs = opts.timeoutMs ?? 3000
  const prefix = opts.labelPrefix ?? ''
  const adversary = new Adversary(opts.field, opts.n, opts.t, opts.corrupt, opts.strategy, prefix)
  const memory = createMemoryNetwork(opts.n, { timeoutMs })
  const transports: Transport[] = memory.map((m, i) => (adversary.isCorrupt(i) ? new CorruptTransport(m, adversary) : m))
  const crashed = new Set(opts.crashed ?? [])
  for (const c of crashed) check(adversary.isCorrupt(c), 'runAdversarial', `crashed party ${c} must be corrupt`)
  const sessions = transports.map((transport) =>
    createSession({ field: opts.field, n: opts.n, t: opts.t, transport, security: opts.security, timeoutMs, labelPrefix: prefix }))
  const outcomes = await Promise.all(sessions.map(async (s): Promise<PartyOutcome<T>> => {
    if (crashed.has(s.self)) return { ok: false, error: new Error('crashed') }
    try {
      return { ok: true, value: await program(s) }
    } catch (error) {
      await s.transport.close()
      return { ok: false, error }
    }
  }))
  await Promise.all(transports.map((t) => t.close()))
  return { outcomes, adversary, elapsedMs: Date.now() - started }
}
