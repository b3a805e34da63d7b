// The dashboard's model folds controller events into what the page shows (pure, no browser), and
// reads node metrics from Prometheus text; the server's pass-through rules let reads only.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Hex } from 'viem'
import { applyLog, emptyModel, latencies, statusOf } from './model.ts'
import { parsePrometheus, sumOf } from './prom-text.ts'
import { allowedNodePath, isReadOnlyRpc } from '../proxy-rules.ts'

const A = '0x00000000000000000000000000000000000000a1' as const
const B = '0x00000000000000000000000000000000000000b2' as const
const C = '0x00000000000000000000000000000000000000c3' as const
const TASK = `0x${'11'.repeat(32)}` as Hex
const TX = `0x${'22'.repeat(32)}` as Hex

test('a task goes open → computing (all slots filled) → completed; expired after its deadline; latency from block times', () => {
  const m = emptyModel()
  applyLog(m, { eventName: 'NodeRegistered', args: { node: A, peerId: 'pA' }, blockNumber: 1n, transactionHash: TX })
  applyLog(m, { eventName: 'NodeActivated', args: { node: A, stake: 10n }, blockNumber: 2n, transactionHash: TX })
  assert.equal(m.nodes.get(A)!.active, true)
  assert.ok(m.dirtyNodes.has(A), 'the registry entry is re-read')
  applyLog(m, { eventName: 'TaskCreated', args: { taskId: TASK, codeHash: TX, creator: B, n: 3, t: 1, securityMode: 1, deadline: 1000n, fee: 5n, committee: [A], inputSlots: [{}, {}] }, blockNumber: 5n, transactionHash: TX })
  const t = m.tasks.get(TASK)!
  assert.equal(statusOf(t, 10), 'open')
  applyLog(m, { eventName: 'InputCommitted', args: { taskId: TASK, slot: 0n }, blockNumber: 6n, transactionHash: TX })
  applyLog(m, { eventName: 'InputCommitted', args: { taskId: TASK, slot: 0n }, blockNumber: 6n, transactionHash: TX })
  assert.equal(statusOf(t, 10), 'open', 'one slot twice is still one slot')
  assert.equal(statusOf(t, 2000), 'expired')
  applyLog(m, { eventName: 'InputCommitted', args: { taskId: TASK, slot: 1n }, blockNumber: 7n, transactionHash: TX })
  assert.equal(statusOf(t, 10), 'computing')
  applyLog(m, { eventName: 'TaskCompleted', args: { taskId: TASK, signers: [A] }, blockNumber: 9n, transactionHash: TX })
  assert.equal(statusOf(t, 2000), 'completed')
  m.blockTimes.set(5n, 100).set(9n, 104)
  assert.deepEqual(latencies(m), [{ at: 104, seconds: 4 }])
  assert.equal(t.security, 'malicious')
})

test('the controller draws the committee after creation: pending until CommitteeDrawn, settled after TaskSettled', () => {
  const m = emptyModel()
  applyLog(m, { eventName: 'TaskCreated', args: { taskId: TASK, codeHash: TX, creator: B, n: 3, t: 1, securityMode: 0, deadline: 1000n, fee: 5n, inputSlots: [{}] }, blockNumber: 5n, transactionHash: TX })
  const t = m.tasks.get(TASK)!
  assert.equal(statusOf(t, 10), 'pending')
  assert.deepEqual(t.committee, [])
  applyLog(m, { eventName: 'CommitteeDrawn', args: { taskId: TASK, committee: [A, B] }, blockNumber: 7n, transactionHash: TX })
  assert.equal(statusOf(t, 10), 'open')
  assert.deepEqual(t.committee, [A, B])
  applyLog(m, { eventName: 'TaskCompleted', args: { taskId: TASK, signers: [A, B] }, blockNumber: 9n, transactionHash: TX })
  applyLog(m, { eventName: 'TaskSettled', args: { taskId: TASK }, blockNumber: 12n, transactionHash: TX })
  assert.equal(statusOf(t, 10), 'settled')
})

