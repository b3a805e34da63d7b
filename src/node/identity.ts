/**
 * A node's identity (issue #4): a libp2p key (peer id, noise), an X25519 key (clients encrypt input
 * shares to it) and a secp256k1 account key (signs attestations, receives fees). Created on first
 * start, kept in `<dataDir>/keys.json` with mode 0600, optionally sealed with a passphrase
 * (scrypt → ChaCha20-Poly1305) taken from an environment variable so it never sits in shell history.
 *
 * Written atomically (tmp file, fsync, rename) so a crash during creation leaves either no key file
 * or a whole one, never a torn one that would change the node's peer id.
 */
import { mkdir, open, readFile, rename, stat, chmod } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes, scrypt as scryptCb, createCipheriv, createDecipheriv } from 'node:crypto'
import { promisify } from 'node:util'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { Secret } from '../common/secret.ts'
import { encryptionPublicKey } from '../sharing/envelope.ts'
import { NodeError } from './errors.ts'
import type { Hex } from './task-source.ts'

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>

export const KEY_FILE = 'keys.json'
export const PASSPHRASE_ENV = 'ENIGMA_NODE_PASSPHRASE'

export interface NodeIdentity {
  readonly libp2pKey: PrivateKey
  readonly peerId: string
  readonly encryptionSecretKey: Secret<Uint8Array>
  readonly encryptionPublicKey: Uint8Array
  readonly accountKey: Secret<Hex>
  readonly account: PrivateKeyAccount
}

export interface PublicIdentity {
  readonly peerId: string
  readonly encryptionKey: Hex
  readonly account: Hex
}

interface PlainKeys {
  libp2p: string // base64 protobuf
  x25519: string // hex
  secp256k1: Hex
}

interface KeyFileV1 {
  version: 1
  encrypted: boolean
  keys?: PlainKeys
  kdf?: { name: 'scrypt'; N: number; r: number; p: number; salt: string }
  nonce?: string
  ciphertext?: string
}

const toHex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`

export function publicIdentity(id: NodeIdentity): PublicIdentity {
  return { peerId: id.peerId, encryptionKey: toHex(id.encryptionPublicKey), account: id.account.address }
}

async function fromPlain(k: PlainKeys): Promise<NodeIdentity> {
  const libp2pKey = privateKeyFromProtobuf(Buffer.from(k.libp2p, 'base64'))
  const xsk = new Secret(new Uint8Array(Buffer.from(k.x25519, 'hex')), 'x25519 secret key')
  if (xsk.expose().length !== 32 || !/^0x[0-9a-f]{64}$/.test(k.secp256k1)) throw new NodeError('NODE_KEYSTORE_CORRUPT', 'key file holds keys of the wrong size')
  return {
    libp2pKey,
    peerId: peerIdFromPrivateKey(libp2pKey).toString(),
    encryptionSecretKey: xsk,
    encryptionPublicKey: encryptionPublicKey(xsk),
    accountKey: new Secret(k.secp256k1, 'account key'),
    account: privateKeyToAccount(k.secp256k1),
  }
}

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 }

async function seal(plain: PlainKeys, passphrase: Secret<string>): Promise<KeyFileV1> {
  const salt = randomBytes(16)
  const nonce = randomBytes(12)
  const key = await scrypt(passphrase.expose(), salt, 32, { ...SCRYPT, maxmem: 64 * 1024 * 1024 })
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
  const body = Buffer.concat([c.update(JSON.stringify(plain)), c.final(), c.getAuthTag()])
  return { version: 1, encrypted: true, kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('hex') }, nonce: nonce.toString('hex'), ciphertext: body.toString('base64') }
}

async function unseal(file: KeyFileV1, passphrase: Secret<string> | undefined): Promise<PlainKeys> {
  if (!passphrase) throw new NodeError('NODE_KEYSTORE_LOCKED', `the key file is encrypted: set ${PASSPHRASE_ENV}`)
  const { kdf, nonce, ciphertext } = file
  if (!kdf || !nonce || !ciphertext) throw new NodeError('NODE_KEYSTORE_CORRUPT', 'encrypted key file lacks kdf, nonce or ciphertext')
  const key = await scrypt(passphrase.expose(), Buffer.from(kdf.salt, 'hex'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * 1024 * 1024 })
  const body = Buffer.from(ciphertext, 'base64')
  try {
    const d = createDecipheriv('chacha20-poly1305', key, Buffer.from(nonce, 'hex'), { authTagLength: 16 })
    d.setAuthTag(body.subarray(body.length - 16))
    const plain = Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()])
    return JSON.parse(plain.toString('utf8')) as PlainKeys
  } catch {
    throw new NodeError('NODE_KEYSTORE_LOCKED', `wrong passphrase in ${PASSPHRASE_ENV} (or a damaged key file)`)
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  const fh = await open(tmp, 'w', 0o600)
  try {
    await fh.writeFile(text)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
}

export interface LoadIdentityOptions {
  /** Passphrase sealing the key file; by default read from ENIGMA_NODE_PASSPHRASE. */
  readonly passphrase?: Secret<string>
}

/** Load the node's keys from `dataDir`, creating them on first start. */
export async function loadOrCreateIdentity(dataDir: string, options: LoadIdentityOptions = {}): Promise<{ identity: NodeIdentity; created: boolean }> {
  const envPass = process.env[PASSPHRASE_ENV]
  const passphrase = options.passphrase ?? (envPass ? new Secret(envPass, 'passphrase') : undefined)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, KEY_FILE)
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  if (text !== undefined) {
    let file: KeyFileV1
    try {
      file = JSON.parse(text) as KeyFileV1
    } catch {
      throw new NodeError('NODE_KEYSTORE_CORRUPT', `${path} is not JSON`)
    }
    if (file.version !== 1) throw new NodeError('NODE_KEYSTORE_CORRUPT', `${path}: unknown version ${String(file.version)}`)
    // Tighten permissions if someone loosened them; a readable key file leaks the node's stake.
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600)
    const plain = file.encrypted ? await unseal(file, passphrase) : file.keys
    if (!plain) throw new NodeError('NODE_KEYSTORE_CORRUPT', `${path} holds no keys`)
    return { identity: await fromPlain(plain), created: false }
  }
  // A data dir that already holds a database but no key file lost its keys (a partial restore, a
  // deleted file): a fresh identity would silently be a different node, with no stake and unable to
  // read the envelopes on disk. Refuse; the operator restores keys.json from the backup.
  if (await exists(join(dataDir, 'db'))) {
    throw new NodeError('NODE_KEYSTORE_MISSING', `${path} is missing but ${join(dataDir, 'db')} exists: restore keys.json from your backup (a new key would be a different node); to start afresh, move the db folder away`)
  }
  const libp2pKey = await generateKeyPair('Ed25519')
  const plain: PlainKeys = {
    libp2p: Buffer.from(privateKeyToProtobuf(libp2pKey)).toString('base64'),
    x25519: Buffer.from(randomBytes(32)).toString('hex'),
    secp256k1: generatePrivateKey(),
  }
  const file: KeyFileV1 = passphrase ? await seal(plain, passphrase) : { version: 1, encrypted: false, keys: plain }
  await writeAtomic(path, JSON.stringify(file, null, 2) + '\n')
  return { identity: await fromPlain(plain), created: true }
}
