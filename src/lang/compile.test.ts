/** The compiler's error messages, params, outputs, determinism and code-hash stability. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { codeHash, decodeCircuit, encodeCircuit } from '../circuit/encode.ts'
import { scheduleCircuit } from '../circuit/schedule.ts'
import { array, compileContract, defineContract, reveal, select, uint32, within, int, fixed, uint } from './index.ts'

const pair = (compute: (x: any) => any) => defineContract({ name: 'pair', inputs: { a: uint32, b: uint32 }, compute })
const coercion = (e: any) => e.code === 'LANG_SECRET_COERCION' && /select\(c, a, b\)/.test(e.message)

test('using a secret as a plain value is a compile error with a select hint', () => {
  const cases: [string, (x: any) => unknown][] = [
    ['template literal', ({ a }) => `${a}`],
    ['String()', ({ a }) => String(a)],
    ['JS + operator', ({ a, b }) => a + b],
    ['JS < operator', ({ a, b }) => a < b],
    ['loose ==', ({ a }) => a == 3],
    ['unary +', ({ a }) => +a],
    ['JSON.stringify', ({ a }) => JSON.stringify({ a })],
    ['comparison result in arithmetic', ({ a, b }) => a.lt(b) * 2],
    ['Number()', ({ a }) => Number(a)],
  ]
  for (const [what, f] of cases) {
    assert.throws(() => compileContract(pair((x) => ({ o: reveal(f(x) as never) }))), coercion, what)
  }
  // The message names the fix.
  try {
    compileContract(pair(({ a }) => ({ o: reveal(`${a}` as never) })))
  } catch (e: any) {
    assert.match(e.shortMessage, /secret sint was used as a plain JavaScript value/)
    assert.match(e.details, /x = select\(c, a, b\)/)
  }
})

test('what JavaScript does not let us detect: `if (secret)` is truthy; documented, and select is the way', () => {
  // Objects are always truthy and `if` calls no hook. We check it behaves as documented (always the
  // first branch), which is why docs/contracts.md tells writers to use select and lint flags it.
  const c = compileContract(pair(({ a, b }) => {
    const c = a.lt(b)
    return { o: reveal(c ? a : b) } // WRONG on purpose
  }))
  assert.equal(c.circuit.outputs[0]!.wires.length, 1)
  const ok = compileContract(pair(({ a, b }) => ({ o: reveal(select(a.lt(b), a, b)) })))
  assert.ok(ok.circuit.gates.some((g) => g.op === 'mul'))
  assert.equal(inspect(ok.circuit.gates.length > 0), 'true')
})

test('secrets print as placeholders in inspect, never values', () => {
  compileContract(pair(({ a }) => {
    assert.match(inspect(a), /^\[sint #\d+\]$/)
    return { o: reveal(a) }
  }))
})

test('params: missing, unknown, not an integer, out of range', () => {
  const c = defineContract({
    name: 'p', params: { n: { min: 2, max: 10 } },
    inputs: ({ n }) => ({ xs: array(uint32, n) }), compute: ({ xs }) => ({ o: reveal(xs[0]!) }),
  })
  const bad = (params: Record<string, string | number>, re: RegExp) =>
    assert.throws(() => compileContract(c, params), (e: any) => e.code === 'LANG_PARAM_INVALID' && re.test(e.message), JSON.stringify(params))
  bad({}, /param n: missing; pass --param n=<integer 2…10>/)
  bad({ n: '3', m: '1' }, /param m: unknown; p takes n \(2…10\)/)
  bad({ n: 'abc' }, /param n=abc: not an integer/)
  bad({ n: '2.5' }, /not an integer/)
  bad({ n: 11 }, /param n=11: out of range 2…10/)
  assert.equal(compileContract(c, { n: '4' }).circuit.inputs[0]!.wires.length, 4)
})

test('outputs must be reveal/revealTo; types and shapes are checked', () => {
  assert.throws(() => compileContract(pair(({ a }) => ({ o: a }))), (e: any) => e.code === 'LANG_CONTRACT_INVALID' && /must be reveal\(x\)/.test(e.message))
  assert.throws(() => compileContract(pair(() => ({}))), { code: 'LANG_CONTRACT_INVALID' } as object)
  assert.throws(() => compileContract(pair(({ a }) => ({ o: reveal(a.add(1.5)) }))), (e: any) => e.code === 'LANG_TYPE' && /toFixed/.test(e.message))
  assert.throws(() => compileContract(pair(({ a, b }) => ({ o: reveal(select(a.lt(b), [a], [a, b])) }))), { code: 'LANG_TYPE' } as object)
  assert.throws(() => uint(65), { code: 'LANG_TYPE' } as object)
  assert.throws(() => within(int(8), -200, 0), { code: 'LANG_TYPE' } as object)
  assert.throws(() => defineContract({ name: 'bad name!', inputs: {}, compute: () => ({}) }), { code: 'LANG_CONTRACT_INVALID' } as object)
})

test('overflow beyond the field is a compile error that explains wrap()', () => {
  const c = defineContract({ name: 'ov', inputs: { a: uint(64), b: uint(64) }, compute: ({ a, b }) => ({ o: reveal(a.mul(b)) }) })
  assert.throws(() => compileContract(c), (e: any) => e.code === 'CIRCUIT_OVERFLOW' && /128 bits/.test(e.message) && /wrap\(bits\)/.test(e.message))
  const big = defineContract({ name: 'ov', inputs: { a: uint32, b: uint32 }, compute: ({ a, b }) => ({ o: reveal(a.mul(b).mul(a).lt(a)) }) })
  assert.throws(() => compileContract(big), (e: any) => e.code === 'CIRCUIT_OVERFLOW' && /at most 64/.test(e.message))
  const w = defineContract({ name: 'ov', inputs: { a: uint32, b: uint32 }, compute: ({ a, b }) => ({ o: reveal(a.mul(b).wrap(32).mul(a).wrap(32).lt(a)) }) })
  assert.equal(compileContract(w).circuit.field, 'p127')
})

test('same contract and params: same encoding and code hash; different params: different hash', () => {
  const mk = () => defineContract({
    name: 'h', params: { n: { min: 1, max: 9 } },
    inputs: ({ n }) => ({ xs: array(fixed, n), k: int(16) }),
    compute: ({ xs, k }) => ({ o: reveal(xs.map((x) => x.mul(x).add(k))) }),
  })
  const a = compileContract(mk(), { n: 3 })
  const b = compileContract(mk(), { n: '3' })
  assert.deepEqual(a.encoding, b.encoding)
  assert.equal(a.codeHash, b.codeHash)
  assert.match(a.codeHash, /^0x[0-9a-f]{64}$/)
  assert.notEqual(compileContract(mk(), { n: 4 }).codeHash, a.codeHash)
  const decoded = decodeCircuit(a.encoding)
  assert.deepEqual(encodeCircuit(decoded), a.encoding)
  assert.equal(codeHash(decoded), a.codeHash)
  assert.throws(() => decodeCircuit(new TextEncoder().encode('{"format":"x"}')), { code: 'CIRCUIT_INVALID' } as object)
})

test('schedule: independent comparisons share a level; dependent ones do not', () => {
  const c = compileContract(defineContract({
    name: 's', inputs: { xs: array(uint32, 4) },
    compute: ({ xs }) => {
      const c1 = xs[0]!.lt(xs[1]!) // level 1
      const c2 = xs[2]!.lt(xs[3]!) // level 1, same batch as c1
      const e = xs[0]!.eq(xs[2]!) // level 1, another batch
      const m = select(c1, xs[0]!, xs[1]!) // level 2 (mul)
      const c3 = m.lt(xs[2]!) // level 3
      return { o: reveal([c2, e, c3]) }
    },
  }))
  const s = scheduleCircuit(c.circuit)
  assert.equal(s.levels.length, 3)
  assert.deepEqual(s.levels[0]!.map((b) => [b.op, b.gates.length]), [['lt', 2], ['eq', 1]])
  assert.deepEqual(s.levels[1]!.map((b) => b.op), ['mul'])
  assert.deepEqual(s.levels[2]!.map((b) => b.op), ['lt'])
  // rounds: inputs 4 + lt 8 (the eq rides in the lt call) + mul 1 + lt 8 + outputs 2 in p61
  assert.equal(c.cost.rounds, 4 + 8 + 1 + 8 + 2)
  assert.equal(c.cost.comparisons, 4)
  assert.equal(c.cost.multiplications, 1)
})
