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
})

test('over TCP, one process per party (malicious)', async () => {
  const { circuit } = compileContract(vickrey, { bidders: 3 })
  const r = await runCircuitLocal({ circuit, inputs: { bids: [7, 3, 7] }, nodes: 3, threshold: 1, security: 'malicious', transport: 'tcp' })
  assert.deepEqual(r.outputs, { winner: 0, price: 7 })
  assert.ok(r.stats.bytesPerParty > 0 && r.stats.rounds > 0)
})
