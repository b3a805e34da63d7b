import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryNetwork } from './transport-memory.ts'
import { transportContractSuite } from './transport-contract-suite.ts'
import { isEnigmaError } from '../common/errors.ts'

transportContractSuite('memory', async (n, options) => createMemoryNetwork(n, options))

test('memory: send never delivers synchronously', async () => {
  const [a, b] = createMemoryNetwork(2)
  let got = false
  void b!.receive(0, 'x').then(() => { got = true })
  a!.send(1, 'x', Uint8Array.of(1))
  assert.equal(got, false)
  await new Promise((r) => setImmediate(r))
  assert.equal(got, true)
})

test('memory: the tamper hook can modify or drop frames', async () => {
  const seen: string[] = []
  const ts = createMemoryNetwork(3, {
    timeoutMs: 100,
    tamper: (from, to, label, payload) => {
      seen.push(`${from}->${to}:${label}`)
      if (label === 'drop') return null
      if (from === 2) return Uint8Array.of(payload[0]! ^ 1)
      return undefined
    },
  })
  ts[0]!.send(1, 'keep', Uint8Array.of(4))
  ts[2]!.send(1, 'flip', Uint8Array.of(4))
  ts[0]!.send(1, 'drop', Uint8Array.of(4))
  assert.deepEqual(await ts[1]!.receive(0, 'keep'), Uint8Array.of(4))
  assert.deepEqual(await ts[1]!.receive(2, 'flip'), Uint8Array.of(5))
  await assert.rejects(ts[1]!.receive(0, 'drop'), (e) => isEnigmaError(e, 'MPC_TIMEOUT'))
  assert.deepEqual(seen, ['0->1:keep', '2->1:flip', '0->1:drop'])
})

test('memory: a silenced party sends nothing; others time out naming it', async () => {
  const ts = createMemoryNetwork(3, { timeoutMs: 80, silent: [2] })
  ts[2]!.send(0, 'x', Uint8Array.of(1))
  await assert.rejects(ts[0]!.receive(2, 'x'), (e) => isEnigmaError(e, 'MPC_TIMEOUT') && e.meta.party === 2)
  ts[2]!.setSilent(false)
  ts[2]!.send(0, 'y', Uint8Array.of(1))
  assert.deepEqual(await ts[0]!.receive(2, 'y'), Uint8Array.of(1))
  ts[0]!.setSilent(true)
  ts[0]!.send(1, 'z', Uint8Array.of(1))
  await assert.rejects(ts[1]!.receive(0, 'z'), (e) => isEnigmaError(e, 'MPC_TIMEOUT') && e.meta.party === 0)
  assert.equal(ts[0]!.stats.framesSent, 1)
})

test('memory: the receiver cannot mutate the sender buffer', async () => {
  const [a, b] = createMemoryNetwork(2)
  const buf = Uint8Array.of(1, 2, 3)
  a!.send(1, 'x', buf)
  const got = await b!.receive(0, 'x')
  got[0] = 99
  assert.equal(buf[0], 1)
})
