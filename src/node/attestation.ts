/**
 * What a secret node signs for the controller, defined once (the Solidity twin is
 * contracts/Signatures.sol; the chain tests check that signatures made here verify there). The node
 * layer imports this file; it never imports the chain layer (DESIGN.md §5).
 *
 * Every digest is EIP-712 typed data under the domain
 *   EIP712Domain(string name = "Enigma", string version = "1", uint256 chainId, address verifyingContract)
 * so a signature is bound to one controller on one chain and cannot be replayed elsewhere.
 *
 * - `Statement(bytes32 taskId, bytes32 label, bytes32 contentHash)`: a node commits to one content per
 *   (task, label). Two different contents under one label, signed by the same node, are
 *   self-verifying evidence of equivocation and slash it without a vote (whitepaper §7, "punishes
 *   cheaters"). The receipt attestation is the Statement with label RECEIPT_LABEL and
 *   contentHash = keccak256(abi.encode(outputHash, keccak256(publicOutputs))): signing two different
 *   results for one task is therefore slashable too.
 * - `Accusation(bytes32 taskId, address accused, bytes32 reason)`: a vote to slash a committee member;
 *   the controller needs t+1 votes from the accused's committee.
 *
 * Signatures are 65-byte secp256k1 (r, s, v) with low s (EIP-2); v is 27/28.
 */
import {
  encodeAbiParameters,
  hashTypedData,
  isAddress,
  isHex,
  keccak256,
  parseSignature,
  recoverTypedDataAddress,
  size,
  stringToHex,
  type LocalAccount,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { check } from '../common/errors.ts'
import type { Attestation, Hex, ReceiptDomain } from './task-source.ts'

export const EIP712_NAME = 'Enigma'
export const EIP712_VERSION = '1'
/** Label of the receipt Statement (= `RECEIPT_LABEL` in the controller). */
export const RECEIPT_LABEL: Hex = keccak256(stringToHex('enigma.receipt.v1'))
/** Reason the controller records when it slashes on equivocation evidence. */
export const EQUIVOCATION_REASON: Hex = keccak256(stringToHex('enigma.equivocation'))

export const statementTypes = {
  Statement: [
    { name: 'taskId', type: 'bytes32' },
    { name: 'label', type: 'bytes32' },
    { name: 'contentHash', type: 'bytes32' },
  ],
} as const

export const accusationTypes = {
  Accusation: [
    { name: 'taskId', type: 'bytes32' },
    { name: 'accused', type: 'address' },
    { name: 'reason', type: 'bytes32' },
  ],
} as const

/** secp256k1 n / 2: a larger s is the malleated twin of a valid signature; the controller refuses it. */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n

/** A private key (32-byte hex) or any viem LocalAccount (private key, HD, custom signer). */
export type AttestationSigner = Hex | LocalAccount

export interface AttestationBody {
  readonly taskId: Hex
  readonly outputHash: Hex
  readonly publicOutputs: Hex
}

export interface StatementBody {
  readonly taskId: Hex
  readonly label: Hex
  readonly contentHash: Hex
}

export interface SignedStatement extends StatementBody {
  readonly signer: Hex
  readonly signature: Hex
}

export interface AccusationBody {
  readonly taskId: Hex
  readonly accused: Hex
  /** Why (e.g. keccak256 of "mac-check-failed"); recorded on chain, not judged. */
  readonly reason: Hex
}

export interface SignedAccusation extends AccusationBody {
  readonly signer: Hex
  readonly signature: Hex
}

export function eip712Domain(domain: ReceiptDomain) {
  check(Number.isSafeInteger(domain.chainId) && domain.chainId > 0, 'eip712Domain', `chainId must be a positive integer, got ${domain.chainId}`)
  check(isAddress(domain.verifyingContract, { strict: false }), 'eip712Domain', `verifyingContract is not an address: ${domain.verifyingContract}`)
  return { name: EIP712_NAME, version: EIP712_VERSION, chainId: domain.chainId, verifyingContract: domain.verifyingContract } as const
}

function checkBytes32(fn: string, what: string, value: Hex): void {
  check(isHex(value, { strict: true }) && size(value) === 32, fn, `${what} must be 32-byte hex, got ${String(value)}`)
}

/** keccak256(abi.encode(outputHash, keccak256(publicOutputs))): the content of a receipt Statement. */
export function receiptContentHash(outputHash: Hex, publicOutputs: Hex): Hex {
  checkBytes32('receiptContentHash', 'outputHash', outputHash)
  check(isHex(publicOutputs, { strict: true }), 'receiptContentHash', 'publicOutputs must be hex')
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }], [outputHash, keccak256(publicOutputs)]))
}

export function receiptStatement(body: AttestationBody): StatementBody {
  checkBytes32('receiptStatement', 'taskId', body.taskId)
  return { taskId: body.taskId, label: RECEIPT_LABEL, contentHash: receiptContentHash(body.outputHash, body.publicOutputs) }
}

