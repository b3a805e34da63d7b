/**
 * Shapes of the batched-input API bodies (api.ts), checked like every other body: hostile until each
 * field has the expected type and hex length. Errors are the API's `HttpError` 400s.
 */
import { HttpError } from './api.ts'
import type { InputLeaf } from './input-batch.ts'
import type { BatchSubmission } from './input-set.ts'
import type { Hex } from './task-source.ts'

const BYTES32 = /^0x[0-9a-fA-F]{64}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/
/** Largest committee (the controller's MAX_COMMITTEE) and slot count (MAX_INPUT_SLOTS). */
const MAX_MEMBERS = 32
const MAX_SLOTS = 1024

const bad = (message: string) => new HttpError(400, 'BAD_SCHEMA', message)

export function parseBatchSubmission(v: unknown): BatchSubmission {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('batch must be an object')
  const b = v as Record<string, unknown>
  for (const k of Object.keys(b)) if (k !== 'envelopeHashes' && k !== 'signature') throw bad(`unknown batch field '${k.slice(0, 40)}'`)
  if (!Array.isArray(b.envelopeHashes) || b.envelopeHashes.length === 0 || b.envelopeHashes.length > MAX_MEMBERS || !b.envelopeHashes.every((h) => typeof h === 'string' && BYTES32.test(h))) {
    throw bad(`batch.envelopeHashes must be 1..${MAX_MEMBERS} 32-byte hex hashes`)
  }
  if (typeof b.signature !== 'string' || !SIGNATURE.test(b.signature)) throw bad('batch.signature must be 65 bytes of 0x-hex')
  return { envelopeHashes: b.envelopeHashes as Hex[], signature: b.signature as Hex }
}

export function parseLeaves(text: string): InputLeaf[] {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new HttpError(400, 'BAD_JSON', 'body is not JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body must be an object')
  const leaves = (body as Record<string, unknown>).leaves
  if (!Array.isArray(leaves) || leaves.length === 0 || leaves.length > MAX_SLOTS) throw bad(`leaves must be 1..${MAX_SLOTS} entries`)
  return leaves.map((l: unknown) => {
    if (typeof l !== 'object' || l === null) throw bad('a leaf must be an object')
    const { slot, owner, commitment } = l as Record<string, unknown>
    if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0 || slot >= MAX_SLOTS) throw bad('leaf.slot must be a slot index')
    if (typeof owner !== 'string' || !ADDRESS.test(owner)) throw bad('leaf.owner must be an address')
    if (typeof commitment !== 'string' || !BYTES32.test(commitment)) throw bad('leaf.commitment must be 32-byte hex')
    return { slot, owner: owner.toLowerCase() as Hex, commitment: commitment.toLowerCase() as Hex }
  })
}

/** A slot index in a URL path (`…/input-batch/proof/{slot}`). */
export function parseSlotIndex(text: string): number {
  if (!/^(0|[1-9][0-9]{0,3})$/.test(text) || Number(text) >= MAX_SLOTS) throw bad(`slot must be an index 0..${MAX_SLOTS - 1}`)
  return Number(text)
}
