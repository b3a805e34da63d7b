// checkDeclaredCost (issue #10 point 7): a node refuses a chain task priced below its circuit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkDeclaredCost, checkRecipients, checkTaskSpec } from './task-spec-check.ts'

const taskId = `0x${'11'.repeat(32)}` as const

test('a task declared at or above the circuit cost passes; below it, in either dimension, is refused', () => {
  const circuit = { multiplications: 1000, rounds: 20 }
  checkDeclaredCost({ taskId, declaredCost: { multiplications: 1000, rounds: 20 } }, circuit)
  checkDeclaredCost({ taskId, declaredCost: { multiplications: 5000, rounds: 99 } }, circuit)
  checkDeclaredCost({ taskId }, circuit) // file-source tasks carry no declared cost
  assert.throws(() => checkDeclaredCost({ taskId, declaredCost: { multiplications: 0, rounds: 20 } }, circuit), { code: 'NODE_CIRCUIT_MISMATCH' })
  assert.throws(() => checkDeclaredCost({ taskId, declaredCost: { multiplications: 1000, rounds: 19 } }, circuit), { code: 'NODE_CIRCUIT_MISMATCH' })
})

// checkRecipients: a chain task's recipients (TaskCreated) must be exactly the circuit's revealTo names,
// refused before any work with a message that says what to pass, not after the computation.
test('recipients must match the revealTo outputs: a missing, extra or inherited name is refused before any work', () => {
  const circuit = { outputs: [{ name: 'sum', recipient: 'alice' }, { name: 'gap', recipient: 'alice' }, { name: 'bigger', recipient: null }] }
  const key = `0x${'ab'.repeat(32)}` as const
  checkRecipients({ taskId, recipients: { alice: key } }, circuit)
  checkRecipients({ taskId }, { outputs: [{ name: 'bigger', recipient: null }] })
  assert.throws(() => checkRecipients({ taskId }, circuit), { code: 'NODE_CIRCUIT_MISMATCH', message: /no key for recipient 'alice' of output 'sum'.*recipients \{ alice: / })
  assert.throws(() => checkRecipients({ taskId, recipients: { alicia: key } }, circuit), { code: 'NODE_CIRCUIT_MISMATCH', message: /no key for recipient 'alice'/ })
  assert.throws(() => checkRecipients({ taskId, recipients: { alice: key, bob: key } }, circuit), { code: 'NODE_CIRCUIT_MISMATCH', message: /does not reveal to: 'bob' \(its revealTo recipients: 'alice'\)/ })
  // A recipient named like an Object.prototype member is not "given" by the prototype.
  assert.throws(() => checkRecipients({ taskId, recipients: {} }, { outputs: [{ name: 'x', recipient: 'toString' }] }), { code: 'NODE_CIRCUIT_MISMATCH' })
})

test('a file task spec with a malformed recipient key is refused', () => {
  const spec = {
    taskId, codeHash: taskId, paramsHash: taskId, params: {}, n: 3, t: 1, security: 'semi-honest', deadline: 1,
    committee: [0, 1, 2].map((index) => ({ index, peerId: `12D3KooW${'A'.repeat(44)}${'abc'[index]}`, encryptionKey: taskId, account: `0x${'12'.repeat(20)}`, multiaddrs: [] })),
    inputSlots: [{ name: 'a', owner: `0x${'12'.repeat(20)}` }],
  }
  checkTaskSpec({ ...spec, recipients: { alice: taskId } })
  assert.throws(() => checkTaskSpec({ ...spec, recipients: { alice: '0x1234' } }), { code: 'NODE_CONFIG_INVALID', message: /recipient alice key must be 32-byte hex/ })
  assert.throws(() => checkTaskSpec({ ...spec, recipients: 'alice' }), { code: 'NODE_CONFIG_INVALID' })
})
