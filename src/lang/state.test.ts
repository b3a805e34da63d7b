/** Persistent contract state: declaration, tracing, the code hash, the plaintext reference across tasks. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeCircuit, encodeCircuit } from '../circuit/encode.ts'
import { evaluatePlain } from '../circuit/evaluate-plain.ts'
import { costOf } from '../circuit/cost.ts'
import { STATE_READ_ROUNDS } from '../circuit/cost-table.ts'
import { array, compileContract, defineContract, persist, reveal, revealTo, select, uint, uint32, sbool, fixed } from './index.ts'

const counter = (bits = 32) => defineContract({
  name: 'counter',
  inputs: { x: uint32 },
  state: { total: uint(bits) },
  compute: ({ x }, _p, { total }) => {
    const next = total.add(x)
    return { seen: reveal(x.gt(0)), state: persist({ total: next.wrap(bits) }) }
  },
})

test('a stateful contract carries its state in the circuit; successive tasks accumulate (plaintext reference)', () => {
  const { circuit, cost } = compileContract(counter())
  assert.ok(circuit.state)
  assert.deepEqual(circuit.state.read.map((r) => r.name), ['total'])
  assert.equal(cost.stateSlots, 1)
  let state: unknown
  for (const [x, want] of [[5, 5], [7, 12], [2 ** 32 - 1, 11]] as const) {
    const r = evaluatePlain(circuit, { x }, { state, checkRanges: true })
    assert.deepEqual(r.state, { total: want })
    state = r.state
  }
  // Before the first task the state is zero.
  assert.deepEqual(evaluatePlain(circuit, { x: 3 }).state, { total: 3 })
})

test('the code hash covers the state declaration; stateless circuits do not mention state', () => {
  assert.notEqual(compileContract(counter(32)).codeHash, compileContract(counter(16)).codeHash)
  const stateless = defineContract({ name: 's', inputs: { x: uint32 }, compute: ({ x }) => ({ y: reveal(x.add(1)) }) })
  const bytes = new TextDecoder().decode(compileContract(stateless).encoding)
  assert.ok(!bytes.includes('"state"'))
  const c = compileContract(counter())
  assert.deepEqual(decodeCircuit(encodeCircuit(c.circuit)), c.circuit)
})

test('omitting state in the result keeps the state as it was; a contract may declassify part of it', () => {
  const c = compileContract(defineContract({
    name: 'keep',
    inputs: { open: sbool },
    state: { secret: uint32, log: array(uint32, 2) },
    compute: ({ open }, _p, { secret }) => ({ shown: reveal(secret.mul(open.toInt())) }),
  }))
  const r = evaluatePlain(c.circuit, { open: true }, { state: { secret: 42, log: [1, 2] } })
  assert.deepEqual(r.state, { secret: 42, log: [1, 2] })
  assert.deepEqual(r.outputs, { shown: 42 })
})

test('next state: object fields in any order, constants allowed, fixed point kept', () => {
  const c = compileContract(defineContract({
    name: 'mixed',
    inputs: { x: fixed },
    state: { a: fixed, b: uint32, flag: sbool },
    compute: ({ x }, _p, { a }) => ({ out: revealTo('owner', x), state: persist({ flag: true, b: 7, a: select(x.gt(a), x, a) }) }),
  }))
  const r = evaluatePlain(c.circuit, { x: 1.5 }, { state: { a: 1, b: 0, flag: false } })
  assert.deepEqual(r.state, { a: 1.5, b: 7, flag: true })
})

test('malformed state use is a compile error that says what to do', () => {
  const base = { name: 'bad', inputs: { x: uint32 } }
  const invalid = (re: RegExp) => (e: any) => e.code === 'LANG_CONTRACT_INVALID' && re.test(e.message)
  assert.throws(() => compileContract(defineContract({ ...base, compute: ({ x }) => ({ state: persist({ t: x }) }) })), invalid(/declares no state/))
  assert.throws(() => compileContract(defineContract({ ...base, state: { t: uint32 }, compute: ({ x }) => ({ next: persist({ t: x }) }) })), invalid(/under the key 'state'/))
  assert.throws(() => compileContract(defineContract({ ...base, state: { t: uint32 }, compute: ({ x }) => ({ state: persist({}) }) })), invalid(/state.t is missing/))
  assert.throws(() => compileContract(defineContract({ ...base, state: { t: uint32 }, compute: ({ x }) => ({ state: persist({ t: x, u: x }) }) })), invalid(/has u/))
  // An update that can overflow the declared type: refused, with the fix in the details.
  assert.throws(
    () => compileContract(defineContract({ ...base, state: { t: uint32 }, compute: ({ x }, _p, { t }) => ({ state: persist({ t: t.add(x) }) }) })),
    (e: any) => e.code === 'LANG_CONTRACT_INVALID' && /outside the declared uint32/.test(e.message) && /wrap/.test(e.details),
  )
  assert.throws(() => compileContract(defineContract({ ...base, state: { t: sbool }, compute: ({ x }) => ({ state: persist({ t: x }) }) })), invalid(/expected an sbool/))
  assert.throws(() => compileContract(defineContract({ ...base, state: {}, compute: ({ x }) => ({ y: reveal(x) }) })), invalid(/at least one field/))
})

test('the cost report counts reading and writing the state: rounds of the hand-off, elements both ways', () => {
  for (const security of ['semi-honest', 'malicious'] as const) {
    const { circuit, cost } = compileContract(counter(), {}, { security })
    // The same gates without the state declaration: what the state itself adds.
    const { state: _, ...gatesOnly } = circuit
    const without = costOf(gatesOnly, { security })
    assert.equal(cost.rounds, without.rounds + STATE_READ_ROUNDS[security], security)
    assert.ok(cost.bytesPerParty > without.bytesPerParty, security)
    assert.equal(cost.stateSlots, 1)
  }
})
