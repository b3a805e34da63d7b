/**
 * Self-verifying evidence from gossip (issue #12, item 2: "a signed conflicting statement"): two
 * receipt attestations of one committee member for one task with different content are two EIP-712
 * `Statement(taskId, RECEIPT_LABEL, contentHash)` signatures of that member, exactly what the
 * controller's `proveEquivocation` takes to slash it (docs/controller.md, "Suspension and slashing").
 * The attestation filter (attestation-gossip.ts) verifies every attestation before it keeps it and
 * hands a conflicting pair here; this schedules the proof and hands it to an injected
 * `EquivocationSubmitter` (the chain layer's `proveEquivocation`; the node never imports the chain).
 *
 * Why colluders cannot turn an honest member's one statement into a slash: a pair is built only from
 * signatures that verified against this task and this controller's domain, from the member's own
 * peer, and it must differ in content; an honest member signs one content per task (task-runner.ts
 * refuses a second, across re-run attempts). A forged second statement does not verify, and a real
 * statement of another task is a statement *of that task* (the task id is in the signed digest).
 *
 * Who submits: every honest member that holds the pair may, and the controller pays the first a capped
 * reward; to spend gas once, the members other than the culprit go in committee order, `fallbackMs`
 * apart (the submitter reads the chain first and sends nothing once the culprit is slashed).
 */
import { RECEIPT_LABEL, receiptContentHash, type SignedStatement } from './attestation.ts'
import type { Attestation, Hex, TaskSpec } from './task-source.ts'

export interface EquivocationSubmitter {
  /** Send both statements to the controller (`proveEquivocation`); should send nothing if the signer is already slashed. */
  prove(evidence: { readonly a: SignedStatement; readonly b: SignedStatement }): Promise<void>
}

/** Something that happened to a proof (logs, tests). */
export type EquivocationEvent =
  | { readonly kind: 'submitted'; readonly taskId: Hex; readonly signer: Hex }
  | { readonly kind: 'submit-failed'; readonly taskId: Hex; readonly signer: Hex; readonly error: unknown }

export interface EquivocationReporterInit {
  /** This node's account: its place in the committee decides when it submits; it never reports itself. */
  readonly account: Hex
  readonly submitter: EquivocationSubmitter
  /** Delay between successive submitters (default 5 000 ms, like the accusation votes). */
  readonly fallbackMs?: number
  readonly onEvent?: (e: EquivocationEvent) => void
}

/** The receipt attestation as the Statement its signature covers. */
export function receiptStatementOf(a: Attestation): SignedStatement {
  return { taskId: a.taskId, label: RECEIPT_LABEL, contentHash: receiptContentHash(a.outputHash, a.publicOutputs), signer: a.signer, signature: a.signature }
}

export class EquivocationReporter {
  readonly #init: EquivocationReporterInit
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()

  constructor(init: EquivocationReporterInit) {
    this.#init = init
  }

  /**
   * Two verified attestations of one signer for `spec`'s task with different content (the caller
   * checked both signatures). Scheduled by this node's rank among the other members.
   */
  report(spec: TaskSpec, first: Attestation, second: Attestation): void {
    const me = this.#init.account.toLowerCase()
    const culprit = first.signer.toLowerCase()
    if (culprit === me || second.signer.toLowerCase() !== culprit) return
    const a = receiptStatementOf(first), b = receiptStatementOf(second)
    if (a.taskId.toLowerCase() !== b.taskId.toLowerCase() || a.contentHash === b.contentHash) return
    const others = spec.committee.filter((m) => m.account.toLowerCase() !== culprit)
    const rank = others.findIndex((m) => m.account.toLowerCase() === me)
    const delay = (rank < 0 ? others.length : rank) * (this.#init.fallbackMs ?? 5_000)
    const t = setTimeout(() => { this.#timers.delete(t); void this.#submit(a, b) }, delay)
    t.unref?.()
    this.#timers.add(t)
  }

  async #submit(a: SignedStatement, b: SignedStatement): Promise<void> {
    try {
      await this.#init.submitter.prove({ a, b })
      this.#init.onEvent?.({ kind: 'submitted', taskId: a.taskId, signer: a.signer })
    } catch (error) {
      this.#init.onEvent?.({ kind: 'submit-failed', taskId: a.taskId, signer: a.signer, error })
    }
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
  }
}
