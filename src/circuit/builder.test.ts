import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CircuitBuilder } from './builder.ts'
import { finalizeCircuit } from './finalize.ts'
import { evaluateGates, fieldPrime } from './evaluate-plain.ts'
import { chooseField } from './field-choice.ts'

const u32 = { lo: 0n, hi: 2n ** 32n - 1n }

test('constants fold: public expressions become one const gate', () => {
  const b = new CircuitBuilder()
  const w = b.mul(b.add(b.constant(3n), b.constant(4n)), b.constant(5n))
  assert.equal(b.constValue(w), 35n)
  assert.equal(b.constValue(b.lt(b.constant(2n), b.constant(3n))), 1n)
  assert.equal(b.constValue(b.eq(b.constant(2n), b.constant(3n))), 0n)
  assert.equal(b.constValue(b.truncpr(b.constant(-5n), 1)), -3n)
  assert.equal(b.constValue(b.divc(b.constant(17n), 5n)), 3n)
  assert.equal(b.constValue(b.modc(b.constant(17n), 5n)), 2n)
  assert.ok(b.gates.every((g) => g.op === 'const'))
})

test('identities: x+0, x·1, x·0, x−x, x==x, x<x, bit², nested addc/mulc', () => {
  const b = new CircuitBuilder()
  const x = b.input(0, u32)
  const bit = b.input(1, { lo: 0n, hi: 1n })
  assert.equal(b.add(x, b.constant(0n)), x)
  assert.equal(b.mul(x, b.constant(1n)), x)
  assert.equal(b.constValue(b.mul(x, b.constant(0n))), 0n)
  assert.equal(b.constValue(b.sub(x, x)), 0n)
  assert.equal(b.constValue(b.eq(x, x)), 1n)
  assert.equal(b.constValue(b.lt(x, x)), 0n)
  assert.equal(b.mul(bit, bit), bit)
  const y = b.addc(b.addc(x, 3n), 4n)
  assert.equal(b.gates[y]!.op, 'addc')
  assert.deepEqual(b.gates[y]!.args, [x])
  assert.equal(b.gates[y]!.attrs[0], 7n)
  const z = b.mulc(b.mulc(x, 3n), 4n)
  assert.deepEqual([b.gates[z]!.args[0], b.gates[z]!.attrs[0]], [x, 12n])
  assert.equal(b.divc(x, 1n), x)
  assert.equal(b.modc(bit, 5n), bit, 'a mod d with a < d is a')
})

test('public × secret is a free mulc gate, public + secret an addc', () => {
  const b = new CircuitBuilder()
  const x = b.input(0, u32)
  assert.equal(b.gates[b.mul(b.constant(7n), x)]!.op, 'mulc')
  assert.equal(b.gates[b.add(b.constant(7n), x)]!.op, 'addc')
  assert.equal(b.gates[b.sub(b.constant(7n), x)]!.op, 'addc')
})

test('comparisons the bounds decide fold to constants', () => {
  const b = new CircuitBuilder()
  const small = b.input(0, { lo: 0n, hi: 9n })
  const big = b.input(1, { lo: 10n, hi: 20n })
  assert.equal(b.constValue(b.lt(small, big)), 1n)
  assert.equal(b.constValue(b.lt(big, small)), 0n)
  assert.equal(b.constValue(b.eq(small, big)), 0n)
  assert.equal(b.constValue(b.lt(small, b.constant(-1n))), 0n)
  assert.equal(b.gates[b.lt(small, b.constant(5n))]!.op, 'lt')
})

test('common subexpressions are shared; commutative operands are sorted', () => {
  const b = new CircuitBuilder()
  const x = b.input(0, u32)
  const y = b.input(1, u32)
  assert.equal(b.add(x, y), b.add(y, x))
  assert.equal(b.mul(x, y), b.mul(y, x))
  assert.equal(b.eq(x, y), b.eq(y, x))
  assert.equal(b.lt(x, y), b.lt(x, y))
  assert.notEqual(b.lt(x, y), b.lt(y, x))
  assert.notEqual(b.input(2, u32), b.input(3, u32))
})

test('ranges widen exactly and comparison widths follow them', () => {
  const b = new CircuitBuilder()
  const x = b.input(0, u32)
  const y = b.input(1, u32)
  const s = b.add(x, y)
  assert.deepEqual(b.range(s), { lo: 0n, hi: 2n ** 33n - 2n })
  const p = b.mul(x, y)
  assert.equal(b.range(p).hi, (2n ** 32n - 1n) ** 2n)
  const d = b.sub(x, y)
  assert.deepEqual(b.range(d), { lo: -(2n ** 32n - 1n), hi: 2n ** 32n - 1n })
  const c = b.gates[b.lt(x, y)]!
  assert.deepEqual(c.attrs, [32n, 0n])
  const c2 = b.gates[b.lt(d, x)]!
  assert.deepEqual(c2.attrs, [33n, 1n], 'signed 33-bit')
})

