// The node's metrics on prom-client keep issue #4's names, types, labels and buckets (a dashboard
// built on the old exposition keeps working), read gauges at scrape time, survive a node restart
// (collectors registered twice), and keep two nodes in one process apart.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeMetrics } from './metrics.ts'

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

test('every metric of issue #4 keeps its name, type and labels', async () => {
  const m = nodeMetrics(undefined, { defaultMetrics: false })
  let peers = 3
  m.peers(() => [[{}, peers]])
  m.tasksByState(() => [[{ state: 'completed' }, 2], [{ state: 'waiting-inputs' }, 1]])
  m.mpcBytes(() => [[{ direction: 'sent' }, 100], [{ direction: 'received' }, 80]])
  m.mpcFrames(() => [[{ direction: 'sent' }, 4], [{ direction: 'received' }, 3]])
  m.tasksStarted.inc({ state: 'completed' })
  m.tasksStarted.inc({ state: 'completed' })
  m.sharesReceived.inc({ outcome: 'NODE_SHARE_INVALID' })
  m.rounds.inc({}, 17)
  m.refusedPeers.inc()
  m.apiRequests.inc({ route: 'input', status: '429' })
  m.taskDuration.observe(0.7, { security: 'malicious' })
  m.taskDuration.observe(42, { security: 'malicious' })
  const text = await m.registry.render()
  const types: Record<string, string> = {
    enigma_node_tasks_total: 'counter', enigma_node_tasks: 'gauge', enigma_node_task_duration_seconds: 'histogram',
    enigma_node_input_shares_total: 'counter', enigma_node_mpc_bytes: 'gauge', enigma_node_mpc_frames: 'gauge',
    enigma_node_mpc_rounds_total: 'counter', enigma_node_refused_frames_total: 'counter', enigma_node_peers: 'gauge',
    enigma_node_api_requests_total: 'counter',
  }
  for (const [name, type] of Object.entries(types)) assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name)
  assert.equal(sample(text, 'enigma_node_tasks_total{state="completed"}'), 2)
  assert.equal(sample(text, 'enigma_node_tasks{state="waiting-inputs"}'), 1)
  assert.equal(sample(text, 'enigma_node_mpc_bytes{direction="received"}'), 80)
  assert.equal(sample(text, 'enigma_node_mpc_frames{direction="sent"}'), 4)
  assert.equal(sample(text, 'enigma_node_input_shares_total{outcome="NODE_SHARE_INVALID"}'), 1)
  assert.equal(sample(text, 'enigma_node_mpc_rounds_total'), 17)
  assert.equal(sample(text, 'enigma_node_refused_frames_total'), 1)
  assert.equal(sample(text, 'enigma_node_api_requests_total{route="input",status="429"}'), 1)
  assert.equal(sample(text, 'enigma_node_peers'), 3)
  // The histogram keeps issue #4's buckets, cumulative, with sum and count.
  for (const [le, n] of [['0.5', 0], ['1', 1], ['30', 1], ['60', 2], ['300', 2], ['+Inf', 2]] as const) {
    assert.equal(sample(text, `enigma_node_task_duration_seconds_bucket{le="${le}",security="malicious"}`), n, `le=${le}`)
  }
  assert.equal(sample(text, 'enigma_node_task_duration_seconds_sum{security="malicious"}'), 42.7)
  assert.equal(sample(text, 'enigma_node_task_duration_seconds_count{security="malicious"}'), 2)
  // Gauges are read at scrape time.
  peers = 5
  assert.equal(sample(await m.registry.render(), 'enigma_node_peers'), 5)
})

test('a restarted node registers its collectors again without error; two nodes keep their own figures', async () => {
  const a = nodeMetrics(undefined, { defaultMetrics: false })
  a.peers(() => [[{}, 1]])
  a.peers(() => [[{}, 2]])
  assert.equal(sample(await a.registry.render(), 'enigma_node_peers'), 2)
  const b = nodeMetrics(undefined, { defaultMetrics: false })
  a.rounds.inc({}, 5)
  assert.equal(sample(await b.registry.render(), 'enigma_node_mpc_rounds_total'), 0)
})

test('the standard process metrics are there for operators', async () => {
  const m = nodeMetrics()
  const text = await m.registry.render()
  assert.match(text, /^process_resident_memory_bytes \d+/m)
  assert.match(text, /^nodejs_eventloop_lag_seconds /m)
})
