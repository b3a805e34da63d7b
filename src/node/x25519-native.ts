/**
 * X25519 through node:crypto (OpenSSL) for the node's envelope openings (issue #14, e2e): a member
 * opens every slot's envelope twice (on receipt, and again when the computation gathers its inputs),
 * and @noble's constant-time JavaScript ladder costs ≈ 2–3 ms of CPU per opening, ≈ 30× OpenSSL's.
 * The envelope format and module stay browser-safe (src/sharing/envelope.ts takes this as a plug-in);
 * envelope.test.ts already pins node:crypto's X25519 to the same bytes as @noble's.
 */
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto'
import type { Secret } from '../common/secret.ts'

/** DER prefixes of a raw X25519 key (RFC 8410): PKCS#8 private, SPKI public. */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')

/**
 * The shared secret of `secretKey` with a peer's public key, as `openEnvelope` wants it. Throws for a
 * low-order peer key (OpenSSL refuses an all-zero result, as @noble does); the caller maps that to a
 * failed decryption.
 */
export function nativeX25519(secretKey: Secret<Uint8Array>): (peerPublicKey: Uint8Array) => Uint8Array {
  // Parsed once per function (the DER import costs about as much as the key agreement): keep the function.
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secretKey.expose()]), format: 'der', type: 'pkcs8' })
  return (peerPublicKey) => {
    if (peerPublicKey.length !== 32) throw new RangeError(`X25519 public key must be 32 bytes, got ${peerPublicKey.length}`)
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_X25519, peerPublicKey]), format: 'der', type: 'spki' })
    return new Uint8Array(diffieHellman({ privateKey, publicKey }))
  }
}
