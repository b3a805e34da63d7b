/**
 * The six example contracts: compiler + plaintext interpreter == plaintext reference on random inputs
 * (with every proven range checked), and their code hashes are stable across processes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { runPlain } from '../src/circuit/evaluate-plain.ts'
import { compileContract, type Contract } from 'enigma-ts'
import millionaires, { reference as millionairesRef } from './millionaires.ts'
import vickrey, { reference as vickreyRef } from './vickrey-auction.ts'
import voting, { reference as votingRef } from './voting.ts'
import salary, { reference as salaryRef } from './salary-stats.ts'
import psi, { reference as psiRef } from './psi-cardinality.ts'
import credit, { reference as creditRef } from './credit-score.ts'
import sealed, { reference as sealedRef } from './sealed-bid-auction.ts'
import bureau, { reference as bureauRef } from './credit-bureau.ts'

const rnd = (n: number) => Math.floor(Math.random() * n)
const u32 = () => (Math.random() < 0.2 ? [0, 1, 2 ** 32 - 1][rnd(3)]! : rnd(2 ** 32))
const plain = (c: Contract<any, any>, params: Record<string, number>, inputs: unknown) =>
  runPlain(compileContract(c, params).circuit, inputs, { checkRanges: true })

test('millionaires', () => {
  for (let i = 0; i < 30; i++) {
    const alice = u32()
    const bob = i % 4 === 0 ? alice : u32()
    assert.deepEqual(plain(millionaires, {}, { alice, bob }), millionairesRef({ alice, bob }))
  }
})

test('vickrey-auction (ties, 2…40 bidders)', () => {
  for (const bidders of [2, 3, 5, 8, 13, 40]) {
    for (let i = 0; i < 4; i++) {
      const bids = Array.from({ length: bidders }, () => (i % 2 ? rnd(5) : u32()))
      assert.deepEqual(plain(vickrey, { bidders }, { bids }), vickreyRef({ bids }), JSON.stringify(bids))
    }
  }
})

test('sealed-bid-auction: bids above their deposit count as 0, ties to the lowest index at the tied bid, nothing valid = not sold', () => {
  const run = (bids: { amount: number; deposit: number }[]) => plain(sealed, { bidders: bids.length }, { bids })
  // Known answers: the rules of docs/dapps.md, one case each.
  const cases: [{ amount: number; deposit: number }[], { winner: number; price: number; sold: boolean }][] = [
    [[{ amount: 10, deposit: 10 }, { amount: 30, deposit: 50 }, { amount: 20, deposit: 20 }], { winner: 1, price: 20, sold: true }],
    // bidder 1 bids 90 with a deposit of 50: invalid, so bidder 2 wins at bidder 0's price
    [[{ amount: 10, deposit: 10 }, { amount: 90, deposit: 50 }, { amount: 20, deposit: 20 }], { winner: 2, price: 10, sold: true }],
    // a tie between 1 and 3: the lower index wins and pays the tied bid
    [[{ amount: 5, deposit: 9 }, { amount: 40, deposit: 40 }, { amount: 7, deposit: 9 }, { amount: 40, deposit: 99 }], { winner: 1, price: 40, sold: true }],
    // one valid bid: it wins at 0 (no other valid bid)
    [[{ amount: 0, deposit: 10 }, { amount: 11, deposit: 10 }, { amount: 3, deposit: 4 }], { winner: 2, price: 0, sold: true }],
    // nothing valid: not sold
    [[{ amount: 0, deposit: 10 }, { amount: 11, deposit: 10 }], { winner: 0, price: 0, sold: false }],
  ]
  for (const [bids, want] of cases) {
    assert.deepEqual(run(bids), { ...want, deposits: bids.map((b) => b.deposit) }, JSON.stringify(bids))
    assert.deepEqual(sealedRef({ bids }), { ...want, deposits: bids.map((b) => b.deposit) })
  }
  for (const bidders of [2, 3, 5, 8, 13, 50]) {
    for (let i = 0; i < 4; i++) {
      const bids = Array.from({ length: bidders }, () => {
        const deposit = i % 2 ? rnd(6) : u32()
        return { amount: Math.random() < 0.3 ? deposit + (i % 2 ? rnd(3) : 0) : (i % 2 ? rnd(6) : u32()), deposit }
      }).map((b) => ({ ...b, amount: Math.min(b.amount, 2 ** 32 - 1) }))
      assert.deepEqual(run(bids), sealedRef({ bids }), JSON.stringify(bids))
    }
  }
})

test('voting (invalid votes, 1…50 voters, 2…16 candidates)', () => {
  for (const [voters, candidates] of [[1, 2], [7, 3], [50, 16], [20, 5]] as const) {
    for (let i = 0; i < 3; i++) {
      const votes = Array.from({ length: voters }, () => (Math.random() < 0.15 ? u32() : rnd(candidates)))
      assert.deepEqual(plain(voting, { voters, candidates }, { votes }), votingRef({ votes }, { candidates }))
    }
  }
})

test('salary-stats (1…33 employees)', () => {
  for (const employees of [1, 2, 3, 10, 16, 33]) {
    for (let i = 0; i < 3; i++) {
      const salaries = Array.from({ length: employees }, () => (i === 0 ? rnd(10) : u32()))
      assert.deepEqual(plain(salary, { employees }, { salaries }), salaryRef({ salaries }), JSON.stringify(salaries))
    }
  }
})

test('psi-cardinality (distinct sets, 1…30 elements)', () => {
  const distinct = (n: number, range: number) => {
    const s = new Set<number>()
    while (s.size < n) s.add(rnd(range))
    return [...s]
  }
  for (const [sizeA, sizeB] of [[1, 1], [5, 9], [30, 20]] as const) {
    for (let i = 0; i < 3; i++) {
      const range = i === 0 ? 2 ** 32 : 40
      const setA = distinct(sizeA, Math.max(range, sizeA))
      const setB = distinct(sizeB, Math.max(range, sizeB))
      assert.deepEqual(plain(psi, { sizeA, sizeB }, { setA, setB }), psiRef({ setA, setB }))
    }
  }
})

test('credit-score (score within 0.01, approval exact away from 0)', () => {
  const dec = () => Math.round((Math.random() * 200 - 100) * 1e4) / 1e4
  for (const features of [1, 4, 64]) {
    for (let i = 0; i < 8; i++) {
      const small = i % 2 === 0 // keep z near the sigmoid's interesting range sometimes
      const x = Array.from({ length: features }, () => (small ? dec() / 100 : dec()))
      const w = Array.from({ length: features }, () => (small ? dec() / 100 : dec()))
      const bias = dec() / (small ? 10 : 1)
      const got = plain(credit, { features }, { x, w, bias }) as { approved: boolean; score: number }
      const want = creditRef({ x, w, bias })
      assert.ok(Math.abs(got.score - want.score) <= 0.01, `score ${got.score} vs ${want.score}`)
      if (Math.abs(want.z) > 1e-3) assert.equal(got.approved, want.approved)
    }
  }
})

test('code hashes are the same in another process', () => {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const script = `
    import { compileContract } from './src/lang/index.ts'
    const m = await import('./examples/vickrey-auction.ts')
    const c = await import('./examples/credit-score.ts')
    console.log(compileContract(m.default, { bidders: 7 }).codeHash + ' ' + compileContract(c.default, { features: 3 }).codeHash)`
  const out = execFileSync(process.execPath, ['--conditions=enigma-source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: `${here}..`, encoding: 'utf8' }).trim()
  assert.equal(out, `${compileContract(vickrey, { bidders: 7 }).codeHash} ${compileContract(credit, { features: 3 }).codeHash}`)
})

test('golden code hash: millionaires (changes only with a deliberate IR or encoding change)', () => {
  assert.equal(compileContract(millionaires).codeHash, GOLDEN_MILLIONAIRES)
})
const GOLDEN_MILLIONAIRES = '0x1634a57b0634db4d9ae9e6a208b8d6e69b2393da359947b695c88e9c178d6085'

test('largest params compile within the protocols\' limits (vickrey 1000, voting 1000×16, credit 64)', () => {
  const v = compileContract(vickrey, { bidders: 1000 }).cost
  assert.equal(v.field, 'p61')
  assert.ok(v.levels <= 40, `levels ${v.levels}`)
  const t = compileContract(voting, { voters: 1000, candidates: 16 }).cost
  assert.deepEqual([t.field, t.levels, t.comparisons], ['p61', 1, 16000])
  const c = compileContract(credit, { features: 64 }).cost
  assert.deepEqual([c.field, c.truncations], ['p127', 2])
})

test('credit-bureau: the lender sees one decision per applicant, equal to the plaintext rule (edges included)', () => {
  // Known answers at the edges of both conditions (income = minIncome, 100·debts = ratio·income).
  const policy = { minIncome: 30_000, maxDebtPercent: 40 }
  const people = [
    { income: 30_000, debts: 12_000 }, // both exactly at the limit: approved
    { income: 29_999, debts: 0 }, // one short of the income floor
    { income: 50_000, debts: 20_001 }, // one over the debt ratio
    { income: 2 ** 32 - 1, debts: 2 ** 32 - 1 }, // extremes of uint32
    { income: 0, debts: 0 },
  ]
  const want = { approved: [true, false, false, false, false] }
  assert.deepEqual(bureauRef({ people, policy }), want)
  assert.deepEqual(plain(bureau, { applicants: people.length }, { people, policy }), want)
  for (const applicants of [1, 3, 8]) {
    for (let i = 0; i < 6; i++) {
      const ps = Array.from({ length: applicants }, () => ({ income: u32(), debts: i % 2 ? rnd(2 ** 20) : u32() }))
      const pol = { minIncome: i % 3 ? rnd(2 ** 20) : u32(), maxDebtPercent: rnd(101) }
      assert.deepEqual(plain(bureau, { applicants }, { people: ps, policy: pol }), bureauRef({ people: ps, policy: pol }), JSON.stringify({ ps, pol }))
    }
  }
})
