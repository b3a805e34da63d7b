/** The stateful examples against their plaintext references, over several successive tasks. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { evaluatePlain } from '../circuit/evaluate-plain.ts'
import { compileContract } from './index.ts'
import ballot, { reference as ballotRef } from '../../examples/running-ballot.ts'
import token, { reference as tokenRef } from '../../examples/private-token.ts'

const rnd = (n: number) => Math.floor(Math.random() * n)

test('running-ballot: votes accumulate in state over many tasks; the tally is declassified only on close', () => {
  for (const [voters, candidates] of [[1, 2], [5, 3], [12, 7]] as const) {
    const open = compileContract(ballot, { voters, candidates, close: 0 }).circuit
    const close = compileContract(ballot, { voters, candidates, close: 1 }).circuit
    // The same state layout whether or not a task closes the ballot.
    assert.deepEqual(open.state!.read.map((r) => r.type), close.state!.read.map((r) => r.type))
    let state: { tally: number[]; invalid: number } | undefined
    for (let task = 0; task < 5; task++) {
      const last = task === 4
      const votes = Array.from({ length: voters }, () => (Math.random() < 0.1 ? rnd(2 ** 32) : rnd(candidates)))
      const want = ballotRef({ votes }, { candidates, close: last ? 1 : 0 }, state)
      const got = evaluatePlain(last ? close : open, { votes }, { state, checkRanges: true })
      assert.deepEqual(got.outputs, want.outputs)
      assert.deepEqual(got.state, want.state)
      state = got.state as typeof state
    }
  }
})

test('private-token: transfers move secret balances; too-large transfers fail silently; each holder sees only her balance', () => {
  const accounts = 4
  const circuit = compileContract(token, { accounts }).circuit
  assert.ok(circuit.outputs.every((o) => o.recipient === `holder${o.name.slice('balance'.length)}`), 'balances go only to their holders')
  let balances: number[] | undefined
  const steps = [
    { from: 0, to: 1, amount: 0, mint: 100 }, // mint 100 to holder 1
    { from: 1, to: 2, amount: 30, mint: 0 }, // 1 → 2: 30
    { from: 2, to: 3, amount: 31, mint: 0 }, // too large: silently nothing
    { from: 2, to: 2, amount: 5, mint: 0 }, // to self: nothing
    { from: 1, to: 0, amount: 70, mint: 2 ** 32 - 1 }, // exact balance, with a large mint to 0
    { from: 9, to: 1, amount: 0, mint: 0 }, // unknown account: nothing
  ]
  for (const s of steps) {
    const want = tokenRef(s, { accounts }, balances)
    const got = evaluatePlain(circuit, s, { state: balances ? { balances } : undefined, checkRanges: true })
    assert.deepEqual(got.state, want.state, JSON.stringify(s))
    assert.deepEqual(got.outputs, want.outputs)
    balances = (got.state as { balances: number[] }).balances
  }
  assert.deepEqual(balances, [2 ** 32 - 1 + 70, 0, 30, 0])
  for (let i = 0; i < 40; i++) {
    const s = { from: rnd(5), to: rnd(5), amount: rnd(50), mint: rnd(3) === 0 ? rnd(40) : 0 }
    const want = tokenRef(s, { accounts }, balances)
    const got = evaluatePlain(circuit, s, { state: { balances }, checkRanges: true })
    assert.deepEqual(got.state, want.state, JSON.stringify(s))
    balances = (got.state as { balances: number[] }).balances
  }
})
