import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeValue, encodeInputs } from './values.ts'
import type { ValueType } from './types.ts'

const u32: ValueType = { kind: 'int', signed: false, bits: 32 }
const decl = [
  { name: 'alice', type: u32 },
  { name: 'bids', type: { kind: 'array', of: u32, length: 3 } as ValueType },
  { name: 'p', type: { kind: 'object', fields: [['ok', { kind: 'bool' }], ['x', { kind: 'fixed', frac: 16, intBits: 15 }]] } as ValueType },
]
const good = { alice: 1, bids: [1, 2, '3'], p: { ok: true, x: -1.5 } }

test('inputs: encoded in declaration order; fixed point rounded to 2^−16; decimal strings accepted', () => {
  assert.deepEqual(encodeInputs(decl, good, 'in.json'), [[1n], [1n, 2n, 3n], [1n, -98304n]])
})

test('inputs: every wrong value is one message naming file, input and position', () => {
  const bad = (v: Record<string, unknown>, re: RegExp) =>
    assert.throws(() => encodeInputs(decl, { ...good, ...v }, 'in.json'), (e: any) => e.code === 'INPUT_INVALID' && re.test(e.message), JSON.stringify(v))
  bad({ alice: -1 }, /^in\.json: alice: -1 is out of range for uint32 \(0 … 4294967295\)/)
  bad({ alice: 4294967296 }, /alice: 4294967296 is out of range for uint32/)
  bad({ alice: 1.5 }, /alice: expected an integer \(uint32\), got 1\.5/)
  bad({ alice: 'lots' }, /alice: expected an integer \(uint32\), got "lots"/)
  bad({ alice: 2 ** 60 }, /not exact as a JSON number; write it as a decimal string/)
  bad({ bids: [1, 2] }, /bids: expected an array of length 3, got length 2/)
  bad({ bids: [1, 2, -3] }, /bids\[2\]: -3 is out of range/)
  bad({ bids: 5 }, /bids: expected an array of 3/)
  bad({ p: { ok: 1, x: 0 } }, /p\.ok: expected true or false, got 1/)
  bad({ p: { ok: true, x: 40000 } }, /p\.x: 40000 is out of range for fixed/)
  bad({ p: { ok: true } }, /p\.x: missing field/)
  bad({ eve: 1 }, /in\.json: eve: unknown input; the contract's inputs are alice, bids, p/)
  assert.throws(() => encodeInputs(decl, { alice: 1, bids: [1, 2, 3] }, 'in.json'), /in\.json: p: missing input/)
  assert.throws(() => encodeInputs(decl, [1, 2], 'in.json'), /expected a JSON object/)
})

test('outputs: JSON numbers, decimal strings beyond 2^53, booleans, fixed as decimals', () => {
  assert.deepEqual(decodeValue({ kind: 'array', of: { kind: 'int', signed: false, bits: 64 }, length: 2 }, [5n, 2n ** 60n]), [5, (2n ** 60n).toString()])
  assert.equal(decodeValue({ kind: 'bool' }, [1n]), true)
  assert.equal(decodeValue({ kind: 'fixed', frac: 16, intBits: 15 }, [-98304n]), -1.5)
})
