/**
 * Input-share envelopes (DESIGN.md §3, "Client I/O"): a client encrypts share i of an input to
 * committee member i's X25519 key. Browser-safe on purpose (the SDK uses it in browsers): only
 * @noble/* here, no node:* imports. It is the one implementation every layer uses (SDK, node, test
 * clients); envelope.test.ts rebuilds a known-answer envelope with an independent node:crypto
 * implementation, so the format is pinned by two implementations.
 *
 * Wire format v1 (all fixed-size fields, so parsing never allocates from attacker-chosen lengths):
 *   [0]      version = 1
 *   [1]      suite   = 1 (X25519 / HKDF-SHA256 / ChaCha20-Poly1305)
 *   [2..34)  client's ephemeral X25519 public key
 *   [34..46) 12-byte nonce
 *   [46..)   ciphertext || 16-byte Poly1305 tag
 *
 * key = HKDF-SHA256(ikm = X25519(eph, recipient), salt = "enigma/envelope/v1",
 *                   info = ephPub || recipientPub, 32 bytes)
 * The recipient key in `info` binds the ciphertext to the intended node even if a low-order point
 * made two shared secrets collide. Associated data = the 46-byte header || context (task id, input
 * name, node index), so an envelope cannot be replayed into another task, slot or node, and the
 * header cannot be swapped.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { EnigmaError, check } from '../common/errors.ts'
import { Secret } from '../common/secret.ts'

export const ENVELOPE_VERSION = 1
export const ENVELOPE_SUITE_X25519_HKDF_CHACHA = 1
export const ENVELOPE_HEADER_BYTES = 46
export const ENVELOPE_TAG_BYTES = 16
export const ENVELOPE_OVERHEAD = ENVELOPE_HEADER_BYTES + ENVELOPE_TAG_BYTES
export const ENVELOPE_HKDF_SALT = new TextEncoder().encode('enigma/envelope/v1')
const AD_PREFIX = new TextEncoder().encode('enigma/input/v1')

/** What an envelope is bound to: opening it under any other context fails. */
export interface EnvelopeContext {
  /** Task id as 0x-prefixed hex (32 bytes on chain; any even length accepted). */
  readonly taskId: string
  /** Input slot name, e.g. "bids[3]" (UTF-8, at most 255 bytes). */
  readonly input: string
  /** Committee member index of the recipient, 0-based. */
  readonly nodeIndex: number
}

export interface EncryptionKeyPair {
  readonly publicKey: Uint8Array
  readonly secretKey: Secret<Uint8Array>
}

export class EnvelopeError extends EnigmaError {
  override name = 'EnvelopeError'
  constructor(code: 'ENVELOPE_MALFORMED' | 'ENVELOPE_DECRYPT_FAILED', message: string) {
    super(code, message)
  }
}

export function generateEncryptionKeyPair(): EncryptionKeyPair {
  const sk = x25519.utils.randomSecretKey()
  return { publicKey: x25519.getPublicKey(sk), secretKey: new Secret(sk, 'x25519 secret key') }
}

export function encryptionPublicKey(secretKey: Secret<Uint8Array>): Uint8Array {
  return x25519.getPublicKey(secretKey.expose())
}

function hexToBytes(fn: string, hex: string): Uint8Array {
  check(/^0x([0-9a-fA-F]{2})*$/.test(hex), fn, `taskId must be 0x-prefixed even-length hex, got '${hex.slice(0, 80)}'`)
  const out = new Uint8Array((hex.length - 2) / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16)
  return out
}

/** The context part of the associated data (length-prefixed so no two contexts encode alike). */
export function envelopeContextBytes(ctx: EnvelopeContext): Uint8Array {
  const task = hexToBytes('envelopeContextBytes', ctx.taskId)
  const name = new TextEncoder().encode(ctx.input)
  check(task.length <= 255, 'envelopeContextBytes', `taskId too long (${task.length} bytes)`)
  check(name.length <= 255, 'envelopeContextBytes', `input name too long (${name.length} bytes)`)
  check(Number.isInteger(ctx.nodeIndex) && ctx.nodeIndex >= 0 && ctx.nodeIndex < 2 ** 32,
    'envelopeContextBytes', `nodeIndex must be a uint32, got ${ctx.nodeIndex}`)
  const out = new Uint8Array(AD_PREFIX.length + 1 + task.length + 1 + name.length + 4)
  let o = 0
  out.set(AD_PREFIX, o); o += AD_PREFIX.length
  out[o++] = task.length; out.set(task, o); o += task.length
  out[o++] = name.length; out.set(name, o); o += name.length
  new DataView(out.buffer).setUint32(o, ctx.nodeIndex, false)
  return out
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0
  for (const p of parts) len += p.length
  const out = new Uint8Array(len)
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}

