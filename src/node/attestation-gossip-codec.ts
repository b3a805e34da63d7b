/**
 * Wire format of attestations on gossipsub (topic ATTESTATION_TOPIC): one UTF-8 JSON object
 * `{taskId, outputHash, publicOutputs, signer, signature}` of hex strings. Every field is checked for
 * shape here, before any cryptography or lookup: the bytes come from any peer of the network.
 */
import { EnigmaError } from '../common/errors.ts'
import type { Attestation } from './task-source.ts'

export const ATTESTATION_TOPIC = '/enigma/attestations/1.0.0'
/** Public outputs of a big task (e.g. a sorted list) fit; a flood of big messages does not. */
export const MAX_ATTESTATION_MESSAGE_BYTES = 64 * 1024

export const GOSSIP_INVALID = 'NODE_GOSSIP_INVALID'

const SHAPES: Readonly<Record<keyof Attestation, RegExp>> = {
  taskId: /^0x[0-9a-fA-F]{64}$/,
  outputHash: /^0x[0-9a-fA-F]{64}$/,
  publicOutputs: /^0x(?:[0-9a-fA-F]{2})*$/,
  signer: /^0x[0-9a-fA-F]{40}$/,
  signature: /^0x[0-9a-fA-F]{130}$/,
}
const FIELDS = Object.keys(SHAPES) as (keyof Attestation)[]
const utf8 = new TextDecoder('utf-8', { fatal: true })

function invalid(what: string): never {
  throw new EnigmaError(GOSSIP_INVALID, `attestation message: ${what}`)
}

/** Parses a gossiped attestation; throws EnigmaError NODE_GOSSIP_INVALID on anything else. */
export function decodeAttestationMessage(data: Uint8Array): Attestation {
  if (!(data instanceof Uint8Array)) invalid('not bytes')
  if (data.length > MAX_ATTESTATION_MESSAGE_BYTES) invalid(`${data.length} bytes (at most ${MAX_ATTESTATION_MESSAGE_BYTES})`)
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(data))
  } catch {
    invalid('not UTF-8 JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('not a JSON object')
  const o = value as Record<string, unknown>
  const out: Record<string, string> = {}
  for (const k of FIELDS) {
    const v = Object.hasOwn(o, k) ? o[k] : undefined
    if (typeof v !== 'string' || !SHAPES[k].test(v)) invalid(`${k} is missing or malformed`)
    out[k] = v
  }
  return out as unknown as Attestation
}

export function encodeAttestationMessage(a: Attestation): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ taskId: a.taskId, outputHash: a.outputHash, publicOutputs: a.publicOutputs, signer: a.signer, signature: a.signature }))
}
