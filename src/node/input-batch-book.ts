/**
 * A member's book of the owner-signed input commitments it accepted for one task, and its rule for
 * signing an input root (issue #14 §5; what is signed: input-batch.ts). Node only: it recovers owners
 * with libsecp256k1 (input-batch-recover.ts), which the browser SDK must not load.
 */
import { check } from '../common/errors.ts'
import type { InputLeaf } from './input-batch.ts'
import { recoverOwnerInput } from './input-batch-recover.ts'
import type { Hex, ReceiptDomain } from './task-source.ts'

/** What a member holds for one slot: the commitment its envelope belongs to, with the owner's signature. */
interface HeldInput {
  readonly commitment: Hex
  readonly signature: Hex
}

/** Why a member refuses to sign a proposed root (or `undefined`: it signs). */
export type ReviewRefusal =
  | { readonly kind: 'not-held'; readonly slot: number }
  | { readonly kind: 'wrong-owner'; readonly slot: number }
  | { readonly kind: 'different-commitment'; readonly slot: number }
  | { readonly kind: 'equivocated'; readonly slot: number }
  | { readonly kind: 'malformed'; readonly reason: string }

/**
 * One member's record of the owner-signed commitments it accepted for one task, and its rule for
 * signing a root. Every entry was checked on entry (`accept`): the owner's EIP-712 signature under
 * the inputs domain, the owner = the slot's owner in the task, and (by the caller) the member's own
 * envelope hash inside the commitment.
 */
export class InputBatchBook {
  readonly #held = new Map<number, HeldInput>()
  /** Slots whose owner signed two different commitments: slot → both signed commitments. */
  readonly #equivocations = new Map<number, [HeldInput, HeldInput]>()

  constructor(
    readonly taskId: Hex,
    readonly domain: ReceiptDomain,
    /** Slot owners in slot order, as the task was created (lower-case). */
    readonly owners: readonly Hex[],
  ) {}

  /**
   * Records an owner-signed commitment for a slot after checking the signature. Returns 'held' (new),
   * 'same' (already held), or throws on a bad signature. A second, different, validly signed commitment
   * marks the slot as equivocated for good.
   */
  async accept(slot: number, commitment: Hex, signature: Hex): Promise<'held' | 'same' | 'equivocated'> {
    const owner = this.owners[slot]
    check(owner !== undefined, 'InputBatchBook.accept', `slot ${slot} out of range`)
    const signer = await recoverOwnerInput(this.domain, { taskId: this.taskId, slot, commitment }, signature)
    check(signer === owner!.toLowerCase(), 'InputBatchBook.accept', `the input commitment of slot ${slot} is not signed by its owner ${owner}`)
    if (this.#equivocations.has(slot)) return 'equivocated'
    const held = this.#held.get(slot)
    if (!held) {
      this.#held.set(slot, { commitment: commitment.toLowerCase() as Hex, signature })
      return 'held'
    }
    if (held.commitment === commitment.toLowerCase()) return 'same'
    this.#equivocations.set(slot, [held, { commitment: commitment.toLowerCase() as Hex, signature }])
    this.#held.delete(slot)
    return 'equivocated'
  }

  /** The leaves this member would put in a root: every held, non-equivocated slot. */
  leaves(): InputLeaf[] {
    return [...this.#held].map(([slot, h]) => ({ slot, owner: this.owners[slot]!.toLowerCase() as Hex, commitment: h.commitment })).sort((a, b) => a.slot - b.slot)
  }

  /** The two signed commitments of an equivocating owner (evidence), if any. */
  equivocation(slot: number): readonly [{ commitment: Hex; signature: Hex }, { commitment: Hex; signature: Hex }] | undefined {
    return this.#equivocations.get(slot)
  }

  /** Whether this member may sign a root of exactly these leaves (ascending slots, one per slot). */
  review(leaves: readonly InputLeaf[]): ReviewRefusal | undefined {
    if (leaves.length === 0) return { kind: 'malformed', reason: 'no leaves' }
    for (let i = 0; i < leaves.length; i++) {
      const l = leaves[i]!
      if (!Number.isSafeInteger(l.slot) || l.slot < 0 || l.slot >= this.owners.length) return { kind: 'malformed', reason: `slot ${l.slot} out of range` }
      if (i > 0 && leaves[i - 1]!.slot >= l.slot) return { kind: 'malformed', reason: 'leaves are not in strictly ascending slot order' }
      if (l.owner.toLowerCase() !== this.owners[l.slot]!.toLowerCase()) return { kind: 'wrong-owner', slot: l.slot }
      if (this.#equivocations.has(l.slot)) return { kind: 'equivocated', slot: l.slot }
      const held = this.#held.get(l.slot)
      if (!held) return { kind: 'not-held', slot: l.slot }
      if (held.commitment !== l.commitment.toLowerCase()) return { kind: 'different-commitment', slot: l.slot }
    }
    return undefined
  }
}
