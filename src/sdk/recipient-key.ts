/**
 * Keys of a `revealTo` output's recipient: an X25519 key pair made where the output is read (a
 * browser page, a server). The public key goes into the task (`createTask({ recipients })`), the
 * committee encrypts its shares of the output to it, and `getOutput` opens them with the secret key,
 * which never leaves the recipient (wrapped in a `Secret`: it refuses to be logged or serialised).
 */
import { bytesToHex, type Hex } from 'viem'
import type { Secret } from '../common/secret.ts'
import { encryptionPublicKey, generateEncryptionKeyPair } from '../sharing/envelope.ts'

export interface RecipientKey {
  /** 32-byte X25519 public key as hex: the value of `recipients[name]` in `createTask`. */
  readonly publicKey: Hex
  readonly secretKey: Secret<Uint8Array>
}

export function generateRecipientKey(): RecipientKey {
  const pair = generateEncryptionKeyPair()
  return { publicKey: bytesToHex(pair.publicKey), secretKey: pair.secretKey }
}

/** The public key of a recipient's secret key, as hex. */
export function recipientPublicKey(secretKey: Secret<Uint8Array>): Hex {
  return bytesToHex(encryptionPublicKey(secretKey))
}

