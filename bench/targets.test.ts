import { test } from 'node:test'
import assert from 'node:assert/strict'
import { evaluateTargets, formatTargets, ISSUE_14_TARGETS, type BenchResults, type OpRecord } from './targets.ts'

const op = (o: Partial<OpRecord> & Pick<OpRecord, 'op'>): OpRecord =>
  ({ transport: 'tcp-secure', parties: 3, security: 'semi-honest', batch: 1, opsPerSec: 0, latencyMs: 0, rounds: 1, ...o })
const byId = (rows: ReturnType<typeof evaluateTargets>) => new Map(rows.map((r) => [r.id, r]))

test('no results: every target is "not measured", never met', () => {
  const rows = evaluateTargets({})
  assert.equal(rows.length, ISSUE_14_TARGETS.length)
  assert.ok(rows.every((r) => r.status === 'not measured' && r.value === undefined))
})

test('"at least" and "at most" goals, with the boundary value meeting the goal', () => {
  const results: BenchResults = {
    mpc: [
      op({ op: 'mul', batch: 100_000, opsPerSec: 10_000_000, load1m: 1.5 }), // exactly the goal
      op({ op: 'mul', batch: 1_000_000, opsPerSec: 7_999_999 }), // just under
      op({ op: 'round', latencyMs: 0.25 }), // exactly the goal
      op({ op: 'lt32x1', latencyMs: 1.51, rounds: 9 }), // just over, both
    ],
  }
  const rows = byId(evaluateTargets(results))
  assert.equal(rows.get('mul-100k')!.status, 'met')
  assert.equal(rows.get('mul-100k')!.value, 10)
  assert.equal(rows.get('mul-100k')!.load, 1.5)
  assert.equal(rows.get('mul-1m')!.status, 'not met')
  assert.equal(rows.get('round')!.status, 'met')
  assert.equal(rows.get('lt32x1')!.status, 'not met')
  assert.equal(rows.get('lt32x1-rounds')!.status, 'not met')
  assert.equal(rows.get('mul-100k-mal')!.status, 'not measured')
})

test('a record of another transport, size or mode is not taken for the target', () => {
  const results: BenchResults = {
    mpc: [
      op({ op: 'mul', batch: 100_000, opsPerSec: 50e6, transport: 'tcp-plain' }),
      op({ op: 'mul', batch: 10_000, opsPerSec: 50e6 }),
      op({ op: 'mul', batch: 100_000, opsPerSec: 50e6, security: 'malicious', parties: 5 }),
    ],
  }
  const rows = byId(evaluateTargets(results))
  assert.equal(rows.get('mul-100k')!.status, 'not measured')
  assert.equal(rows.get('mul-100k-mal')!.status, 'not measured')
  assert.equal(rows.get('mul-100k-n5')!.status, 'not measured')
})

test('node path ratio: libp2p ÷ TCP of the same run, per committee size and mode', () => {
  const results: BenchResults = {
    nodes: [
      op({ transport: 'tcp', parties: 5, op: 'mul', batch: 100_000, opsPerSec: 1_000_000, load1m: 2 }),
      op({ transport: 'libp2p', parties: 5, op: 'mul', batch: 100_000, opsPerSec: 790_000, load1m: 3 }),
      op({ transport: 'tcp', parties: 5, security: 'malicious', op: 'mul', batch: 100_000, opsPerSec: 600_000 }),
      op({ transport: 'libp2p', parties: 5, security: 'malicious', op: 'mul', batch: 100_000, opsPerSec: 480_000 }),
      op({ transport: 'libp2p', parties: 3, op: 'round', latencyMs: 0.3 }),
    ],
  }
  const rows = byId(evaluateTargets(results))
  assert.equal(rows.get('node-path-n5')!.value, 0.79)
  assert.equal(rows.get('node-path-n5')!.status, 'not met')
  assert.equal(rows.get('node-path-n5')!.load, 3, 'the higher load of the two records')
  assert.equal(rows.get('node-path-n5-mal')!.value, 0.8)
  assert.equal(rows.get('node-path-n5-mal')!.status, 'met')
  assert.equal(rows.get('node-path-n3')!.status, 'not measured')
  assert.equal(rows.get('node-round')!.status, 'met')
})

test('the auction: only a correct 200-bidder row counts; time, gas and load read from it', () => {
  const row = (correct: boolean, resultMs: number) => ({ bidders: 200, security: 'malicious', inputs: 'batch', correct, load: '2.87 4.24 4.63 4/248 18056', ms: { resultMs }, gas: { total: 1_319_286, perInput: 691 } })
  const wrong = byId(evaluateTargets({ e2e: { rows: [row(false, 1000)] } }))
  assert.equal(wrong.get('auction-time')!.status, 'not measured')
  const rows = byId(evaluateTargets({ e2e: { rows: [{ ...row(true, 2000), bidders: 5 }, row(true, 19_268)] } }))
  assert.equal(rows.get('auction-time')!.value, 19.3)
  assert.equal(rows.get('auction-time')!.load, 2.87)
  assert.equal(rows.get('auction-time')!.status, 'not met')
  assert.equal(rows.get('auction-gas')!.value, 1.32)
  assert.equal(rows.get('auction-gas')!.status, 'met')
})

test('default matrix and WAN: met only with every committee size and mode, every delay', () => {
  const groups = [3, 5, 7].flatMap((parties) => ['semi-honest', 'malicious'].map((security) => op({ op: 'mul', parties, security })))
  assert.equal(byId(evaluateTargets({ mpc: groups })).get('mpc-default-matrix')!.status, 'met')
  assert.equal(byId(evaluateTargets({ mpc: groups.slice(0, 5) })).get('mpc-default-matrix')!.status, 'not met')
  const wan = (delayMs: number) => ({ nodes: 5, security: 'semi-honest', delayMs, rounds: 135, wallMs: 100 * delayMs })
  assert.equal(byId(evaluateTargets({ wan: [wan(1), wan(10), wan(50)] })).get('wan')!.status, 'met')
  assert.equal(byId(evaluateTargets({ wan: [wan(1), wan(10)] })).get('wan')!.status, 'not met')
})

test('the table has a line per target and names each status', () => {
  const text = formatTargets(evaluateTargets({ mpc: [op({ op: 'round', latencyMs: 0.7 })] }))
  const lines = text.split('\n')
  assert.equal(lines.length, ISSUE_14_TARGETS.length + 1)
  assert.match(lines.find((l) => l.startsWith('one multiplication'))!, /0\.7 ms\s+≤ 0\.25 ms\s+0\.2\s+not met/)
})