test('slashing marks the node; unknown record/grant, re-run and accusation events land in their sections', () => {
  const m = emptyModel()
  applyLog(m, { eventName: 'TaskCreated', args: { taskId: TASK, codeHash: TX, creator: B, n: 3, t: 1, securityMode: 0, deadline: 1000n, fee: 5n, committee: [A], inputSlots: [] }, blockNumber: 5n, transactionHash: TX })
  applyLog(m, { eventName: 'NodeSlashed', args: { node: A, taskId: TASK, reason: TX, amount: 3n, reporter: B, reward: 1n }, blockNumber: 6n, transactionHash: TX })
  assert.equal(m.nodes.get(A)!.slashed, true)
  assert.equal(m.slashes.length, 1)
  assert.equal(m.slashes[0]!.reward, 1n)
  applyLog(m, { eventName: 'NodeSuspended', args: { node: B, taskId: TASK, reason: TX, until: 99n }, blockNumber: 6n, transactionHash: TX })
  assert.equal(m.nodes.get(B)!.suspended, true)
  assert.equal(m.accusations.length, 1, 'a suspension vote is listed with the accusations')
  applyLog(m, { eventName: 'NodeUnsuspended', args: { node: B }, blockNumber: 7n, transactionHash: TX })
  assert.equal(m.nodes.get(B)!.suspended, false)
  applyLog(m, { eventName: 'TaskRerun', args: { taskId: TASK, committee: [B] }, blockNumber: 7n, transactionHash: TX })
  assert.equal(m.tasks.get(TASK)!.reruns, 1)
  assert.deepEqual(m.tasks.get(TASK)!.committee, [B])
  applyLog(m, { eventName: 'GrantSet', args: { owner: A }, blockNumber: 8n, transactionHash: TX })
  applyLog(m, { eventName: 'AccusationFiled', args: { accused: A }, blockNumber: 8n, transactionHash: TX })
  assert.deepEqual([m.records.length, m.accusations.length], [1, 2])
})

test("the controller's TaskRerun sends an open task back to a fresh draw; the records contract's events fill the records table", () => {
  const m = emptyModel()
  applyLog(m, { eventName: 'TaskCreated', args: { taskId: TASK, codeHash: TX, creator: B, n: 3, t: 1, securityMode: 1, deadline: 1000n, fee: 5n, inputSlots: [{ name: 'a', owner: A }] }, blockNumber: 5n, transactionHash: TX })
  applyLog(m, { eventName: 'CommitteeDrawn', args: { taskId: TASK, committee: [A, B] }, blockNumber: 6n, transactionHash: TX })
  assert.equal(statusOf(m.tasks.get(TASK)!, 0), 'open')
  applyLog(m, { eventName: 'TaskRerun', args: { taskId: TASK, culprit: A, reruns: 1, drawBlock: 9n }, blockNumber: 7n, transactionHash: TX })
  assert.equal(m.tasks.get(TASK)!.reruns, 1)
  assert.equal(statusOf(m.tasks.get(TASK)!, 0), 'pending')
  assert.deepEqual(m.tasks.get(TASK)!.committee, [])
  applyLog(m, { eventName: 'CommitteeDrawn', args: { taskId: TASK, committee: [B, C] }, blockNumber: 10n, transactionHash: TX })
  assert.deepEqual([statusOf(m.tasks.get(TASK)!, 0), m.tasks.get(TASK)!.committee], ['open', [B, C]])
  for (const eventName of ['RecordStored', 'AccessGranted', 'RecordUsed', 'AccessRevoked', 'RecordDeleted']) {
    applyLog(m, { eventName, args: { recordId: TX, owner: A }, blockNumber: 11n, transactionHash: TX })
  }
  assert.equal(m.records.length, 5)
  assert.equal(m.accusations.length, 0)
})

test('Prometheus text: samples with labels and escapes; tasks served sums completed tasks', () => {
  const s = parsePrometheus([
    '# HELP enigma_node_tasks_total Tasks that ended', '# TYPE enigma_node_tasks_total counter',
    'enigma_node_tasks_total{state="completed"} 3', 'enigma_node_tasks_total{state="failed"} 1',
    'enigma_node_api_requests_total{route="x\\"y",status="200"} 7', 'enigma_node_peers 4',
  ].join('\n'))
  assert.equal(sumOf(s, 'enigma_node_tasks_total', { state: 'completed' }), 3)
  assert.equal(sumOf(s, 'enigma_node_tasks_total'), 4)
  assert.equal(s.find((x) => x.name === 'enigma_node_api_requests_total')!.labels.route, 'x"y')
  assert.equal(sumOf(s, 'enigma_node_peers'), 4)
})

test('pass-through rules: reads only; never a share route', () => {
  assert.ok(isReadOnlyRpc({ method: 'eth_getLogs' }))
  assert.ok(isReadOnlyRpc([{ method: 'eth_call' }, { method: 'eth_blockNumber' }]))
  for (const bad of [{ method: 'eth_sendTransaction' }, [{ method: 'eth_call' }, { method: 'personal_sign' }], [], null, 'eth_call', { method: 'hardhat_impersonateAccount' }]) assert.equal(isReadOnlyRpc(bad), false)
  assert.equal(allowedNodePath('metrics'), 'metrics')
  assert.equal(allowedNodePath(`v1/tasks/0x${'ab'.repeat(32)}`), `v1/tasks/0x${'ab'.repeat(32)}`)
  for (const bad of [`v1/tasks/0x${'ab'.repeat(32)}/outputs/x`, `v1/tasks/0x${'ab'.repeat(32)}/inputs/a`, '../metrics', 'v1/info/..', 'v1/tasks']) assert.equal(allowedNodePath(bad), undefined, bad)
})