test('overflow: values beyond any field, and comparisons beyond 64 bits, are compile errors', () => {
  const b = new CircuitBuilder()
  const x = b.input(0, { lo: 0n, hi: 2n ** 62n - 1n })
  const x2 = b.mul(x, x) // 124 bits: still exact in p127
  assert.throws(() => b.mul(x2, x), { code: 'CIRCUIT_OVERFLOW' } as object)
  const y = b.input(1, { lo: 0n, hi: 2n ** 70n })
  assert.throws(() => b.lt(y, x), (e: any) => e.code === 'CIRCUIT_OVERFLOW' && /at most 64/.test(e.message))
  assert.throws(() => b.divc(b.input(2, { lo: -1n, hi: 1n }), 3n), { code: 'CIRCUIT_INVALID' } as object)
})

test('field choice: p61 for 32-bit comparisons, p127 for 60-bit ones and for masked truncation', () => {
  const b = new CircuitBuilder()
  const x = b.input(0, u32)
  const y = b.input(1, u32)
  b.lt(x, y)
  assert.equal(chooseField(b.gates), 'p61')
  const w = b.input(2, { lo: 0n, hi: 2n ** 60n })
  b.lt(w, x)
  assert.equal(chooseField(b.gates), 'p127')
  const b2 = new CircuitBuilder()
  b2.truncpr(b2.input(0, u32), 4)
  assert.equal(chooseField(b2.gates), 'p127', '32 + κ(40) bits do not fit p61')
})

test('dead gates are removed, inputs are kept, and the plaintext interpreter agrees', () => {
  const b = new CircuitBuilder()
  const x = b.input(0, u32)
  const y = b.input(1, u32)
  b.mul(x, y) // dead
  const out = b.lt(b.addc(x, 1n), y)
  const c = finalizeCircuit({ name: 't', params: {}, gates: b.gates, outputs: [{ name: 'o', recipient: null, type: { kind: 'bool' }, wires: [out] }],
    inputs: [{ name: 'x', type: { kind: 'int', signed: false, bits: 32 }, wires: [x] }, { name: 'y', type: { kind: 'int', signed: false, bits: 32 }, wires: [y] }] })
  assert.ok(!c.gates.some((g) => g.op === 'mul'))
  assert.equal(c.gates.filter((g) => g.op === 'input').length, 2)
  const v = evaluateGates(c, [[4n], [6n]], { checkRanges: true })
  assert.equal(v[c.outputs[0]!.wires[0]!], 1n)
  const v2 = evaluateGates(c, [[5n], [6n]], { checkRanges: true })
  assert.equal(v2[c.outputs[0]!.wires[0]!], 0n)
})

test('plaintext interpreter: division conventions, signed comparison, truncation floor', () => {
  const b = new CircuitBuilder()
  const a = b.input(0, { lo: 0n, hi: 100n })
  const d = b.input(1, { lo: 0n, hi: 100n })
  const s = b.input(2, { lo: -100n, hi: 100n })
  const wires = [b.divs(a, d), b.mods(a, d), b.lt(s, b.constant(0n)), b.truncpr(s, 2), b.divc(a, 7n), b.modc(a, 7n)]
  const c = finalizeCircuit({ name: 't', params: {}, gates: b.gates, inputs: [], outputs: [{ name: 'o', recipient: null, type: { kind: 'int', signed: true, bits: 64 }, wires }] })
  const p = fieldPrime(c.field)
  const sg = (v: bigint) => (v > p / 2n ? v - p : v)
  const out = (x: bigint, y: bigint, z: bigint) => c.outputs[0]!.wires.map((w) => sg(evaluateGates(c, [[x, y, z]], { checkRanges: true })[w]!))
  assert.deepEqual(out(17n, 5n, -7n), [3n, 2n, 1n, -2n, 2n, 3n])
  assert.deepEqual(out(17n, 0n, 7n), [0n, 17n, 0n, 1n, 2n, 3n], 'division by a secret zero: q = 0, r = a')
})

test('narrowDivision: a wide division by a public non-power of two becomes narrow p61 steps, exact', () => {
  for (const d of [3n, 7n, 1000n, 999_983n]) {
    const b = new CircuitBuilder({ narrowDivision: true })
    const x = b.input(0, { lo: 0n, hi: 2n ** 42n - 1n })
    const q = b.divc(x, d)
    const r = b.modc(x, d)
    const c = finalizeCircuit({ name: 't', params: {}, gates: b.gates, inputs: [{ name: 'x', type: { kind: 'int', signed: false, bits: 42 }, wires: [x] }],
      outputs: [{ name: 'o', recipient: null, type: { kind: 'int', signed: false, bits: 42 }, wires: [q, r] }] })
    assert.equal(c.field, 'p61', `d = ${d}`)
    assert.ok(c.gates.every((g) => (g.op !== 'divc' && g.op !== 'modc') || Number(g.attrs[0]) <= 29 || (g.attrs[1]! & (g.attrs[1]! - 1n)) === 0n))
    for (const v of [0n, 1n, d - 1n, d, 2n ** 42n - 1n, 123456789012n]) {
      const out = evaluateGates(c, [[v]], { checkRanges: true })
      assert.deepEqual([out[c.outputs[0]!.wires[0]!], out[c.outputs[0]!.wires[1]!]], [v / d, v % d], `${v} / ${d}`)
    }
  }
  const wide = new CircuitBuilder()
  const y = wide.input(0, { lo: 0n, hi: 2n ** 42n - 1n })
  assert.equal(wide.gates[wide.divc(y, 7n)]!.op, 'divc', 'without the option: one wide gate')
})
