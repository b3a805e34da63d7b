import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { EnigmaError, InvalidArgumentError, isEnigmaError, check } from './errors.ts'
import { Secret } from './secret.ts'

test('EnigmaError carries a stable code, short message, details and meta', () => {
  const e = new EnigmaError('MPC_TIMEOUT', 'party 2 did not answer', { details: 'step mul#3', meta: { party: 2 } })
  assert.equal(e.code, 'MPC_TIMEOUT')
  assert.equal(e.shortMessage, 'party 2 did not answer')
  assert.match(e.message, /Details: step mul#3/)
  assert.equal(e.meta.party, 2)
  assert.equal(e.toLine(), 'MPC_TIMEOUT: party 2 did not answer')
  assert.ok(isEnigmaError(e, 'MPC_TIMEOUT'))
  assert.ok(!isEnigmaError(e, 'OTHER'))
  assert.ok(!isEnigmaError(new Error('x')))
})

test('check throws InvalidArgumentError naming the function', () => {
  assert.throws(() => check(false, 'split', 'n must be ≥ 3, got 2'), (e: unknown) =>
    e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT' && /split: n must be/.test(e.message))
  check(true, 'split', 'unused')
})

test('Secret refuses string, number, JSON; inspect hides it', () => {
  const s = new Secret(42n, 'bid')
  assert.equal(s.expose(), 42n)
  assert.throws(() => String(s), { code: 'SECRET_LEAK' } as object)
  assert.throws(() => `${s}`, { code: 'SECRET_LEAK' } as object)
  assert.throws(() => +(s as unknown as number), { code: 'SECRET_LEAK' } as object)
  assert.throws(() => JSON.stringify({ s }), { code: 'SECRET_LEAK' } as object)
  assert.equal(inspect(s), '[Secret bid]')
  assert.ok(!inspect({ s }).includes('42'))
})
