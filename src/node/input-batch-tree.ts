/**
 * Merkle trees in the layout of OpenZeppelin's `MerkleProof` with sorted pairs
 * (`Hashes.commutativeKeccak256`): leaves in the given order, each level pairs neighbours, an odd node
 * at the end of a level moves up unchanged. One implementation for the controller's slot-owner tree
 * (src/chain/merkle.ts) and the input batches of contracts/EnigmaInputs.sol (input-batch.ts); it lives
 * in the node layer because members compute batch roots themselves (the node never imports the chain).
 */
import { concat, keccak256, type Hex } from 'viem'
import { InvalidArgumentError } from '../common/errors.ts'

export const ZERO_ROOT: Hex = `0x${'00'.repeat(32)}`

export function hashPair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]))
}

/** Every level of the tree, leaves first (one level, empty, for no leaves). */
export function merkleLevels(leaves: readonly Hex[]): Hex[][] {
  const out: Hex[][] = [[...leaves]]
  for (let level = out[0]!; level.length > 1; ) {
    const next: Hex[] = []
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashPair(level[i]!, level[i + 1]!) : level[i]!)
    out.push(next)
    level = next
  }
  return out
}

/** Root of the leaves (zero for none). */
export function merkleRoot(leaves: readonly Hex[]): Hex {
  if (leaves.length === 0) return ZERO_ROOT
  const all = merkleLevels(leaves)
  return all[all.length - 1]![0]!
}

/** Proof of leaf `index` (siblings bottom-up; a level where the node has no sibling adds nothing). */
export function merkleProof(levels: readonly (readonly Hex[])[], index: number): Hex[] {
  const count = levels[0]?.length ?? 0
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new InvalidArgumentError('merkleProof', `leaf ${index} out of 0..${count - 1}`)
  const proof: Hex[] = []
  for (const level of levels.slice(0, -1)) {
    const sibling = index ^ 1
    if (sibling < level.length) proof.push(level[sibling]!)
    index >>= 1
  }
  return proof
}

/** OZ `MerkleProof.processProof` with sorted pairs. */
export function processProof(proof: readonly Hex[], leaf: Hex): Hex {
  return proof.reduce((h, p) => hashPair(h, p), leaf)
}
