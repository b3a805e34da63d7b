/**
 * Party identity keys of the TCP transport (issue #9, defect 6): each party holds an Ed25519 key; every
 * party knows every other party's public key (the launcher hands them out, like MP-SPDZ's per-party
 * certificates). The handshake (transport-tcp-handshake.ts) binds a connection's party index to its
 * key, so the index in the hello is no longer whatever the dialer claims.
 *
 * Formats are plain strings (they cross process boundaries and config files): a private key is its
 * PKCS#8 DER in base64, a public key its 32 raw bytes in hex (its fingerprint).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { InvalidArgumentError } from '../common/errors.ts'

export interface PartyKeys {
  /** This party's private key (PKCS#8 DER, base64). */
  readonly privateKey: string
  /** Every party's public key (32 raw bytes, hex), index-aligned with the party indices. */
  readonly publicKeys: readonly string[]
}

export function generatePartyKey(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: rawPublicKey(publicKey),
  }
}

/** Keys for `n` parties: what party i needs is `{ privateKey: privateKeys[i], publicKeys }`. */
export function generateCommitteeKeys(n: number): { privateKeys: string[]; publicKeys: string[] } {
  const keys = Array.from({ length: n }, () => generatePartyKey())
  return { privateKeys: keys.map((k) => k.privateKey), publicKeys: keys.map((k) => k.publicKey) }
}

function rawPublicKey(k: KeyObject): string {
  const jwk = k.export({ format: 'jwk' }) as { x?: string }
  return Buffer.from(jwk.x!, 'base64url').toString('hex')
}

/** Parsed keys of one party, checked once when the transport is created. */
export class LoadedPartyKeys {
  readonly #own: KeyObject
  readonly #peers: KeyObject[]
  readonly ownPublic: string

  constructor(fn: string, keys: PartyKeys, n: number, self: number) {
    if (!Array.isArray(keys.publicKeys) || keys.publicKeys.length !== n) {
      throw new InvalidArgumentError(fn, `keys.publicKeys must list ${n} public keys, one per party`)
    }
    try {
      this.#own = createPrivateKey({ key: Buffer.from(keys.privateKey, 'base64'), format: 'der', type: 'pkcs8' })
    } catch {
      throw new InvalidArgumentError(fn, 'keys.privateKey is not a PKCS#8 Ed25519 key in base64')
    }
    if (this.#own.asymmetricKeyType !== 'ed25519') throw new InvalidArgumentError(fn, 'keys.privateKey must be an Ed25519 key')
    this.#peers = keys.publicKeys.map((hex, j) => {
      if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/i.test(hex)) throw new InvalidArgumentError(fn, `keys.publicKeys[${j}] must be 32 bytes of hex`)
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') }, format: 'jwk' })
    })
    this.ownPublic = rawPublicKey(createPublicKey(this.#own))
    if (this.ownPublic !== keys.publicKeys[self]!.toLowerCase()) {
      throw new InvalidArgumentError(fn, `keys.privateKey does not match keys.publicKeys[${self}]`)
    }
  }

  sign(message: Uint8Array): Buffer {
    return sign(null, message, this.#own)
  }

  /** Whether `signature` is party `party`'s signature of `message`. */
  verify(party: number, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.#peers[party]
    if (key === undefined || signature.length !== 64) return false
    try {
      return verify(null, message, key, signature)
    } catch {
      return false
    }
  }
}
