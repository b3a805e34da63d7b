import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runContract, runContractPlain } from 'enigma-ts/testing'
import teamSalaries, { reference } from '../contracts/team-salaries.ts'

const randomSalaries = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 2 ** 32))

test('the compiled contract equals its plaintext reference', () => {
  for (const members of [2, 3, 10]) {
    const salaries = randomSalaries(members)
    assert.deepEqual(runContractPlain(teamSalaries, { params: { members }, inputs: { salaries } }), reference({ salaries }))
  }
})

test('3 parties compute it on secret shares (in this process) and agree with the reference', async () => {
  const salaries = randomSalaries(4)
  const r = await runContract(teamSalaries, { params: { members: 4 }, inputs: { salaries }, nodes: 3 })
  assert.deepEqual(r.outputs, reference({ salaries }))
})
