// Logs on pino never carry a secret: a `Secret` or a byte array anywhere in the fields (nested, in
// arrays, in child bindings, in the base fields) prints as a label or a length; key-material field
// names are redacted; levels filter; each line is one JSON object with level, t and msg.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Secret } from '../common/secret.ts'
import { EnigmaError } from '../common/errors.ts'
import { createLogger } from './log.ts'

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug', base?: Record<string, unknown>) {
  const lines: string[] = []
  return { lines, log: createLogger({ level, sink: (l) => lines.push(l), base }) }
}

const SHARE = Uint8Array.from({ length: 32 }, (_, i) => 200 + (i % 50))
const KEY_HEX = '0x' + 'ab'.repeat(32)

test('one JSON object per line with level, t (ISO), msg and the fields', () => {
  const { lines, log } = capture()
  log.info('node started', { peerId: 'p1', port: 7001, big: 12345678901234567890n })
  assert.equal(lines.length, 1)
  const o = JSON.parse(lines[0]!)
  assert.equal(o.level, 'info')
  assert.equal(o.msg, 'node started')
  assert.ok(!Number.isNaN(Date.parse(o.t)) && /T.*Z$/.test(o.t))
  assert.equal(o.peerId, 'p1')
  assert.equal(o.port, 7001)
  assert.equal(o.big, '12345678901234567890')
})

test('a Secret or share anywhere never reaches the line: nested, in arrays, in child bindings and base fields', () => {
  const secret = new Secret(424242n, 'bid')
  const keySecret = new Secret(KEY_HEX, 'account key')
  const { lines, log } = capture('debug', { service: 'x', key: keySecret })
  const child = log.child({ task: 't1', bindingShare: SHARE, deep: { s: secret } })
  child.warn('careless', { share: SHARE, shares: [SHARE, { inner: secret }], nested: { a: { b: { c: secret } } }, view: new DataView(SHARE.buffer) })
  log.error('failed', { err: new EnigmaError('X_FAIL', 'broke\nsecond line with detail') })
  const text = lines.join('\n')
  assert.doesNotMatch(text, /424242/)
  assert.doesNotMatch(text, /abab/)
  // No byte of the share in any rendering (decimal list, hex, base64).
  assert.doesNotMatch(text, /200,201|c8c9|yMnK/)
  assert.doesNotMatch(text, /second line/)
  const o = JSON.parse(lines[0]!)
  assert.equal(o.share, '<32 bytes>')
  assert.deepEqual(o.shares, ['<32 bytes>', { inner: '[Secret bid]' }])
  assert.equal(o.nested.a.b.c, '[Secret bid]')
  assert.equal(o.bindingShare, '<32 bytes>')
  assert.equal(o.deep.s, '[Secret bid]')
  assert.equal(o.key, '[Secret account key]')
  assert.equal(o.task, 't1')
  assert.deepEqual(JSON.parse(lines[1]!).err, { name: 'EnigmaError', code: 'X_FAIL', message: 'broke' })
})

test('key-material field names are redacted even as plain strings; a cycle does not break logging', () => {
  const { lines, log } = capture()
  const cyclic: Record<string, unknown> = { name: 'c' }
  cyclic.self = cyclic
  log.info('keys', { privateKey: KEY_HEX, wallet: { privateKey: KEY_HEX, passphrase: 'hunter2' }, cyclic })
  assert.doesNotMatch(lines.join('\n'), /abab|hunter2/)
  const o = JSON.parse(lines[0]!)
  assert.equal(o.privateKey, '[redacted]')
  assert.equal(o.wallet.passphrase, '[redacted]')
  assert.equal(o.cyclic.self, '[circular]')
})

test('levels filter: below the minimum nothing is written', () => {
  const { lines, log } = capture('warn')
  log.debug('d'); log.info('i'); log.warn('w'); log.error('e')
  assert.deepEqual(lines.map((l) => JSON.parse(l).level), ['warn', 'error'])
})
