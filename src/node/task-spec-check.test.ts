// checkDeclaredCost (issue #10 point 7): a node refuses a chain task priced below its circuit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkDeclaredCost } from './task-spec-check.ts'

const taskId = `0x${'11'.repeat(32)}` as const

test('a task declared at or above the circuit cost passes; below it, in either dimension, is refused', () => {
  const circuit = { multiplications: 1000, rounds: 20 }
  checkDeclaredCost({ taskId, declaredCost: { multiplications: 1000, rounds: 20 } }, circuit)
  checkDeclaredCost({ taskId, declaredCost: { multiplications: 5000, rounds: 99 } }, circuit)
  checkDeclaredCost({ taskId }, circuit) // file-source tasks carry no declared cost
  assert.throws(() => checkDeclaredCost({ taskId, declaredCost: { multiplications: 0, rounds: 20 } }, circuit), { code: 'NODE_CIRCUIT_MISMATCH' })
  assert.throws(() => checkDeclaredCost({ taskId, declaredCost: { multiplications: 1000, rounds: 19 } }, circuit), { code: 'NODE_CIRCUIT_MISMATCH' })
})
