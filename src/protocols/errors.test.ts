/** Failure behaviour of the protocol layer: silent parties, bad arguments. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../field/index.ts'
import { isEnigmaError } from '../common/errors.ts'
import { createMemoryNetwork } from '../engine/transport-memory.ts'
import { runParties, runPartiesSettled } from './harness.test-util.ts'
import { createSession, input, mul, output, lt, openRaw } from './index.ts'

const f = p61

test('a silent party ends the run with MPC_TIMEOUT naming it, never a hang', async () => {
  for (const security of ['semi-honest', 'malicious'] as const) {
    const started = Date.now()
    const results = await runPartiesSettled({ field: f, n: 3, t: 1, security, silent: [2], timeoutMs: 400 }, async (s) => {
      const x = await input(s, 0, s.self === 0 ? f.fromBigInts([3n, 4n]) : null, 2)
      return f.toBigInts(await output(s, await mul(s, x, x)))
    })
    assert.ok(Date.now() - started < 5000, 'ended promptly')
    for (const p of [0, 1]) {
      const r = results[p]!
      assert.equal(r.status, 'rejected')
      const e = (r as PromiseRejectedResult).reason
      assert.ok(isEnigmaError(e, 'MPC_TIMEOUT') || isEnigmaError(e, 'MPC_PEER_DISCONNECTED'), String(e))
      if (isEnigmaError(e, 'MPC_TIMEOUT')) assert.equal(e.meta.party, 2)
    }
  }
})

test('session parameters are validated with clear messages', () => {
  const ts = createMemoryNetwork(4)
  assert.throws(() => createSession({ field: f, n: 4, t: 2, transport: ts[0]!, security: 'semi-honest' }), /t < n\/2/)
  assert.throws(() => createSession({ field: f, n: 2, t: 1, transport: createMemoryNetwork(2)[0]!, security: 'semi-honest' }), /n ≥ 3/)
  assert.throws(() => createSession({ field: f, n: 3, t: 1, transport: ts[0]!, security: 'semi-honest' }), /transport has 4 parties/)
  assert.throws(() => createSession({ field: f, n: 4, t: 1, transport: ts[0]!, security: 'paranoid' as never }), /security must be/)
})

test('bad arguments to protocol functions are INVALID_ARGUMENT errors', async () => {
  await runParties({ field: f, n: 3, t: 1, security: 'semi-honest' }, async (s) => {
    await assert.rejects(input(s, 5, null, 2), /dealer must be a party index/)
    if (s.self === 0) await assert.rejects(input(s, 0, f.fromBigInts([1n]), 2), /exactly 2 values/)
    await assert.rejects(mul(s, { v: f.zeros(2), m: undefined }, { v: f.zeros(3), m: undefined }), /lengths differ/)
    await assert.rejects(lt(s, { v: f.zeros(1), m: undefined }, { v: f.zeros(1), m: undefined }, { bits: 0 }), /bits must be/)
    await assert.rejects(lt(s, { v: f.zeros(1), m: undefined }, { v: f.zeros(1), m: undefined }, { bits: 60 }), { code: 'MPC_UNSUPPORTED' })
    return null
  })
})

test('a party that sends a malformed frame (wrong length or element ≥ p) is named', async () => {
  const bad = new Uint8Array(8).fill(0xff) // 2^64 − 1 ≥ p
  for (const payload of [new Uint8Array(3), bad]) {
    const results = await runPartiesSettled({
      field: f, n: 3, t: 1, security: 'semi-honest', timeoutMs: 1000,
      tamper: (from, _to, label) => (from === 1 && label.startsWith('open') ? payload : undefined),
    }, async (s) => {
      const x = await input(s, 0, s.self === 0 ? f.fromBigInts([9n]) : null, 1)
      return f.toBigInts(await openRaw(s, x.v, s.t))
    })
    const named = results.filter((r) => r.status === 'rejected' && isEnigmaError((r as PromiseRejectedResult).reason, 'MPC_CHEATING_DETECTED'))
    assert.ok(named.length > 0)
    for (const r of named) assert.deepEqual((r as PromiseRejectedResult).reason.meta.parties, [1])
  }
})
