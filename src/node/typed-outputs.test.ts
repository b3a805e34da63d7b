import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeAbiParameters, encodeAbiParameters } from 'viem'
import { abiParameterOf, decodePublicOutputs, decodeTypedOutputs, encodePublicOutputs, encodeTypedOutputs } from './typed-outputs.ts'
import { decodeValue, slotCount, toSigned } from '../circuit/values.ts'
import type { CircuitOutput, ValueType } from '../circuit/types.ts'
import { P61, P127 } from '../field/reference.ts'

type Out = Pick<CircuitOutput, 'name' | 'type' | 'recipient'>

test('the typed mapping of docs/controller.md: uint, int, bool, fixed, arrays, objects', () => {
  const outputs: Out[] = [
    { name: 'n', recipient: null, type: { kind: 'int', signed: false, bits: 64 } },
    { name: 'd', recipient: null, type: { kind: 'int', signed: true, bits: 8 } },
    { name: 'hidden', recipient: 'bob', type: { kind: 'bool' } },
    { name: 'b', recipient: null, type: { kind: 'bool' } },
    { name: 'x', recipient: null, type: { kind: 'fixed', frac: 16, intBits: 16 } },
    { name: 'xs', recipient: null, type: { kind: 'array', length: 2, of: { kind: 'int', signed: true, bits: 32 } } },
    { name: 'o', recipient: null, type: { kind: 'object', fields: [['who', { kind: 'int', signed: false, bits: 8 }], ['paid', { kind: 'fixed', frac: 2, intBits: 30 }]] } },
    { name: 'os', recipient: null, type: { kind: 'array', length: 2, of: { kind: 'object', fields: [['ok', { kind: 'bool' }]] } } },
  ]
  const values = new Map<string, bigint[]>([
    ['n', [5n]], ['d', [P61 - 1n]], ['b', [1n]], ['x', [P61 - 98_304n]], ['xs', [3n, P61 - 4n]], ['o', [9n, 10n]], ['os', [0n, 1n]],
  ])
  assert.deepEqual(outputs.filter((o) => o.recipient === null).map((o) => abiParameterOf(o.type, o.name)), [
    { name: 'n', type: 'uint256' }, { name: 'd', type: 'int256' }, { name: 'b', type: 'bool' }, { name: 'x', type: 'int256' },
    { name: 'xs', type: 'int256[]' },
    { name: 'o', type: 'tuple', components: [{ name: 'who', type: 'uint256' }, { name: 'paid', type: 'int256' }] },
    { name: 'os', type: 'tuple[]', components: [{ name: 'ok', type: 'bool' }] },
  ])
  const typed = encodeTypedOutputs(outputs, values, P61)
  // What a Solidity contract gets from abi.decode(typed, (uint256, int256, bool, int256, int256[], (uint256,int256), (bool)[])).
  const solidity = decodeAbiParameters([
    { type: 'uint256' }, { type: 'int256' }, { type: 'bool' }, { type: 'int256' }, { type: 'int256[]' },
    { type: 'tuple', components: [{ type: 'uint256' }, { type: 'int256' }] }, { type: 'tuple[]', components: [{ type: 'bool' }] },
  ], typed)
  assert.deepEqual(solidity, [5n, -1n, true, -98_304n, [3n, -4n], [9n, 10n], [[false], [true]]])
  assert.deepEqual(decodeTypedOutputs(outputs, typed), { n: 5, d: -1, b: true, x: -1.5, xs: [3, -4], o: { who: 9, paid: 2.5 }, os: [{ ok: false }, { ok: true }] })
  // The signed bytes hold the raw field elements by name and the typed part; older readers still read the first two.
  const pub = encodePublicOutputs(outputs, values, P61)
  const split = decodePublicOutputs(pub)
  assert.equal(split.typed, typed)
  assert.deepEqual(split.fieldValues, Object.fromEntries([...values].map(([k, v]) => [k, v])))
  const [names] = decodeAbiParameters([{ type: 'string[]' }, { type: 'uint256[][]' }], pub)
  assert.deepEqual(names, ['n', 'd', 'b', 'x', 'xs', 'o', 'os'])
  // The older two-part form: no typed part.
  const old = encodeAbiParameters([{ type: 'string[]' }, { type: 'uint256[][]' }], [['n'], [[5n]]])
  assert.deepEqual(decodePublicOutputs(old), { fieldValues: { n: [5n] }, typed: '0x' })
  // A missing public output is an error, not a silently shorter encoding.
  assert.throws(() => encodeTypedOutputs(outputs, new Map([['n', [5n]]]), P61), { code: 'NODE_TASK_STATE' })
})

const scalar = fc.oneof(
  fc.constant<ValueType>({ kind: 'bool' }),
  fc.record({ kind: fc.constant('int' as const), signed: fc.boolean(), bits: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('fixed' as const), frac: fc.integer({ min: 0, max: 20 }), intBits: fc.integer({ min: 1, max: 30 }) }),
)
const valueType: fc.Arbitrary<ValueType> = fc.letrec<{ t: ValueType }>((tie) => ({
  t: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.record({ kind: fc.constant('array' as const), length: fc.integer({ min: 0, max: 3 }), of: tie('t') }),
    fc.record({ kind: fc.constant('object' as const), fields: fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c'), tie('t')), { minLength: 1, maxLength: 3, selector: ([k]) => k }) }),
  ),
})).t

test('typed encoding and decoding agree with the field-element decoding for every output type (property)', () => {
  for (const p of [P61, P127]) {
    fc.assert(fc.property(fc.array(valueType, { minLength: 1, maxLength: 4 }), fc.infiniteStream(fc.bigInt({ min: -(1n << 59n), max: (1n << 59n) })), (types, stream) => {
      const outputs: Out[] = types.map((type, i) => ({ name: `o${i}`, recipient: null, type }))
      const values = new Map(outputs.map((o) => [o.name, Array.from({ length: slotCount(o.type) }, () => {
        const v = stream.next().value as bigint
        return ((v % p) + p) % p // field element of a signed value
      })]))
      // Booleans and unsigned ints are 0/1 and non-negative in a correct circuit.
      const fix = (t: ValueType, xs: bigint[], at = { i: 0 }): void => {
        if (t.kind === 'array') for (let k = 0; k < t.length; k++) fix(t.of, xs, at)
        else if (t.kind === 'object') for (const [, f] of t.fields) fix(f, xs, at)
        else {
          if (t.kind === 'bool') xs[at.i] = xs[at.i]! & 1n
          else if (t.kind === 'int' && !t.signed) xs[at.i] = toSigned(xs[at.i]!, p) < 0n ? -toSigned(xs[at.i]!, p) : xs[at.i]!
          at.i++
        }
      }
      for (const o of outputs) fix(o.type, values.get(o.name)!)
      const typed = encodeTypedOutputs(outputs, values, p)
      const expected = Object.fromEntries(outputs.map((o) => [o.name, decodeValue(o.type, values.get(o.name)!.map((x) => toSigned(x, p)))]))
      assert.deepEqual(decodeTypedOutputs(outputs, typed), expected)
      assert.equal(decodePublicOutputs(encodePublicOutputs(outputs, values, p)).typed, typed)
    }), { numRuns: 150 })
  }
})
