import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createPrivateKey, createPublicKey, diffieHellman, hkdfSync, createCipheriv, createDecipheriv } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  sealEnvelope, sealEnvelopeAsync, sealEnvelopeWith, openEnvelope, generateEncryptionKeyPair, envelopeContextBytes, encryptionPublicKey,
  ENVELOPE_OVERHEAD, ENVELOPE_HKDF_SALT, type EnvelopeContext,
} from './envelope.ts'
import { Secret } from '../common/secret.ts'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const unhex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))
const ctx: EnvelopeContext = { taskId: '0x' + '11'.repeat(32), input: 'bids[3]', nodeIndex: 2 }

// Fixed keys for the known-answer vector (X25519 clamps, so any 32 bytes are a valid secret key).
const recipientSk = unhex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a') // RFC 7748 §6.1 Alice
const ephSk = unhex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb') // RFC 7748 §6.1 Bob
const nonce = unhex('000102030405060708090a0b')
const plaintext = new TextEncoder().encode('share bytes: 8 per p61 element')

function x25519Der(sk: Uint8Array) {
  // PKCS#8 wrapper for a raw X25519 key (RFC 8410).
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), sk]), format: 'der', type: 'pkcs8' })
}

test('known answer: RFC 7748 keys give the RFC shared secret, and node:crypto reproduces the envelope', () => {
  const recipientPub = encryptionPublicKey(new Secret(recipientSk))
  assert.equal(hex(recipientPub), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
  const env = sealEnvelopeWith(recipientPub, plaintext, ctx, ephSk, nonce)
  assert.equal(env.length, plaintext.length + ENVELOPE_OVERHEAD)
  // Independent implementation with node:crypto: same bytes.
  const ephPub = createPublicKey(x25519Der(ephSk)).export({ format: 'der', type: 'spki' }).subarray(-32)
  const shared = diffieHellman({ privateKey: x25519Der(ephSk), publicKey: createPublicKey(x25519Der(recipientSk)) })
  assert.equal(hex(shared), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
  const key = Buffer.from(hkdfSync('sha256', shared, ENVELOPE_HKDF_SALT, Buffer.concat([ephPub, recipientPub]), 32))
  const header = Buffer.concat([Buffer.of(1, 1), ephPub, nonce])
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
  c.setAAD(Buffer.concat([header, envelopeContextBytes(ctx)]), { plaintextLength: plaintext.length })
  const expected = Buffer.concat([header, c.update(plaintext), c.final(), c.getAuthTag()])
  assert.equal(hex(env), expected.toString('hex'))
  // Pinned vector: a format change must be deliberate (bump the version byte).
  assert.equal(hex(env).slice(0, 4 + 64 + 24), '0101' + 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f' + '000102030405060708090a0b')
  assert.deepEqual(openEnvelope(new Secret(recipientSk), env, ctx).expose(), plaintext)
})

test('round trip with random keys; ephemeral key and nonce differ each time', () => {
  const kp = generateEncryptionKeyPair()
  const a = sealEnvelope(kp.publicKey, plaintext, ctx)
  const b = sealEnvelope(kp.publicKey, plaintext, ctx)
  assert.notEqual(hex(a), hex(b))
  assert.deepEqual(openEnvelope(kp.secretKey, a, ctx).expose(), plaintext)
  assert.deepEqual(openEnvelope(kp.secretKey, sealEnvelope(kp.publicKey, new Uint8Array(0), ctx), ctx).expose(), new Uint8Array(0))
})

test('tampering anywhere, or a different context or key, fails with ENVELOPE_DECRYPT_FAILED', () => {
  const kp = generateEncryptionKeyPair()
  const env = sealEnvelope(kp.publicKey, plaintext, ctx)
  for (const i of [2, 20, 34, 45, 46, env.length - 17, env.length - 1]) {
    const bad = env.slice(); bad[i]! ^= 1
    assert.throws(() => openEnvelope(kp.secretKey, bad, ctx), { code: 'ENVELOPE_DECRYPT_FAILED' } as object, `byte ${i}`)
  }
  assert.throws(() => openEnvelope(kp.secretKey, env, { ...ctx, nodeIndex: 1 }), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
  assert.throws(() => openEnvelope(kp.secretKey, env, { ...ctx, input: 'bids[4]' }), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
  assert.throws(() => openEnvelope(kp.secretKey, env, { ...ctx, taskId: '0x' + '12'.repeat(32) }), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
  assert.throws(() => openEnvelope(generateEncryptionKeyPair().secretKey, env, ctx), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
})

test('a recipient public key passed in opens as the derived one does; a wrong one opens nothing', () => {
  const kp = generateEncryptionKeyPair()
  const env = sealEnvelope(kp.publicKey, plaintext, ctx)
  assert.deepEqual(openEnvelope(kp.secretKey, env, ctx, kp.publicKey).expose(), plaintext)
  // Another node's secret key with this recipient's public key (or the reverse): still no decryption.
  const other = generateEncryptionKeyPair()
  assert.throws(() => openEnvelope(kp.secretKey, env, ctx, other.publicKey), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
  assert.throws(() => openEnvelope(other.secretKey, env, ctx, kp.publicKey), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
})

test('malformed envelopes are refused before any crypto', () => {
  const kp = generateEncryptionKeyPair()
  const env = sealEnvelope(kp.publicKey, plaintext, ctx)
  assert.throws(() => openEnvelope(kp.secretKey, env.subarray(0, 61), ctx), { code: 'ENVELOPE_MALFORMED' } as object)
  const v2 = env.slice(); v2[0] = 2
  assert.throws(() => openEnvelope(kp.secretKey, v2, ctx), { code: 'ENVELOPE_MALFORMED' } as object)
  const s2 = env.slice(); s2[1] = 9
  assert.throws(() => openEnvelope(kp.secretKey, s2, ctx), { code: 'ENVELOPE_MALFORMED' } as object)
  assert.throws(() => sealEnvelope(new Uint8Array(31), plaintext, ctx), { code: 'INVALID_ARGUMENT' } as object)
  assert.throws(() => envelopeContextBytes({ ...ctx, taskId: 'xyz' }), { code: 'INVALID_ARGUMENT' } as object)
  assert.throws(() => envelopeContextBytes({ ...ctx, nodeIndex: -1 }), { code: 'INVALID_ARGUMENT' } as object)
})

test('context encoding is injective (length prefixes)', () => {
  const a = envelopeContextBytes({ taskId: '0xaa', input: 'b', nodeIndex: 0 })
  const b = envelopeContextBytes({ taskId: '0xaa62', input: '', nodeIndex: 0 })
  assert.notEqual(hex(a), hex(b))
})

test('the deterministic seal (fixed ephemeral key and nonce) is reachable from tests only', () => {
  const src = fileURLToPath(new URL('..', import.meta.url))
  const offenders: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.test(-util)?\.ts$/.test(name) && !p.endsWith(join('sharing', 'envelope.ts'))) {
        if (readFileSync(p, 'utf8').includes('sealEnvelopeWith')) offenders.push(p.slice(src.length))
      }
    }
  }
  walk(src)
  assert.deepEqual(offenders, [])
  // And the public seal takes no key material: an extra argument cannot smuggle a fixed key and nonce in.
  const seal = sealEnvelope as unknown as (...args: unknown[]) => Uint8Array
  const recipientPub = encryptionPublicKey(new Secret(recipientSk))
  const a = seal(recipientPub, plaintext, ctx, { ephemeralSecretKey: ephSk, nonce })
  const b = seal(recipientPub, plaintext, ctx, { ephemeralSecretKey: ephSk, nonce })
  assert.notEqual(hex(a.subarray(2, 46)), hex(b.subarray(2, 46)))
})

// Low-order points of Curve25519 (RFC 7748 §7; their shared secret is all zero): no envelope may be sealed to them.
const LOW_ORDER = ['00'.repeat(32), '01' + '00'.repeat(31), 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f']

test('WebCrypto seal (sealEnvelopeAsync): opens with @noble and node:crypto, fresh keys each time, bound to its context', async () => {
  const kp = generateEncryptionKeyPair()
  const a = await sealEnvelopeAsync(kp.publicKey, plaintext, ctx)
  const b = await sealEnvelopeAsync(kp.publicKey, plaintext, ctx)
  assert.equal(a.length, plaintext.length + ENVELOPE_OVERHEAD)
  assert.notEqual(hex(a.subarray(2, 34)), hex(b.subarray(2, 34)), 'a fresh ephemeral key per envelope')
  assert.notEqual(hex(a.subarray(34, 46)), hex(b.subarray(34, 46)), 'a fresh nonce per envelope')
  assert.deepEqual(openEnvelope(kp.secretKey, a, ctx).expose(), plaintext)
  // The independent node:crypto opening (same HKDF and AEAD as the known-answer test above).
  const ephPub = a.subarray(2, 34)
  const shared = diffieHellman({ privateKey: x25519Der(kp.secretKey.expose()), publicKey: createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), ephPub]), format: 'der', type: 'spki' }) })
  const key = Buffer.from(hkdfSync('sha256', shared, ENVELOPE_HKDF_SALT, Buffer.concat([ephPub, kp.publicKey]), 32))
  const d = createDecipheriv('chacha20-poly1305', key, a.subarray(34, 46), { authTagLength: 16 })
  d.setAAD(Buffer.concat([a.subarray(0, 46), envelopeContextBytes(ctx)]), { plaintextLength: plaintext.length })
  d.setAuthTag(a.subarray(a.length - 16))
  assert.deepEqual(new Uint8Array(Buffer.concat([d.update(a.subarray(46, a.length - 16)), d.final()])), plaintext)
  // Tampered or re-bound: refused exactly as a @noble seal is.
  for (const i of [2, 34, 46, a.length - 1]) {
    const bad = a.slice(); bad[i]! ^= 1
    assert.throws(() => openEnvelope(kp.secretKey, bad, ctx), { code: 'ENVELOPE_DECRYPT_FAILED' } as object, `byte ${i}`)
  }
  assert.throws(() => openEnvelope(kp.secretKey, a, { ...ctx, nodeIndex: 3 }), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
  assert.throws(() => openEnvelope(generateEncryptionKeyPair().secretKey, a, ctx), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
})

test('WebCrypto seal refuses low-order recipient keys as the @noble seal does; without WebCrypto X25519 it falls back to @noble', async () => {
  for (const low of LOW_ORDER) {
    assert.throws(() => sealEnvelope(unhex(low), plaintext, ctx), { code: 'INVALID_ARGUMENT' } as object, `noble ${low}`)
    await assert.rejects(sealEnvelopeAsync(unhex(low), plaintext, ctx), { code: 'INVALID_ARGUMENT' } as object, `webcrypto ${low}`)
  }
  await assert.rejects(sealEnvelopeAsync(new Uint8Array(31), plaintext, ctx), { code: 'INVALID_ARGUMENT' } as object)
  await assert.rejects(sealEnvelopeAsync(generateEncryptionKeyPair().publicKey, plaintext, { ...ctx, nodeIndex: -1 }), { code: 'INVALID_ARGUMENT' } as object)
  // A platform without X25519 in WebCrypto (generateKey rejects), or without WebCrypto at all.
  const kp = generateEncryptionKeyPair()
  const noX25519 = { generateKey: () => Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError')) } as unknown as SubtleCrypto
  for (const subtle of [noX25519, undefined]) {
    const env = await sealEnvelopeAsync(kp.publicKey, plaintext, ctx, subtle)
    assert.deepEqual(openEnvelope(kp.secretKey, env, ctx).expose(), plaintext)
    await assert.rejects(sealEnvelopeAsync(unhex(LOW_ORDER[1]!), plaintext, ctx, subtle), { code: 'INVALID_ARGUMENT' } as object)
  }
})
