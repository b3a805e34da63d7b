/**
 * Where a secret node learns about tasks (DESIGN.md §5: `node` does not import `chain`). The node layer
 * ships a local file-backed source; the chain layer implements the same interface by watching the
 * controller contract's events, and the CLI wires one in. Both layers build against this file: change
 * it only in a backward-compatible way.
 */
export type Hex = `0x${string}`
export type SecurityMode = 'semi-honest' | 'malicious'

export interface CommitteeMember {
  /** Party index in the MPC, 0-based; share i goes to member i (evaluation point i + 1). */
  readonly index: number
  /** libp2p peer id (base58btc string). */
  readonly peerId: string
  /** X25519 public key (32 bytes, hex) that clients encrypt this member's input shares to. */
  readonly encryptionKey: Hex
  /** Ethereum account of the node: signs attestations, receives fees. */
  readonly account: Hex
  /** Where to reach the node (libp2p multiaddrs). */
  readonly multiaddrs: readonly string[]
}

export interface InputSlot {
  /** Declared input name of the secret contract (e.g. "bids") or an element of it (e.g. "bids[3]"). */
  readonly name: string
  /** Account allowed to fill the slot. */
  readonly owner: Hex
  /** Hash of the encrypted share bundle, once the owner committed it (on chain for the chain source). */
  readonly commitment?: Hex
}

/** The EIP-712-like domain an attestation is signed under, so a receipt cannot be replayed elsewhere. */
export interface ReceiptDomain {
  readonly chainId: number
  readonly verifyingContract: Hex
}

export interface TaskSpec {
  readonly taskId: Hex
  /** Code hash of the compiled secret contract (keccak-256 of its canonical encoding). */
  readonly codeHash: Hex
  /** Public parameters fixed when the task was made. */
  readonly params: Readonly<Record<string, number>>
  readonly paramsHash: Hex
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly committee: readonly CommitteeMember[]
  readonly inputSlots: readonly InputSlot[]
  /** Unix seconds after which the task can no longer complete. */
  readonly deadline: number
  readonly domain?: ReceiptDomain
  /**
   * X25519 public keys (32 bytes, hex) of the recipients named by the contract's `revealTo(name, x)`
   * outputs: each node encrypts its share of such an output to this key. Optional: a task whose
   * contract only has public outputs needs none.
   */
  readonly recipients?: Readonly<Record<string, Hex>>
  /**
   * The circuit cost the creator declared and paid for (chain tasks). A node refuses a task whose
   * declared cost is below the circuit it would run: it would be underpaid (`checkDeclaredCost`).
   */
  readonly declaredCost?: { readonly multiplications: number; readonly rounds: number }
  /**
   * Re-run instead of refund (issue #12): the attempt this committee runs (0 or absent: the first draw)
   * and, from attempt 1 on, the committee of the attempt before and the suspended or slashed member that
   * the re-run left out. The survivors of that committee hand the task's input shares over to this one
   * (src/node/rerun.ts).
   */
  readonly attempt?: number
  readonly rerun?: {
    readonly previousCommittee: readonly CommitteeMember[]
    readonly culprit: Hex
    /**
     * Members of the previous committee suspended or slashed as of this attempt's draw block (the culprit
     * among them): the hand-off leaves them all out. Read at that fixed block, so every member of the
     * hand-off passes the same list (reshare `excludedOld`), whenever it reads the chain.
     */
    readonly excluded?: readonly Hex[]
  }
  /**
   * Input batches (issue #14 §5, contracts/EnigmaInputs.sol): present when the source has an inputs
   * contract. Owners sign their slot's commitment under `domain`; the task's input set is then the
   * committed root's leaves ∪ the direct fills ('input-root' and 'input' events, the earlier on chain
   * wins per slot), and a member computes only once that set covers every slot (input-set.ts).
   */
  readonly inputBatch?: { readonly domain: ReceiptDomain; readonly cutoff: number }
}

/** A committee member's signed statement of a task's result (secp256k1 over task id + output hash). */
export interface Attestation {
  readonly taskId: Hex
  readonly outputHash: Hex
  /** ABI-encoded public outputs that the receipt carries on chain. */
  readonly publicOutputs: Hex
  readonly signer: Hex
  readonly signature: Hex
}

export type TaskEvent =
  | { readonly kind: 'created'; readonly task: TaskSpec }
  | { readonly kind: 'input'; readonly taskId: Hex; readonly slot: string; readonly commitment: Hex }
  /** The task's input root was committed (input batches); events of one task arrive in chain order. */
  | { readonly kind: 'input-root'; readonly taskId: Hex; readonly root: Hex; readonly count: number }
  | { readonly kind: 'completed'; readonly taskId: Hex }
  | { readonly kind: 'cancelled'; readonly taskId: Hex; readonly reason: string }

/**
 * The clock deadlines are judged by (issue #15, defect 7): on a chain that is block time, not the
 * node's `Date.now()`, which drifts, and blocks come every few seconds.
 */
export interface SourceClock {
  /**
   * Current time in unix seconds as the source judges deadlines. Synchronous (the runner asks often):
   * a chain source returns its latest block's timestamp advanced by the local time elapsed since it
   * read that block.
   */
  now(): number
  /**
   * How far `now()` may be from the source's own judgement (seconds): block interval plus clock
   * error. The runner ends nothing before `deadline + skew` and computes only until `deadline - skew`.
   */
  readonly skewSeconds: number
}

/** A source without a clock is judged by the local clock with this margin. */
export const DEFAULT_SKEW_SECONDS = 5

/** What the source says about a task the node has on disk (asked at start-up, issue #15 defects 5, 6). */
export type SourceTaskStatus = 'open' | 'closed' | 'unknown'

export interface TaskSource {
  start(options?: { signal?: AbortSignal }): Promise<void>
  stop(): Promise<void>
  /** Subscribe to task events; returns an unsubscribe function. Events for one task arrive in order. */
  subscribe(handler: (event: TaskEvent) => void): () => void
  /** Tasks that are open now (for a node that starts late or restarts). */
  openTasks(): Promise<TaskSpec[]>
  /** Hand a member's attestation to whoever turns attestations into a receipt (optional). */
  publishAttestation?(attestation: Attestation): Promise<void>
  /** Deadline clock (optional; default: the local clock with `DEFAULT_SKEW_SECONDS`). */
  readonly clock?: SourceClock
  /**
   * Whether a task can still complete (chain: status Open and deadline not passed in block time);
   * 'unknown' if the source cannot tell. Optional: without it the runner uses `openTasks()` and the
   * clock. Asked once per stored task at start-up, so a node neither re-publishes nor keeps waiting
   * for a task the source has closed.
   */
  taskStatus?(taskId: Hex): Promise<SourceTaskStatus>
}
