/**
 * A member's view of a batched task's inputs (issue #14 §5; protocol: docs/controller.md "Input
 * batches"). Per task it keeps the book of owner-signed commitments this member verified
 * (input-batch.ts), the root proposals it was shown (so it knows the leaves of the root that lands),
 * and the chain's input events in chain order: the committed root and the direct fills. The task's
 * input set is the root's leaves ∪ the direct fills, the EARLIER on chain winning a slot that has
 * both; the member computes only once that set covers every slot and, for every slot, the envelope it
 * holds is the one the chosen commitment names. In memory: a restarted member learns the set again
 * from the chain and the aggregator's proposals only for tasks still collecting inputs.
 */
import { keccak256, type LocalAccount } from 'viem'
import { NodeError } from './errors.ts'
import { envelopeCommitment, inputBatchTree, signInputRoot, type InputLeaf, type InputRootSignature } from './input-batch.ts'
import { InputBatchBook, type ReviewRefusal } from './input-batch-book.ts'
import type { Hex, TaskEvent, TaskSpec } from './task-source.ts'

/** What an owner hands a member beside her envelope in a batched task. */
export interface BatchSubmission {
  /** keccak256 of each member's envelope, in member order (their hash is the commitment). */
  readonly envelopeHashes: readonly Hex[]
  /** The owner's EIP-712 `Input(taskId, slot, commitment)` signature. */
  readonly signature: Hex
}

/**
 * What covers a slot: the commitment of an owner's envelope, or a record's hand-off (its shares came
 * from the record's custodians, checked on chain by record-handoff.ts; there is no owner commitment).
 * Not a `Hex`, so it can never be taken for a commitment.
 */
export type SlotCover = Hex | typeof HANDED_OFF
const HANDED_OFF = 'handed-off'

/** Most proposals a task keeps (a hostile aggregator could send many). */
const MAX_PROPOSALS = 16

interface TaskInputs {
  readonly book: InputBatchBook
  readonly proposals: Map<string, InputLeaf[]>
  root?: { root: Hex; count: number }
  /** The committed root's tree, built once for the owners' proof requests (200 owners ask each). */
  committedTree?: ReturnType<typeof inputBatchTree>
  /** Direct fills on the controller: slot index → commitment, and whether it came before the root. */
  readonly direct: Map<number, { commitment: SlotCover; beforeRoot: boolean }>
  /** Slot → commitment of the envelope this member stored (the first one it accepted). */
  readonly stored: Map<number, SlotCover>
}

export class InputSets {
  readonly #tasks = new Map<Hex, TaskInputs>()

