/**
 * The secure runner against the plaintext references: the six examples on random inputs, both
 * security modes, in-memory transport; one run over TCP with one process per party.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileContract, type Contract } from '../lang/index.ts'
import { runPlain } from '../circuit/evaluate-plain.ts'
import { runCircuitLocal } from './run-circuit-local.ts'
import { mergeBatches } from './run-circuit.ts'
import millionaires, { reference as millionairesRef } from '../../examples/millionaires.ts'
import vickrey, { reference as vickreyRef } from '../../examples/vickrey-auction.ts'
import voting, { reference as votingRef } from '../../examples/voting.ts'
import salary, { reference as salaryRef } from '../../examples/salary-stats.ts'
import psi, { reference as psiRef } from '../../examples/psi-cardinality.ts'
import credit, { reference as creditRef } from '../../examples/credit-score.ts'

const rnd = (n: number) => Math.floor(Math.random() * n)
const u32 = () => (Math.random() < 0.2 ? [0, 1, 2 ** 32 - 1][rnd(3)]! : rnd(2 ** 32))
const MODES = ['semi-honest', 'malicious'] as const

async function secure(c: Contract<any, any>, params: Record<string, number>, inputs: unknown, security: (typeof MODES)[number], nodes = 5) {
  const { circuit } = compileContract(c, params)
  const r = await runCircuitLocal({ circuit, inputs, nodes, threshold: Math.floor((nodes - 1) / 2), security, transport: 'memory' })
  // The secure run must agree with the compiler's plaintext interpreter too.
  return { got: r.outputs, plain: runPlain(circuit, inputs), stats: r.stats }
}

for (const security of MODES) {
  test(`millionaires, vickrey, voting, psi: secure == reference (${security})`, async () => {
    for (let i = 0; i < 2; i++) {
      const alice = u32()
      const bob = i ? alice : u32()
      assert.deepEqual((await secure(millionaires, {}, { alice, bob }, security, 3)).got, millionairesRef({ alice, bob }))
      const bids = Array.from({ length: 6 }, () => (i ? rnd(4) : u32()))
      assert.deepEqual((await secure(vickrey, { bidders: 6 }, { bids }, security)).got, vickreyRef({ bids }))
      const votes = Array.from({ length: 7 }, () => (Math.random() < 0.2 ? u32() : rnd(4)))
      assert.deepEqual((await secure(voting, { voters: 7, candidates: 4 }, { votes }, security)).got, votingRef({ votes }, { candidates: 4 }))
      const setA = [...new Set(Array.from({ length: 5 }, () => rnd(12)))]
      const setB = [...new Set(Array.from({ length: 6 }, () => rnd(12)))]
      assert.deepEqual((await secure(psi, { sizeA: setA.length, sizeB: setB.length }, { setA, setB }, security)).got, psiRef({ setA, setB }))
    }
  })

  test(`salary-stats: secure == reference (${security})`, async () => {
    const salaries = Array.from({ length: 7 }, () => u32())
    assert.deepEqual((await secure(salary, { employees: 7 }, { salaries }, security)).got, salaryRef({ salaries }))
  })

  test(`credit-score: secure == reference within 0.01 (${security})`, async () => {
    const dec = () => Math.round((Math.random() * 2 - 1) * 1e4) / 1e4
    const x = Array.from({ length: 4 }, dec)
    const w = Array.from({ length: 4 }, dec)
    const bias = dec()
    const { got } = await secure(credit, { features: 4 }, { x, w, bias }, security)
    const want = creditRef({ x, w, bias })
    assert.ok(Math.abs((got.score as number) - want.score) <= 0.01)
    if (Math.abs(want.z) > 1e-3) assert.equal(got.approved, want.approved)
  })
}

test('comparisons of different widths in one level merge into one protocol call', () => {
  const merged = mergeBatches([
    { op: 'lt', attrs: [32n, 0n], gates: [3, 5] },
    { op: 'lt', attrs: [9n, 1n], gates: [4] },
    { op: 'mul', attrs: [], gates: [6] },
  ])
  assert.deepEqual(merged.map((g) => [g.op, g.attrs, g.gates]), [['lt', [33n, 1n], [3, 4, 5]], ['mul', [], [6]]])
  const withEq = mergeBatches([{ op: 'lt', attrs: [32n, 0n], gates: [3] }, { op: 'eq', attrs: [8n, 0n], gates: [4] }])
  assert.deepEqual(withEq.map((g) => [g.op, g.attrs, g.gates, g.eqGates]), [['lt', [32n, 0n], [3], [4]]])
})

test('over TCP, one process per party (malicious)', async () => {
  const { circuit } = compileContract(vickrey, { bidders: 3 })
  const r = await runCircuitLocal({ circuit, inputs: { bids: [7, 3, 7] }, nodes: 3, threshold: 1, security: 'malicious', transport: 'tcp' })
  assert.deepEqual(r.outputs, { winner: 0, price: 7 })
  assert.ok(r.stats.bytesPerParty > 0 && r.stats.rounds > 0)
})

test('every operation: secure run == plaintext interpreter (semi-honest and malicious)', async () => {
  const { defineContract, reveal, revealTo, select, sort, readAt, writeAt, argmax, dot, sigmoid, uint32, int, fixed, array, sbool } = await import('../lang/index.ts')
  const all = defineContract({
    name: 'all-ops',
    inputs: { a: uint32, b: uint32, s: int(16), t: int(16), f: fixed, g: fixed, p: sbool, xs: array(uint32, 5), i: uint32 },
    compute: ({ a, b, s, t, f, g, p, xs, i }) => ({
      arith: reveal([a.add(b), a.sub(b), a.mul(b).wrap(32), s.mul(t), s.neg()]),
      cmp: reveal([a.lt(b), a.le(b), s.gt(t), s.ge(t), a.eq(b), s.ne(t)]),
      div: reveal([a.div(b), a.mod(b), s.div(t), s.mod(t), a.div(7), s.mod(5), a.wrap(8), s.wrap(8, true)]),
      bools: reveal([p.and(a.lt(b)), p.or(a.lt(b)), p.not(), p.xor(s.lt(t))]),
      sel: reveal(select(p, a, b)),
      lists: reveal([...sort(xs), argmax(xs), readAt(xs, i), ...writeAt(xs, i, a)]),
      fixedOps: reveal([f.mul(g), f.div(g), f.div(3), f.add(s), dot([f, g], [g, f]), sigmoid(f)]),
      mine: revealTo('alice', f.lt(g)),
    }),
  })
  const { circuit } = compileContract(all)
  const inputs = { a: 1234567, b: 89, s: -300, t: 7, f: 2.5, g: -1.25, p: true, xs: [5, 1, 9, 1, 7], i: 2 }
  const plain = runPlain(circuit, inputs) as Record<string, any>
  for (const security of MODES) {
    const r = await runCircuitLocal({ circuit, inputs, nodes: 3, threshold: 1, security, transport: 'memory' })
    const got = r.outputs as Record<string, any>
    for (const k of ['arith', 'cmp', 'div', 'bools', 'sel', 'lists', 'mine']) assert.deepEqual(got[k], plain[k], `${k} (${security})`)
    // Fixed point: probabilistic truncation may round the last bit either way.
    got.fixedOps.forEach((v: number, j: number) => assert.ok(Math.abs(v - plain.fixedOps[j]) <= 4 * 2 ** -16, `fixedOps[${j}] ${v} vs ${plain.fixedOps[j]}`))
  }
})