/** The HKDF step (exported so that the independent node:crypto rebuild in envelope.test.ts can use it). */
export function deriveEnvelopeKey(shared: Uint8Array, ephPub: Uint8Array, recipientPub: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, ENVELOPE_HKDF_SALT, concat([ephPub, recipientPub]), 32)
}

/** Seal `plaintext` for the holder of `recipientPublicKey`, bound to `ctx`, with a fresh ephemeral key and nonce. */
export function sealEnvelope(recipientPublicKey: Uint8Array, plaintext: Uint8Array, ctx: EnvelopeContext): Uint8Array {
  return sealEnvelopeWith(recipientPublicKey, plaintext, ctx, x25519.utils.randomSecretKey(), crypto.getRandomValues(new Uint8Array(12)))
}

/**
 * @internal Known-answer tests only: seal with a given ephemeral key and nonce. Reusing them for two
 * plaintexts to one recipient reveals both (same ChaCha20 keystream), so production code must call
 * `sealEnvelope`; envelope.test.ts fails if any non-test file refers to this function.
 */
export function sealEnvelopeWith(recipientPublicKey: Uint8Array, plaintext: Uint8Array, ctx: EnvelopeContext,
  ephemeralSecretKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  check(recipientPublicKey.length === 32, 'sealEnvelope', `recipient key must be 32 bytes, got ${recipientPublicKey.length}`)
  check(ephemeralSecretKey.length === 32, 'sealEnvelope', `ephemeral key must be 32 bytes, got ${ephemeralSecretKey.length}`)
  check(nonce.length === 12, 'sealEnvelope', `nonce must be 12 bytes, got ${nonce.length}`)
  const ephPub = x25519.getPublicKey(ephemeralSecretKey)
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(ephemeralSecretKey, recipientPublicKey)
  } catch (e) {
    throw unusableRecipientKey(e)
  }
  return sealWithShared(recipientPublicKey, plaintext, ctx, ephPub, shared, nonce)
}

function unusableRecipientKey(cause: unknown): EnigmaError {
  return new EnigmaError('INVALID_ARGUMENT', 'sealEnvelope: recipient key is not a usable X25519 key', { cause })
}

/** The part of a seal after the key agreement (HKDF, ChaCha20-Poly1305): the same for every X25519 implementation. */
function sealWithShared(recipientPublicKey: Uint8Array, plaintext: Uint8Array, ctx: EnvelopeContext, ephPub: Uint8Array, shared: Uint8Array, nonce: Uint8Array): Uint8Array {
  const key = deriveEnvelopeKey(shared, ephPub, recipientPublicKey)
  const header = concat([Uint8Array.of(ENVELOPE_VERSION, ENVELOPE_SUITE_X25519_HKDF_CHACHA), ephPub, nonce])
  const ad = concat([header, envelopeContextBytes(ctx)])
  const sealed = chacha20poly1305(key, nonce, ad).encrypt(plaintext)
  return concat([header, sealed])
}

/**
 * `sealEnvelope` with the key agreement done by WebCrypto's X25519 (`crypto.subtle`: Node ≥ 20,
 * Chromium ≥ 133, Firefox ≥ 130, Safari ≥ 17), natively, ≈ 10× less CPU than @noble's JavaScript
 * ladder (issue #14, night session: an owner seals one envelope per member, 1 000 for the
 * 200-bidder auction). Same envelope format and RFC 7748 results; the ephemeral secret key is a
 * non-extractable CryptoKey that never exists as bytes here. A low-order recipient key (all-zero
 * shared secret) is refused as `sealEnvelope` refuses it (WebCrypto's `deriveBits` fails on it, as
 * @noble does). Where the platform has no X25519 in WebCrypto, it falls back to `sealEnvelope`.
 * `subtle`: for tests (the fallback); default `globalThis.crypto.subtle`.
 */
