/**
 * One party's context for one MPC session (DESIGN.md §6: no globals; a session context is passed
 * explicitly). It holds the field, committee parameters, the transport, the security mode, the program
 * counter that labels every message deterministically (MPyC habit: parties never negotiate order),
 * preprocessing pools, the malicious-mode MAC key and the log of values the final check covers.
 *
 * Every party must call the same protocol functions in the same order with vectors of the same
 * lengths (SPMD): labels are derived from the call order.
 */
import { check } from '../common/errors.ts'
import type { Field, FieldVector, RandomSource } from '../field/types.ts'
import { checkCommitteeParams } from '../sharing/params.ts'
import type { Transport } from './transport.ts'
import { freshRandomStream } from './prg.ts'
import type { PrssState } from './prss.ts'
import type { Complaints } from './complaints.ts'

export type SecurityMode = 'semi-honest' | 'malicious'

export interface SessionOptions {
  readonly field: Field
  readonly n: number
  readonly t: number
  readonly transport: Transport
  readonly security: SecurityMode
  /** Per-receive deadline in ms (a silent party ends the run with MPC_TIMEOUT). Default 30 000. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** Local randomness (polynomial coefficients, masks). Default: an AES-CTR stream seeded from the OS. */
  readonly random?: RandomSource
  /**
   * Multiplications of vectors shorter than this open the masked product to all parties in one round
   * (n−1 elements per party); longer ones use DN07's rotating king (two rounds, ≈2 elements per party,
   * constant in n). Default 2048.
   */
  readonly kingThreshold?: number
  /**
   * Prefix of every message label, so several sessions can share one transport one after the other
   * (e.g. one per task over a node's long-lived streams). Parties must use the same prefix.
   */
  readonly labelPrefix?: string
}

export interface SessionStats {
  /** Communication rounds (each exchange step counts one). */
  rounds: number
  /** Secure multiplications performed (elements). */
  multiplications: number
  /** Random bits generated (elements). */
  randomBits: number
  /** Values opened (elements). */
  opened: number
}

/** One party's shares of a vector, with the shares of its MACs r·x in malicious mode (Chida et al. 2018). */
export interface Shared {
  readonly v: FieldVector
  readonly m: FieldVector | undefined
}

export class MpcSession {
  readonly field: Field
  readonly n: number
  readonly t: number
  readonly self: number
  readonly transport: Transport
  readonly security: SecurityMode
  readonly timeoutMs: number
  readonly signal: AbortSignal | undefined
  readonly random: RandomSource
  readonly kingThreshold: number
  readonly stats: SessionStats = { rounds: 0, multiplications: 0, randomBits: 0, opened: 0 }

  #pc = 0
  readonly #labelPrefix: string
  /** `others()`, built once: it was rebuilt (Array.from + filter) on every round's hot path (issue #14). */
  readonly #others: readonly number[]
  /** The options of every protocol receive (exchange.ts), one object per session instead of one per receive. */
  readonly receiveOptions: { readonly timeoutMs: number; readonly signal: AbortSignal | undefined }
  /** Preprocessed shares of random values (degree t), and MACs in malicious mode. */
  randomPool: { v: FieldVector; m: FieldVector | undefined; used: number } | undefined
  /** Preprocessed double sharings ([r]_t, [r]_2t) for DN07 multiplication. */
  doublePool: { t: FieldVector; t2: FieldVector; used: number } | undefined
  /** Pairwise PRG streams for share compression, keyed `from->to` (pair-streams.ts), once established. */
  pairStreams: Map<string, RandomSource> | undefined
  /** Lagrange coefficients at 0 for parties 0..2t (degree-2t products, mul.ts), once computed. */
  productLagrange: readonly bigint[] | undefined
  /** 1, 2, 4, …, 2^(bits−1) as a field vector (linear.ts `weighted`), once computed. */
  bitWeights: FieldVector | undefined
  /** PRSS keys (prss.ts), set up with the pair streams for committees that use them. */
  prss: PrssState | undefined
  /** Malicious mode: this party's share of the MAC key r, once generated. */
  macKey: FieldVector | undefined
  /** Malicious mode: pairs (x, r·x) the final check must cover (Chida et al. 2018, §4). */
  readonly macLog: { v: FieldVector; m: FieldVector }[] = []
  /** Set once the MAC key has been opened by a verification; later malicious operations re-key. */
  verified = false
  /** Where exchange.ts stages short vectors for `send` (reused: the transport copies in `send`). */
  sendStage: BigUint64Array | undefined
  /** Semi-honest: complaints about missing frames (complaints.ts), once a round has used them. */
  complaints: Complaints | undefined

  constructor(options: SessionOptions) {
    checkCommitteeParams('createSession', options.n, options.t)
    check(options.transport.n === options.n, 'createSession', `transport has ${options.transport.n} parties, session ${options.n}`)
    check(options.security === 'semi-honest' || options.security === 'malicious', 'createSession', `security must be 'semi-honest' or 'malicious', got ${String(options.security)}`)
    this.field = options.field
    this.n = options.n
    this.t = options.t
    this.self = options.transport.self
    this.transport = options.transport
    this.security = options.security
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.signal = options.signal
    this.random = options.random ?? freshRandomStream()
    this.kingThreshold = options.kingThreshold ?? 2048
    this.#labelPrefix = options.labelPrefix ?? ''
    const others: number[] = []
    for (let i = 0; i < this.n; i++) if (i !== this.self) others.push(i)
    this.#others = Object.freeze(others)
    this.receiveOptions = Object.freeze({ timeoutMs: this.timeoutMs, signal: this.signal })
  }

  get malicious(): boolean {
    return this.security === 'malicious'
  }

  /** The next deterministic message label: `<prefix><tag>#<program counter>`. */
  nextLabel(tag: string): string {
    return `${this.#labelPrefix}${tag}#${this.#pc++}`
  }

  /** The prefix of every label of this session (for frames outside the program counter: complaints.ts). */
  get labelPrefix(): string {
    return this.#labelPrefix
  }

  /** Parties other than this one, in increasing order (one shared, frozen array). */
  others(): readonly number[] {
    return this.#others
  }
}

export function createSession(options: SessionOptions): MpcSession {
  return new MpcSession(options)
}