  #of(spec: TaskSpec): TaskInputs {
    const id = spec.taskId.toLowerCase() as Hex
    let t = this.#tasks.get(id)
    if (!t) {
      if (!spec.inputBatch) throw new NodeError('NODE_TASK_STATE', `task ${spec.taskId} takes no input batches`)
      t = { book: new InputBatchBook(spec.taskId, spec.inputBatch.domain, spec.inputSlots.map((s) => s.owner.toLowerCase() as Hex)), proposals: new Map(), direct: new Map(), stored: new Map() }
      this.#tasks.set(id, t)
    }
    return t
  }

  /**
   * Checks an owner's batch data against this member's envelope and records her signed commitment:
   * the member's envelope hash is entry `self` of the hashes, their hash is the commitment, and the
   * slot's owner signed it under the inputs domain. Returns the commitment.
   */
  async accept(spec: TaskSpec, self: number, slot: number, envelope: Uint8Array, batch: BatchSubmission, alreadyStored: boolean): Promise<{ commitment: Hex; outcome: 'held' | 'same' | 'equivocated' }> {
    if (batch.envelopeHashes.length !== spec.n) throw new NodeError('NODE_SHARE_INVALID', `expected ${spec.n} envelope hashes, got ${batch.envelopeHashes.length}`)
    if (keccak256(envelope) !== batch.envelopeHashes[self]!.toLowerCase()) throw new NodeError('NODE_SHARE_INVALID', `envelope hash ${self} does not match this node's envelope`)
    const commitment = envelopeCommitment(batch.envelopeHashes.map((h) => h.toLowerCase() as Hex))
    const t = this.#of(spec)
    let outcome: 'held' | 'same' | 'equivocated'
    try {
      outcome = await t.book.accept(slot, commitment, batch.signature)
    } catch (e) {
      throw new NodeError('NODE_SHARE_INVALID', e instanceof Error ? e.message : String(e))
    }
    if (!alreadyStored && !t.stored.has(slot)) t.stored.set(slot, commitment)
    return { commitment, outcome }
  }

  /** A slot filled by a record's hand-off (record-handoff.ts checked its use on chain): covered as it stands. */
  handedOff(spec: TaskSpec, slot: number): void {
    const t = this.#of(spec)
    t.direct.set(slot, { commitment: HANDED_OFF, beforeRoot: true })
    t.stored.set(slot, HANDED_OFF)
  }

  /** The leaves this member holds (what it would sign). */
  held(spec: TaskSpec): InputLeaf[] {
    return this.#of(spec).book.leaves()
  }

  /** Signs a proposed root if every leaf passes `review`; remembers the proposal either way (well-formed ones). */
  async sign(spec: TaskSpec, account: LocalAccount, leaves: readonly InputLeaf[]): Promise<InputRootSignature> {
    const t = this.#of(spec)
    const tree = inputBatchTree(leaves)
    const refusal = t.book.review(tree.leaves)
    if (refusal?.kind !== 'malformed' && t.proposals.size < MAX_PROPOSALS) t.proposals.set(tree.root, tree.leaves)
    if (refusal) throw new NodeError('NODE_TASK_STATE', `input root refused: ${describe(refusal)}`)
    return signInputRoot(account, spec.inputBatch!.domain, { taskId: spec.taskId, root: tree.root, count: tree.leaves.length })
  }

  /** The committed root's leaves, if this member saw its proposal. */
  committed(spec: TaskSpec): { root: Hex; leaves?: InputLeaf[] } | undefined {
    const t = this.#of(spec)
    return t.root ? { root: t.root.root, leaves: t.proposals.get(t.root.root) } : undefined
  }

  /**
   * An owner's check of her slot (issue #14, e2e): the committed root, the leaf this member saw for the
   * slot in that root's proposal (none: the slot is not in it) and its Merkle proof. Undefined while no
   * root is on chain or this member did not see its proposal. The owner checks the proof against the
   * root on chain herself: a member cannot make her believe she is in.
   */
  proof(spec: TaskSpec, slot: number): { root: Hex; leaf?: InputLeaf; proof: Hex[] } | undefined {
    const t = this.#of(spec)
    if (!t.root) return undefined
    const leaves = t.proposals.get(t.root.root)
    if (!leaves) return undefined
    t.committedTree ??= inputBatchTree(leaves)
    const leaf = t.committedTree.leaves.find((l) => l.slot === slot)
    return { root: t.root.root, ...(leaf ? { leaf } : {}), proof: t.committedTree.proof(slot) ?? [] }
  }

  /** Chain events, in chain order: the root and the direct fills. */
  onEvent(spec: TaskSpec, e: TaskEvent): void {
    const t = this.#of(spec)
    if (e.kind === 'input-root') {
      t.root ??= { root: e.root.toLowerCase() as Hex, count: e.count }
    } else if (e.kind === 'input') {
      const slot = spec.inputSlots.findIndex((s) => s.name === e.slot)
      if (slot >= 0 && !t.direct.has(slot)) t.direct.set(slot, { commitment: e.commitment.toLowerCase() as Hex, beforeRoot: t.root === undefined })
    }
  }

  /**
   * The commitment each slot uses, once every slot is covered and this member holds the matching
   * envelope of each; otherwise what is missing (for logs).
   */
  inputSet(spec: TaskSpec): { ready: true; commitments: SlotCover[] } | { ready: false; missing: string } {
    const t = this.#of(spec)
    const fromRoot = new Map<number, Hex>()
    if (t.root) {
      const leaves = t.proposals.get(t.root.root)
      if (!leaves) return { ready: false, missing: `the leaves of root ${t.root.root} (no proposal seen)` }
      for (const l of leaves) fromRoot.set(l.slot, l.commitment)
    }
    const commitments: SlotCover[] = []
    for (let slot = 0; slot < spec.inputSlots.length; slot++) {
      const direct = t.direct.get(slot)
      const leaf = fromRoot.get(slot)
      // The earlier on chain wins: a direct fill before the root, else the root's leaf, else a later direct fill.
      const chosen = direct?.beforeRoot ? direct.commitment : leaf ?? direct?.commitment
      if (!chosen) return { ready: false, missing: `slot ${spec.inputSlots[slot]!.name} is neither in the root nor filled directly` }
      if (t.stored.get(slot) !== chosen) {
        return { ready: false, missing: `the envelope of slot ${spec.inputSlots[slot]!.name} for commitment ${chosen}` }
      }
      commitments.push(chosen)
    }
    return { ready: true, commitments }
  }

  forget(taskId: Hex): void {
    this.#tasks.delete(taskId.toLowerCase() as Hex)
  }
}

function describe(r: ReviewRefusal): string {
  switch (r.kind) {
    case 'malformed': return r.reason
    case 'not-held': return `slot ${r.slot}: no verified envelope here`
    case 'wrong-owner': return `slot ${r.slot}: owner is not the slot's owner`
    case 'different-commitment': return `slot ${r.slot}: not the commitment its owner signed to this member`
    case 'equivocated': return `slot ${r.slot}: its owner signed two different commitments`
  }
}
