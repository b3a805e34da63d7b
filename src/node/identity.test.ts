import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreateIdentity, publicIdentity, KEY_FILE } from './identity.ts'
import { Secret } from '../common/secret.ts'

test('identity is created once (mode 0600) and reloaded identically', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-id-'))
  try {
    const a = await loadOrCreateIdentity(dir)
    assert.ok(a.created)
    assert.equal((await stat(join(dir, KEY_FILE))).mode & 0o777, 0o600)
    const b = await loadOrCreateIdentity(dir)
    assert.ok(!b.created)
    assert.deepEqual(publicIdentity(a.identity), publicIdentity(b.identity))
    assert.match(publicIdentity(a.identity).account, /^0x[0-9a-fA-F]{40}$/)
    assert.match(publicIdentity(a.identity).encryptionKey, /^0x[0-9a-f]{64}$/)
    assert.ok(!JSON.stringify(publicIdentity(a.identity)).includes((await readFile(join(dir, KEY_FILE), 'utf8')).slice(60, 90)))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('a passphrase-sealed key file needs the passphrase', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-id-'))
  try {
    const pass = new Secret('correct horse', 'passphrase')
    const a = await loadOrCreateIdentity(dir, { passphrase: pass })
    const text = await readFile(join(dir, KEY_FILE), 'utf8')
    assert.ok(JSON.parse(text).encrypted)
    assert.ok(!text.includes('secp256k1'))
    const b = await loadOrCreateIdentity(dir, { passphrase: pass })
    assert.equal(b.identity.peerId, a.identity.peerId)
    await assert.rejects(loadOrCreateIdentity(dir, { passphrase: new Secret('wrong') }), { code: 'NODE_KEYSTORE_LOCKED' } as object)
    const saved = process.env.ENIGMA_NODE_PASSPHRASE
    delete process.env.ENIGMA_NODE_PASSPHRASE
    await assert.rejects(loadOrCreateIdentity(dir), { code: 'NODE_KEYSTORE_LOCKED' } as object)
    if (saved !== undefined) process.env.ENIGMA_NODE_PASSPHRASE = saved
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
