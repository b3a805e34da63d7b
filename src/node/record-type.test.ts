import { test } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex } from 'viem'
import { array, fixed, uint32, within } from '../lang/types.ts'
import { toValueType } from '../lang/types.ts'
import { parseRecordType, recordTypeHash, canonicalRecordType } from './record-type.ts'
import { parseCustodySubmission } from './custody-api.ts'
import { CustodyError } from './custody.ts'

test('parseRecordType reads every form of --type into the language’s own type', () => {
  assert.deepEqual(parseRecordType('uint32'), toValueType(uint32))
  assert.deepEqual(parseRecordType('uint( 12 )'), { kind: 'int', signed: false, bits: 12 })
  assert.deepEqual(parseRecordType('int8'), { kind: 'int', signed: true, bits: 8 })
  assert.deepEqual(parseRecordType('sbool'), { kind: 'bool' })
  assert.deepEqual(parseRecordType('fixed'), toValueType(fixed))
  assert.deepEqual(parseRecordType('array(uint32, 3)'), toValueType(array(uint32, 3)))
  assert.deepEqual(parseRecordType('uint32[3][2]'), toValueType(array(array(uint32, 3), 2)))
  assert.deepEqual(parseRecordType('{ income: uint32, debts: uint32 }'), toValueType({ income: uint32, debts: uint32 }))
  assert.deepEqual(parseRecordType('{ a: { b: sbool }, c: fixed[2] }'), toValueType({ a: { b: { kind: 'bool' } }, c: array(fixed, 2) }))
  // A contract input's exact type, declared range included (credit-score's features).
  assert.deepEqual(parseRecordType('array(within(fixed, -100, 100), 2)'), toValueType(array(within(fixed, -100, 100), 2)))
  assert.deepEqual(parseRecordType('within(int16, -5, 7)'), toValueType(within({ kind: 'int', signed: true, bits: 16 }, -5n, 7n)))
})

test('parseRecordType refuses what the language refuses, with RECORD_TYPE_INVALID and the position', () => {
  for (const bad of ['', 'uint65', 'int1', 'float', 'array(uint32)', 'array(uint32, 0)', '{ a: uint32, a: uint32 }', '{}', 'uint32 x', 'uint32[', '{ a uint32 }', 'within(sbool, 0, 1)', 'within(uint8, 0, 300)', 'within(fixed, 5, 1)']) {
    assert.throws(() => parseRecordType(bad), (e: unknown) => (e as { code?: string }).code === 'RECORD_TYPE_INVALID', bad)
  }
})

test('the type hash covers the type (ranges and field order included) and the field', () => {
  const t = toValueType({ income: uint32, debts: uint32 })
  const h = recordTypeHash({ type: t, field: 'p127' })
  // Known answer: the hash is keccak256 over the label, the field and the canonical JSON.
  assert.equal(h, keccak256(stringToHex(`enigma.record-type.v1\u0000p127\u0000${canonicalRecordType({ type: t, field: 'p127' })}`)))
  assert.equal(canonicalRecordType({ type: t, field: 'p127' }), '{"fields":[["income",{"bits":32,"kind":"int","signed":false}],["debts",{"bits":32,"kind":"int","signed":false}]],"kind":"object"}')
  assert.notEqual(recordTypeHash({ type: t, field: 'p61' }), h)
  assert.notEqual(recordTypeHash({ type: toValueType({ debts: uint32, income: uint32 }), field: 'p127' }), h)
  assert.notEqual(recordTypeHash({ type: toValueType(within(uint32, 0, 1000)), field: 'p127' }), recordTypeHash({ type: toValueType(uint32), field: 'p127' }))
})

test('a custody submission body is checked before anything reaches the chain', () => {
  const ok = { index: 1, envelope: '0x0102', envelopeHashes: [keccak256('0x01')], type: { kind: 'bool' }, field: 'p61' }
  assert.equal(parseCustodySubmission(JSON.stringify(ok)).index, 1)
  const bad: unknown[] = [
    'not json', '[]', { ...ok, extra: 1 }, { ...ok, index: -1 }, { ...ok, index: 32 }, { ...ok, envelope: '0x1' }, { ...ok, envelopeHashes: ['0x12'] },
    { ...ok, envelopeHashes: Array(33).fill(keccak256('0x01')) }, { ...ok, field: 'p89' }, { ...ok, type: [] }, { ...ok, type: null },
  ]
  for (const b of bad) {
    assert.throws(() => parseCustodySubmission(typeof b === 'string' ? b : JSON.stringify(b)), (e: unknown) => e instanceof CustodyError && e.status === 400, JSON.stringify(b))
  }
})
