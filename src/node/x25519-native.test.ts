// The node's OpenSSL X25519 (x25519-native.ts) against @noble's: same shared secrets, same envelopes
// opened, and the same refusals (low-order keys, wrong keys).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { x25519 } from '@noble/curves/ed25519.js'
import { Secret } from '../common/secret.ts'
import { generateEncryptionKeyPair, openEnvelope, sealEnvelope } from '../sharing/envelope.ts'
import { nativeX25519 } from './x25519-native.ts'

const unhex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))

test('RFC 7748 §6.1 and random keys: the same shared secret as @noble', () => {
  const a = unhex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
  const bPub = unhex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
  assert.equal(Buffer.from(nativeX25519(new Secret(a))(bPub)).toString('hex'), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
  for (let i = 0; i < 20; i++) {
    const sk = x25519.utils.randomSecretKey()
    const peer = x25519.getPublicKey(x25519.utils.randomSecretKey())
    assert.deepEqual(nativeX25519(new Secret(sk))(peer), x25519.getSharedSecret(sk, peer))
  }
})

test('envelopes open with it exactly as without; a wrong key or a low-order ephemeral key fails to decrypt', () => {
  const ctx = { taskId: '0x' + 'ab'.repeat(32), input: 'bids[7]', nodeIndex: 2 }
  const kp = generateEncryptionKeyPair()
  const plain = new TextEncoder().encode('a share')
  const env = sealEnvelope(kp.publicKey, plain, ctx)
  assert.deepEqual(openEnvelope(kp.secretKey, env, ctx, kp.publicKey, nativeX25519(kp.secretKey)).expose(), plain)
  const other = generateEncryptionKeyPair()
  assert.throws(() => openEnvelope(other.secretKey, env, ctx, other.publicKey, nativeX25519(other.secretKey)), { code: 'ENVELOPE_DECRYPT_FAILED' } as object)
  // Low-order points (RFC 7748 §7; all-zero shared secret): refused like @noble refuses them.
  for (const low of ['00'.repeat(32), '01' + '00'.repeat(31), 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800']) {
    const bad = env.slice()
    bad.set(unhex(low), 2)
    assert.throws(() => nativeX25519(kp.secretKey)(unhex(low)))
    assert.throws(() => openEnvelope(kp.secretKey, bad, ctx, kp.publicKey, nativeX25519(kp.secretKey)), { code: 'ENVELOPE_DECRYPT_FAILED', message: /ephemeral key is invalid/ } as object)
  }
})