export function statementDigest(domain: ReceiptDomain, statement: StatementBody): Hex {
  checkBytes32('statementDigest', 'taskId', statement.taskId)
  checkBytes32('statementDigest', 'label', statement.label)
  checkBytes32('statementDigest', 'contentHash', statement.contentHash)
  return hashTypedData({ domain: eip712Domain(domain), types: statementTypes, primaryType: 'Statement', message: statement })
}

/** The digest a committee member signs to attest a task's result (what `submitReceipt` verifies). */
export function attestationDigest(domain: ReceiptDomain, body: AttestationBody): Hex {
  return statementDigest(domain, receiptStatement(body))
}

export function accusationDigest(domain: ReceiptDomain, accusation: AccusationBody): Hex {
  checkBytes32('accusationDigest', 'taskId', accusation.taskId)
  checkBytes32('accusationDigest', 'reason', accusation.reason)
  check(isAddress(accusation.accused, { strict: false }), 'accusationDigest', `accused is not an address: ${accusation.accused}`)
  return hashTypedData({ domain: eip712Domain(domain), types: accusationTypes, primaryType: 'Accusation', message: accusation })
}

const statementMessage = (s: StatementBody) => ({ taskId: s.taskId, label: s.label, contentHash: s.contentHash })
const accusationMessage = (a: AccusationBody) => ({ taskId: a.taskId, accused: a.accused, reason: a.reason })

function toAccount(signer: AttestationSigner): LocalAccount {
  if (typeof signer === 'string') {
    checkBytes32('toAccount', 'private key', signer)
    return privateKeyToAccount(signer)
  }
  return signer
}

async function signDigestOf(signer: AttestationSigner, typed: Parameters<LocalAccount['signTypedData']>[0]): Promise<{ signer: Hex; signature: Hex }> {
  const account = toAccount(signer)
  const signature = await account.signTypedData(typed)
  return { signer: account.address, signature }
}

export async function signStatement(signer: AttestationSigner, domain: ReceiptDomain, statement: StatementBody): Promise<SignedStatement> {
  statementDigest(domain, statement) // validates
  const signed = await signDigestOf(signer, { domain: eip712Domain(domain), types: statementTypes, primaryType: 'Statement', message: statementMessage(statement) })
  return { ...statementMessage(statement), ...signed }
}

/** A committee member's attestation of a task's result, ready for `TaskSource.publishAttestation`. */
export async function signAttestation(signer: AttestationSigner, domain: ReceiptDomain, body: AttestationBody): Promise<Attestation> {
  const signed = await signStatement(signer, domain, receiptStatement(body))
  return { taskId: body.taskId, outputHash: body.outputHash, publicOutputs: body.publicOutputs, signer: signed.signer, signature: signed.signature }
}

export async function signAccusation(signer: AttestationSigner, domain: ReceiptDomain, accusation: AccusationBody): Promise<SignedAccusation> {
  accusationDigest(domain, accusation) // validates
  const signed = await signDigestOf(signer, { domain: eip712Domain(domain), types: accusationTypes, primaryType: 'Accusation', message: accusationMessage(accusation) })
  return { ...accusationMessage(accusation), ...signed }
}

/** Recovers the signer of a digest-typed signature, or undefined if malformed or high-s (as the controller does). */
async function recoverOrUndefined(typed: Parameters<typeof recoverTypedDataAddress>[0]): Promise<Hex | undefined> {
  try {
    if (!isHex(typed.signature, { strict: true }) || size(typed.signature as Hex) !== 65) return undefined
    const { s } = parseSignature(typed.signature as Hex)
    if (BigInt(s) > HALF_ORDER) return undefined
    return await recoverTypedDataAddress(typed)
  } catch {
    return undefined
  }
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

export async function verifyStatement(domain: ReceiptDomain, statement: SignedStatement): Promise<boolean> {
  statementDigest(domain, statement)
  const signer = await recoverOrUndefined({ domain: eip712Domain(domain), types: statementTypes, primaryType: 'Statement', message: statementMessage(statement), signature: statement.signature })
  return signer !== undefined && sameAddress(signer, statement.signer)
}

/** True when `attestation.signature` is `attestation.signer`'s signature over its task, output hash and public outputs. */
export async function verifyAttestation(domain: ReceiptDomain, attestation: Attestation): Promise<boolean> {
  return verifyStatement(domain, { ...receiptStatement(attestation), signer: attestation.signer, signature: attestation.signature })
}

export async function verifyAccusation(domain: ReceiptDomain, accusation: SignedAccusation): Promise<boolean> {
  accusationDigest(domain, accusation)
  const signer = await recoverOrUndefined({ domain: eip712Domain(domain), types: accusationTypes, primaryType: 'Accusation', message: accusationMessage(accusation), signature: accusation.signature })
  return signer !== undefined && sameAddress(signer, accusation.signer)
}

/** Two valid statements by one signer for one (task, label) with different content: slashable evidence. */
export async function isEquivocation(domain: ReceiptDomain, a: SignedStatement, b: SignedStatement): Promise<boolean> {
  return a.taskId === b.taskId && a.label === b.label && a.contentHash !== b.contentHash &&
    sameAddress(a.signer, b.signer) && (await verifyStatement(domain, a)) && (await verifyStatement(domain, b))
}
