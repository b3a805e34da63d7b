/**
 * The Merkle tree of a task's slot owners, the TypeScript twin of `slotRoot` / `fillInputSlot` in
 * contracts/EnigmaController.sol, compatible with OpenZeppelin's `MerkleProof.verify`:
 * leaf = keccak256(keccak256(abi.encode(uint256 slot, address owner))) (double hashing, as OZ
 * recommends against second preimages), inner nodes hash their two children sorted
 * (`Hashes.commutativeKeccak256`), and an odd node at the end of a level moves up unchanged.
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'
import { InvalidArgumentError } from '../common/errors.ts'
import { merkleLevels, merkleProof, processProof, ZERO_ROOT } from '../node/input-batch-tree.ts'

export { processProof }

export function slotLeaf(slot: number, owner: Address): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }], [BigInt(slot), owner])))
}

/** Every level of the tree, leaves first. */
function levels(owners: readonly Address[]): Hex[][] {
  owners.forEach((o, i) => {
    if (/^0x0{40}$/i.test(o)) throw new InvalidArgumentError('slotTree', `slot ${i} is owned by the zero address`)
  })
  return merkleLevels(owners.map((o, i) => slotLeaf(i, o)))
}

/** Root over the owners in slot order (zero for no slots), as the controller computes it. */
export function slotRoot(owners: readonly Address[]): Hex {
  if (owners.length === 0) return ZERO_ROOT
  const all = levels(owners)
  return all[all.length - 1]![0]!
}

/** Proof for slot `slot` (siblings bottom-up; a level where the node has no sibling adds nothing). */
export function slotProof(owners: readonly Address[], slot: number): Hex[] {
  if (!Number.isInteger(slot) || slot < 0 || slot >= owners.length) throw new InvalidArgumentError('slotProof', `slot ${slot} out of 0..${owners.length - 1}`)
  return merkleProof(levels(owners), slot)
}
