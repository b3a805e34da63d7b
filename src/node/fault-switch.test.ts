/**
 * The fault-injection switch (issue #12, item 1) in process: what each protocol-level behaviour does
 * to the frames that leave a party, and that only code and the devnet can turn it on (the node's
 * configuration file and `enigma node start` refuse it).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getField } from '../field/index.ts'
import { createMemoryNetwork } from '../engine/transport-memory.ts'
import { checkConfig } from './config.ts'
import { FaultyTransport, parseFaultAssignment, tagOfLabel, FAULT_BEHAVIOURS, type FaultBehaviour } from './faults.ts'

const field = getField('p61')
const v = (...xs: bigint[]) => field.encode(field.fromBigInts(xs))

/** What parties 1 and 2 receive when party 0 (faulty) sends `payload` under `label` to both. */
async function sent(behaviour: FaultBehaviour, label: string, payload: Uint8Array, crashed?: () => void) {
  const [p0, p1, p2] = createMemoryNetwork(3, { timeoutMs: 200 })
  let injected = 0
  const t = new FaultyTransport(p0!, field, behaviour, { behaviour: () => behaviour, onInject: () => { injected++ }, onCrash: crashed })
  t.send(1, label, payload)
  t.send(2, label, payload)
  const got = await Promise.all([p1!.receive(0, label), p2!.receive(0, label)].map((p) => p.then((b) => field.toBigInts(field.decode(b)), () => null)))
  return { got, injected }
}

test('labels map to protocol tags', () => {
  assert.equal(tagOfLabel('mul-king#12'), 'mul-king')
  assert.equal(tagOfLabel('task/reshare/open#3'), 'open')
  assert.equal(tagOfLabel('reshare/deal'), 'deal')
})

test('alter-mul shifts multiplication shares to everyone and leaves openings alone', async () => {
  assert.deepEqual((await sent('alter-mul', 'mul#4', v(5n, 6n))).got, [[6n, 6n], [6n, 6n]])
  assert.deepEqual(await sent('alter-mul', 'open#5', v(5n)), { got: [[5n], [5n]], injected: 0 })
})

test('alter-open shifts opened shares; equivocate sends one peer other values than the rest', async () => {
  assert.deepEqual((await sent('alter-open', 'output#9', v(7n))).got, [[8n], [8n]])
  assert.deepEqual((await sent('alter-open', 'mul#9', v(7n))).got, [[7n], [7n]])
  assert.deepEqual((await sent('equivocate', 'open#2', v(7n))).got, [[8n], [7n]])
})

test('bad-input-reshare touches only re-sharing deals', async () => {
  assert.deepEqual((await sent('bad-input-reshare', 'reshare/deal', v(1n))).got, [[2n], [2n]])
  assert.deepEqual((await sent('bad-input-reshare', 'mul#1', v(1n))).got, [[1n], [1n]])
})

test('silent and crash stop at the first opening; crash ends the process through onCrash', async () => {
  assert.deepEqual((await sent('silent', 'prep#0', v(1n))).got, [[1n], [1n]])
  assert.deepEqual((await sent('silent', 'input-coin#1', v(1n))).got, [null, null])
  // A silent member never learns (or says) that the others gave up on it: its receives hang until its
  // computation is aborted, so it sends no "closed the session" notice before the honest deadlines.
  const [q0, q1] = createMemoryNetwork(2, { timeoutMs: 200 })
  const silent = new FaultyTransport(q0!, field, 'silent', { behaviour: () => 'silent' })
  silent.send(1, 'open#1', v(1n))
  q1!.send(0, 'open#1', v(2n))
  const ac = new AbortController()
  const pending = silent.receive(1, 'open#1', { signal: ac.signal, timeoutMs: 10 })
  const outcome = await Promise.race([pending.then(() => 'received', () => 'rejected'), new Promise((r) => setTimeout(() => r('hangs'), 200))])
  assert.equal(outcome, 'hangs')
  ac.abort(new Error('computation aborted'))
  await assert.rejects(pending, /computation aborted/)
  let crashed = 0
  assert.deepEqual((await sent('crash', 'open#1', v(1n), () => { crashed++ })).got, [null, null])
  assert.equal(crashed, 1)
})

test('the switch: `i=behaviour` parses for the devnet; the node configuration refuses it', () => {
  assert.deepEqual(parseFaultAssignment('2=alter-mul'), { index: 2, behaviour: 'alter-mul' })
  for (const b of FAULT_BEHAVIOURS) assert.equal(parseFaultAssignment(`0=${b}`).behaviour, b)
  assert.throws(() => parseFaultAssignment('2=nonsense'), { code: 'NODE_CONFIG_INVALID' })
  assert.throws(() => parseFaultAssignment('alter-mul'), { code: 'NODE_CONFIG_INVALID' })
  assert.throws(() => checkConfig({ fault: 'alter-mul' }), { code: 'NODE_CONFIG_INVALID' })
})
