/**
 * Receive budgets (issue #9, defect 5): every frame a peer makes us keep (received, not yet consumed)
 * is charged to byte ledgers — its sender in this session, the session, and whatever the owner adds
 * (the node charges the peer across sessions and the node's total) — and refused when any ledger is
 * full. Frames are charged with their header and a fixed per-frame overhead (map entry, array slot,
 * Uint8Array object), so a flood of empty frames is refused as surely as a flood of large ones.
 *
 * Protocol labels end in the session's program counter (`<tag>#<pc>`, src/protocols/session.ts). An
 * honest peer is never far ahead of us: every multiplication is all-to-all, so it cannot pass a
 * multiplication we have not sent our part of. A frame whose counter is more than `labelsAhead`
 * beyond the furthest counter we have used ourselves is refused outright.
 */
/** What keeping one frame costs besides its label and payload bytes (objects, map entries). */
export const FRAME_OVERHEAD_BYTES = 96

export function bufferedFrameCost(labelBytes: number, payloadBytes: number): number {
  return FRAME_OVERHEAD_BYTES + labelBytes + payloadBytes
}

/** A byte counter with a limit; several are charged together with `tryChargeAll`. */
export class ByteLedger {
  /** May change (a peer that joins a committee gets a larger allowance). */
  limit: number
  used = 0
  frames = 0

  constructor(limit: number) {
    this.limit = limit
  }

  fits(cost: number): boolean {
    return this.used + cost <= this.limit
  }
}

/** Charges `cost` to every ledger, or to none (returns the first that is full). */
export function tryChargeAll(ledgers: readonly ByteLedger[], cost: number): ByteLedger | undefined {
  for (const l of ledgers) if (!l.fits(cost)) return l
  for (const l of ledgers) { l.used += cost; l.frames++ }
  return undefined
}

export function releaseAll(ledgers: readonly ByteLedger[], cost: number): void {
  for (const l of ledgers) { l.used -= cost; l.frames-- }
}

const HASH = 0x23
const DIGIT_0 = 0x30

/**
 * The program counter a protocol label ends with (`#` and 1–15 decimal digits), or undefined for other
 * labels. Read backwards by hand: it runs for every frame sent and received, where a regular
 * expression was ≈ 2 % of a one-element round's CPU (issue #14).
 */
export function labelCounter(label: string): number | undefined {
  let pc = 0
  let scale = 1
  for (let i = label.length - 1, digits = 0; i >= 0; i--, digits++) {
    const c = label.charCodeAt(i)
    if (c === HASH) return digits >= 1 ? pc : undefined
    const d = c - DIGIT_0
    if (d < 0 || d > 9 || digits === 15) return undefined
    pc += d * scale
    scale *= 10
  }
  return undefined
}

export interface ReceiveLimits {
  /** Bytes one sender may make us keep in one session. */
  readonly bytesPerSender: number
  /** Bytes all senders together may make us keep in one session. */
  readonly bytesPerSession: number
  /** How far beyond our own program counter a label may be. */
  readonly labelsAhead: number
}

export const DEFAULT_RECEIVE_LIMITS: ReceiveLimits = {
  bytesPerSender: 160 * 1024 * 1024,
  bytesPerSession: 512 * 1024 * 1024,
  labelsAhead: 1024,
}

export type Admission = { readonly ok: true; readonly cost: number } | { readonly ok: false; readonly reason: string }

/** One session's receive budget (one per transport instance). */
export class ReceiveBudget {
  readonly #senders: ByteLedger[]
  readonly #session: ByteLedger
  readonly #limits: ReceiveLimits
  readonly #outer: (from: number) => readonly ByteLedger[]
  #pc = 0
  /** The label `note` saw last: a round notes one label per peer sent to and received from. */
  #noted: string | undefined

  constructor(n: number, limits: ReceiveLimits = DEFAULT_RECEIVE_LIMITS, outer: (from: number) => readonly ByteLedger[] = () => []) {
    this.#senders = Array.from({ length: n }, () => new ByteLedger(limits.bytesPerSender))
    this.#session = new ByteLedger(limits.bytesPerSession)
    this.#limits = limits
    this.#outer = outer
  }

  /** Bytes currently charged to this session. */
  get used(): number {
    return this.#session.used
  }

  /** Bytes currently charged to one sender. */
  usedBy(from: number): number {
    return this.#senders[from]?.used ?? 0
  }

  /** Our own progress: called with every label we send or wait for. */
  note(label: string): void {
    if (label === this.#noted) return
    this.#noted = label
    const pc = labelCounter(label)
    if (pc !== undefined && pc > this.#pc) this.#pc = pc
  }

  admit(from: number, label: string, payloadBytes: number): Admission {
    const pc = labelCounter(label)
    if (pc !== undefined && pc > this.#pc + this.#limits.labelsAhead) {
      return { ok: false, reason: `label '${label}' is more than ${this.#limits.labelsAhead} steps ahead of this party (at ${this.#pc})` }
    }
    const cost = bufferedFrameCost(label.length, payloadBytes)
    const full = tryChargeAll(this.#ledgers(from), cost)
    if (full !== undefined) {
      return { ok: false, reason: `receive budget exceeded (${full.used} + ${cost} > ${full.limit} bytes)` }
    }
    return { ok: true, cost }
  }

  release(from: number, cost: number): void {
    releaseAll(this.#ledgers(from), cost)
  }

  #ledgers(from: number): ByteLedger[] {
    return [this.#senders[from]!, this.#session, ...this.#outer(from)]
  }
}
