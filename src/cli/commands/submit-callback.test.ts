import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseCallbackFlags } from './submit.ts'

test('--callback <address>:<signature> and --callback-gas', () => {
  const target = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
  assert.equal(parseCallbackFlags(undefined, undefined), undefined)
  assert.deepEqual(parseCallbackFlags(`${target}:onResult(bytes32,bytes)`, undefined), { target, function: 'onResult(bytes32,bytes)' })
  assert.deepEqual(parseCallbackFlags(`${target}:onResult(bytes32, bytes)`, '300000'), { target, function: 'onResult(bytes32,bytes)', gasLimit: 300_000 })
  assert.deepEqual(parseCallbackFlags(`${target}:0x12345678`, undefined), { target, function: '0x12345678' })
  for (const [spec, gas, message] of [
    [undefined, '1000', /--callback-gas needs --callback/],
    ['onResult(bytes32,bytes)', undefined, /<address>:<signature>/],
    ['0x1234:onResult(bytes32,bytes)', undefined, /<address>:<signature>/],
    [`${target}:onResult(uint256)`, undefined, /\(bytes32,bytes\)/],
    [`${target}:onResult(bytes32,bytes)`, '0', /positive integer/],
    [`${target}:onResult(bytes32,bytes)`, '1e6', /positive integer/],
  ] as const) {
    assert.throws(() => parseCallbackFlags(spec, gas), (e: Error) => message.test(e.message), `${spec} ${gas}`)
  }
})
