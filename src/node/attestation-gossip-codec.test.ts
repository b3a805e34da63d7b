/**
 * Fuzz test of the gossip attestation decoder (issue #15: every decoder that reads peer data):
 * 50 000 generated inputs — random bytes, random JSON values, JSON objects with the right keys and
 * wrong or nearly-right values, and valid messages with one byte changed. The decoder either returns
 * an attestation whose every field has the exact shape, or throws a typed NODE_GOSSIP_INVALID
 * error; never anything else, and never a crash.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { isEnigmaError } from '../common/errors.ts'
import { decodeAttestationMessage, encodeAttestationMessage, GOSSIP_INVALID, MAX_ATTESTATION_MESSAGE_BYTES } from './attestation-gossip-codec.ts'
import type { Attestation } from './task-source.ts'

const enc = new TextEncoder()

function checkOne(data: Uint8Array): void {
  let a: Attestation
  try {
    a = decodeAttestationMessage(data)
  } catch (e) {
    if (!isEnigmaError(e, GOSSIP_INVALID)) throw e
    return
  }
  assert.match(a.taskId, /^0x[0-9a-fA-F]{64}$/)
  assert.match(a.outputHash, /^0x[0-9a-fA-F]{64}$/)
  assert.match(a.signer, /^0x[0-9a-fA-F]{40}$/)
  assert.match(a.signature, /^0x[0-9a-fA-F]{130}$/)
  assert.match(a.publicOutputs, /^0x([0-9a-fA-F]{2})*$/)
  assert.deepEqual(Object.keys(a).sort(), ['outputHash', 'publicOutputs', 'signature', 'signer', 'taskId'])
}

const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => `0x${Buffer.from(b).toString('hex')}`)
const valid = fc.record({
  taskId: hexOf(32), outputHash: hexOf(32), signer: hexOf(20), signature: hexOf(65),
  publicOutputs: fc.uint8Array({ maxLength: 200 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
}) as fc.Arbitrary<Attestation>
const nearlyHex = fc.oneof(fc.string(), fc.stringMatching(/^0x[0-9a-fA-Fg]{0,140}$/), fc.constantFrom('0x', '0X00', '', '0x0'))
const anyValue = fc.oneof(nearlyHex, fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }))

test('fuzz: random bytes never decode into anything but a typed refusal or a well-formed attestation', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (b) => checkOne(b)), { numRuns: 25_000 })
})

test('fuzz: random JSON values and objects with the right keys and wrong values', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => checkOne(enc.encode(JSON.stringify(v) ?? 'null'))), { numRuns: 4_000 })
  fc.assert(fc.property(fc.record({ taskId: anyValue, outputHash: anyValue, publicOutputs: anyValue, signer: anyValue, signature: anyValue }, { requiredKeys: [] }),
    (o) => checkOne(enc.encode(JSON.stringify(o)))), { numRuns: 6_000 })
})

test('fuzz: valid messages round-trip; one changed byte yields a typed refusal or a well-formed attestation', () => {
  fc.assert(fc.property(valid, (a) => assert.deepEqual(decodeAttestationMessage(encodeAttestationMessage(a)), { ...a })), { numRuns: 5_000 })
  fc.assert(fc.property(valid, fc.nat(), fc.integer({ min: 0, max: 255 }), (a, at, byte) => {
    const data = encodeAttestationMessage(a)
    data[at % data.length] = byte
    checkOne(data)
  }), { numRuns: 10_000 })
})

test('oversized and non-object messages are refused by size and shape', () => {
  assert.throws(() => decodeAttestationMessage(new Uint8Array(MAX_ATTESTATION_MESSAGE_BYTES + 1)), (e) => isEnigmaError(e, GOSSIP_INVALID))
  for (const s of ['[]', 'null', '"x"', '{"__proto__":{"taskId":"0x"}}', '\u00ff']) {
    assert.throws(() => decodeAttestationMessage(enc.encode(s)), (e) => isEnigmaError(e, GOSSIP_INVALID), s)
  }
  // Invalid UTF-8 is refused, not replaced.
  assert.throws(() => decodeAttestationMessage(new Uint8Array([0x7b, 0xff, 0x7d])), (e) => isEnigmaError(e, GOSSIP_INVALID))
})