export async function sealEnvelopeAsync(recipientPublicKey: Uint8Array, plaintext: Uint8Array, ctx: EnvelopeContext,
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle): Promise<Uint8Array> {
  check(recipientPublicKey.length === 32, 'sealEnvelope', `recipient key must be 32 bytes, got ${recipientPublicKey.length}`)
  envelopeContextBytes(ctx) // validates the context before any key is made
  let eph: CryptoKeyPair | undefined
  try {
    eph = subtle ? await subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']) as CryptoKeyPair : undefined
  } catch {
    eph = undefined // no X25519 in this platform's WebCrypto
  }
  if (!subtle || !eph) return sealEnvelope(recipientPublicKey, plaintext, ctx)
  const ephPub = new Uint8Array(await subtle.exportKey('raw', eph.publicKey))
  let shared: Uint8Array
  try {
    const recipient = await subtle.importKey('raw', new Uint8Array(recipientPublicKey), { name: 'X25519' }, false, [])
    shared = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: recipient }, eph.privateKey, 256))
  } catch (e) {
    throw unusableRecipientKey(e)
  }
  check(ephPub.length === 32 && shared.length === 32, 'sealEnvelope', 'WebCrypto X25519 returned a key or secret that is not 32 bytes')
  return sealWithShared(recipientPublicKey, plaintext, ctx, ephPub, shared, crypto.getRandomValues(new Uint8Array(12)))
}

/** Parsed fixed header; throws ENVELOPE_MALFORMED for a wrong version, suite or size. */
export function parseEnvelopeHeader(envelope: Uint8Array): { header: Uint8Array; ephPub: Uint8Array; nonce: Uint8Array; body: Uint8Array } {
  if (envelope.length < ENVELOPE_OVERHEAD) throw new EnvelopeError('ENVELOPE_MALFORMED', `envelope too short (${envelope.length} bytes)`)
  if (envelope[0] !== ENVELOPE_VERSION) throw new EnvelopeError('ENVELOPE_MALFORMED', `unsupported envelope version ${envelope[0]}`)
  if (envelope[1] !== ENVELOPE_SUITE_X25519_HKDF_CHACHA) throw new EnvelopeError('ENVELOPE_MALFORMED', `unsupported envelope suite ${envelope[1]}`)
  return {
    header: envelope.subarray(0, ENVELOPE_HEADER_BYTES),
    ephPub: envelope.subarray(2, 34),
    nonce: envelope.subarray(34, 46),
    body: envelope.subarray(ENVELOPE_HEADER_BYTES),
  }
}

/**
 * Decrypt and authenticate; any tampering (body, header, context, key) → ENVELOPE_DECRYPT_FAILED.
 * `recipientPublicKey`: the secret key's public key when the caller holds it already (a node opening
 * 200 envelopes of one task): deriving it is a base-point multiplication, a third of an opening's cost.
 * A wrong one derives another HKDF key, so the envelope fails to authenticate: it cannot open anything
 * the secret key alone could not. `sharedSecret`: X25519 of the secret key with a peer key by another
 * implementation (the node's OpenSSL one, src/node/x25519-native.ts); it must throw where @noble does
 * (a low-order key); this module stays free of node:* imports for browsers.
 */
export function openEnvelope(recipientSecretKey: Secret<Uint8Array>, envelope: Uint8Array, ctx: EnvelopeContext, recipientPublicKey?: Uint8Array,
  sharedSecret?: (peerPublicKey: Uint8Array) => Uint8Array): Secret<Uint8Array> {
  const { header, ephPub, nonce, body } = parseEnvelopeHeader(envelope)
  const sk = recipientSecretKey.expose()
  let shared: Uint8Array
  try {
    shared = sharedSecret ? sharedSecret(ephPub) : x25519.getSharedSecret(sk, ephPub)
  } catch {
    // noble rejects low-order points (all-zero shared secret): treat as a failed decryption.
    throw new EnvelopeError('ENVELOPE_DECRYPT_FAILED', 'envelope ephemeral key is invalid')
  }
  const key = deriveEnvelopeKey(shared, ephPub, recipientPublicKey ?? x25519.getPublicKey(sk))
  const ad = concat([header, envelopeContextBytes(ctx)])
  try {
    return new Secret(chacha20poly1305(key, nonce, ad).decrypt(body), 'input share')
  } catch {
    throw new EnvelopeError('ENVELOPE_DECRYPT_FAILED', 'envelope does not authenticate (wrong key, context or tampered bytes)')
  }
}

/**
 * The text a slot owner signs (EIP-191 personal_sign with its account key) when handing an envelope
 * to a node, so nobody else can fill (and squat) the owner's slot. Binds the context and the exact
 * envelope bytes (by SHA-256). Defined here so the SDK and the node build the same string.
 */
export function inputSubmissionMessage(ctx: EnvelopeContext, envelope: Uint8Array): string {
  envelopeContextBytes(ctx) // validates the context
  const digest = Array.from(sha256(envelope), (b) => b.toString(16).padStart(2, '0')).join('')
  return `enigma input share v1\ntask: ${ctx.taskId.toLowerCase()}\nslot: ${ctx.input}\nnode: ${ctx.nodeIndex}\nenvelope-sha256: ${digest}`
}
