/**
 * Input batches (issue #14 §5; contract: contracts/EnigmaInputs.sol, protocol: docs/contracts.md
 * "Input batches"). What a data owner and a committee member sign, defined once for the SDK, the node
 * and the chain tests, and the member's rule for signing a root.
 *
 * - The owner's commitment for a slot is keccak256 of the concatenated keccak256 hashes of her n
 *   envelopes (member order), so member i can check its own envelope against it without seeing the
 *   others. She signs EIP-712 `Input(bytes32 taskId, uint256 slot, bytes32 commitment)` under the domain
 *   ("EnigmaInputs", "1", chainId, inputs contract): it replays on no other task, slot, chain or contract.
 * - A batch leaf is keccak(keccak(abi.encode(slot, owner, commitment))); leaves are ordered by slot,
 *   one per slot; the root is an OZ sorted-pairs tree (input-batch-tree.ts).
 * - A member signs `InputRoot(bytes32 taskId, bytes32 root, uint32 count)` only if, for every leaf, it
 *   holds its own envelope of that commitment, checked the owner's signature, and the owner is the
 *   slot's owner in the task (`InputBatchBook.review`, input-batch-book.ts: node only, as it recovers
 *   signers with libsecp256k1). An owner who signed two different commitments for one slot is in no
 *   root this member signs: it keeps both signatures as the evidence.
 */
import { concat, encodeAbiParameters, hashTypedData, isAddress, keccak256, type LocalAccount } from 'viem'
import { check } from '../common/errors.ts'
import { merkleLevels, merkleProof, merkleRoot } from './input-batch-tree.ts'
import type { Hex, ReceiptDomain } from './task-source.ts'

export const INPUTS_EIP712_NAME = 'EnigmaInputs'
export const INPUTS_EIP712_VERSION = '1'

export const inputTypes = {
  Input: [
    { name: 'taskId', type: 'bytes32' },
    { name: 'slot', type: 'uint256' },
    { name: 'commitment', type: 'bytes32' },
  ],
} as const

export const inputRootTypes = {
  InputRoot: [
    { name: 'taskId', type: 'bytes32' },
    { name: 'root', type: 'bytes32' },
    { name: 'count', type: 'uint32' },
  ],
} as const

/** One accepted input: slot index in the task, its owner, and the owner's commitment. */
export interface InputLeaf {
  readonly slot: number
  readonly owner: Hex
  readonly commitment: Hex
}

/** A member's signature of a task's input root. */
export interface InputRootSignature {
  readonly taskId: Hex
  readonly root: Hex
  readonly count: number
  readonly signer: Hex
  readonly signature: Hex
}

export function inputsDomain(domain: ReceiptDomain) {
  check(Number.isSafeInteger(domain.chainId) && domain.chainId > 0, 'inputsDomain', `chainId must be a positive integer, got ${domain.chainId}`)
  check(isAddress(domain.verifyingContract, { strict: false }), 'inputsDomain', `verifyingContract is not an address: ${domain.verifyingContract}`)
  return { name: INPUTS_EIP712_NAME, version: INPUTS_EIP712_VERSION, chainId: domain.chainId, verifyingContract: domain.verifyingContract } as const
}

/** The slot's commitment: keccak256 of the envelopes' keccak256 hashes in member order. */
export function envelopeCommitment(envelopeHashes: readonly Hex[]): Hex {
  check(envelopeHashes.length > 0, 'envelopeCommitment', 'no envelope hashes')
  return keccak256(concat([...envelopeHashes]))
}

export function inputLeafHash(leaf: InputLeaf): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }], [BigInt(leaf.slot), leaf.owner, leaf.commitment])))
}

/** Leaves in canonical order (by slot), the root, and each leaf's proof. */
export function inputBatchTree(leaves: readonly InputLeaf[]): { leaves: InputLeaf[]; root: Hex; proof(slot: number): Hex[] | undefined } {
  const sorted = [...leaves].sort((a, b) => a.slot - b.slot)
  const levels = merkleLevels(sorted.map(inputLeafHash))
  return {
    leaves: sorted,
    root: merkleRoot(levels[0]!),
    proof(slot) {
      const i = sorted.findIndex((l) => l.slot === slot)
      return i < 0 ? undefined : merkleProof(levels, i)
    },
  }
}

export function ownerInputDigest(domain: ReceiptDomain, body: { taskId: Hex; slot: number; commitment: Hex }): Hex {
  return hashTypedData({ domain: inputsDomain(domain), types: inputTypes, primaryType: 'Input', message: { taskId: body.taskId, slot: BigInt(body.slot), commitment: body.commitment } })
}

/** The owner's signature of her slot's commitment (EIP-712 `Input`). */
export function signOwnerInput(account: LocalAccount, domain: ReceiptDomain, body: { taskId: Hex; slot: number; commitment: Hex }): Promise<Hex> {
  return account.signTypedData!({ domain: inputsDomain(domain), types: inputTypes, primaryType: 'Input', message: { taskId: body.taskId, slot: BigInt(body.slot), commitment: body.commitment } })
}

export async function signInputRoot(account: LocalAccount, domain: ReceiptDomain, body: { taskId: Hex; root: Hex; count: number }): Promise<InputRootSignature> {
  const signature = await account.signTypedData!({ domain: inputsDomain(domain), types: inputRootTypes, primaryType: 'InputRoot', message: body })
  return { ...body, signer: account.address.toLowerCase() as Hex, signature }
}
