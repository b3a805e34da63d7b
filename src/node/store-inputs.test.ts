/**
 * Inputs stored per slot (store.ts, issue #14): an accepted input is one key of O(1) bytes, the task
 * record (spec with every slot) is not rewritten per input, and `TaskRecord.inputs` is read back from
 * the share keys of the record's attempt — across a restart (a node killed mid-collection finds every
 * input it acknowledged), a state change, and a re-run attempt (whose inputs are its own keys).
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { NodeStore } from './store.ts'
import { makeTaskSpec, newOwner } from './testing/client.ts'
import type { CommitteeMember } from './task-source.ts'

const dirs: string[] = []
after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }) })

async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'enigma-store-inputs-'))
  dirs.push(d)
  return d
}

/** Bytes in LevelDB's write-ahead logs (every put lands there with write(2) before it resolves). */
async function logBytes(dataDir: string): Promise<number> {
  let total = 0
  for (const f of await readdir(join(dataDir, 'db'))) if (f.endsWith('.log')) total += (await stat(join(dataDir, 'db', f))).size
  return total
}

const committee: CommitteeMember[] = [0, 1, 2].map((index) => ({
  index, peerId: `peer${index}`, encryptionKey: `0x${'11'.repeat(32)}` as Hex, account: newOwner().address, multiaddrs: [],
}))
const SLOTS = 200
function bigTask(attempt?: number) {
  const spec = makeTaskSpec({ codeHash: `0x${'ab'.repeat(32)}`, committee, t: 1, security: 'semi-honest', slots: Array.from({ length: SLOTS }, (_, i) => ({ name: `bids[${i}]`, owner: newOwner().address })) })
  return attempt === undefined ? spec : { ...spec, attempt }
}
const envelope = (i: number): Hex => `0x${i.toString(16).padStart(4, '0').repeat(40)}`

test('an input costs O(1) store bytes; a restart mid-collection finds every acknowledged input', async () => {
  const dataDir = await freshDir()
  let store = new NodeStore(dataDir)
  await store.open()
  const spec = bigTask()
  const now = Date.now()
  await store.putTask({ spec, state: 'waiting-inputs', inputs: [], createdAt: now, updatedAt: now })
  const recordBytes = JSON.stringify(spec).length
  assert.ok(recordBytes > 10_000, `the 200-slot spec is large (${recordBytes} B)`)
  const filled = [3, 0, 199, 57, ...Array.from({ length: 96 }, (_, i) => 100 + i)]
  for (const i of filled) {
    const before = await logBytes(dataDir)
    assert.equal(await store.putShare({ taskId: spec.taskId, slot: `bids[${i}]`, envelope: envelope(i), receivedAt: now }), true)
    const written = (await logBytes(dataDir)) - before
    assert.ok(written < 1_000, `input ${i} wrote ${written} B (the record is ${recordBytes} B)`)
  }
  assert.equal(await store.putShare({ taskId: spec.taskId, slot: 'bids[3]', envelope: envelope(999), receivedAt: now }), false, 'a filled slot keeps its share')
  assert.equal((await store.getShare(spec.taskId, 'bids[3]'))?.envelope, envelope(3))
  const expected = filled.map((i) => `bids[${i}]`).sort()
  assert.deepEqual([...(await store.getTask(spec.taskId))!.inputs].sort(), expected)
  // Restart (the store reopened from disk, as after kill -9: every put above had resolved).
  await store.close()
  store = new NodeStore(dataDir)
  await store.open()
  const rec = (await store.getTask(spec.taskId))!
  assert.deepEqual([...rec.inputs].sort(), expected)
  assert.deepEqual([...(await store.listOpenTasks())[0]!.inputs].sort(), expected)
  // A writer's stale `inputs` is ignored: the keys are the truth.
  await store.putTask({ ...rec, inputs: ['bids[1]'], state: 'computing', updatedAt: Date.now() })
  assert.deepEqual([...(await store.getTask(spec.taskId))!.inputs].sort(), expected)
  assert.equal((await store.getTask(spec.taskId))!.state, 'computing')
  await store.close()
})

test('a re-run attempt sees only its own inputs; attempt 0 only its own', async () => {
  const dataDir = await freshDir()
  const store = new NodeStore(dataDir)
  await store.open()
  const first = bigTask()
  const now = Date.now()
  await store.putTask({ spec: first, state: 'waiting-inputs', inputs: [], createdAt: now, updatedAt: now })
  for (const i of [1, 2]) await store.putShare({ taskId: first.taskId, slot: `bids[${i}]`, envelope: envelope(i), receivedAt: now })
  const second = { ...first, attempt: 1 }
  await store.putTask({ spec: second, state: 'waiting-inputs', inputs: [], createdAt: now, updatedAt: now })
  assert.deepEqual((await store.getTask(first.taskId))!.inputs, [], 'attempt 1 has no shares yet (attempt 0 keys do not count)')
  const all = Array.from({ length: SLOTS }, (_, i) => ({ taskId: first.taskId, slot: `bids[${i}]`, envelope: envelope(i + 1000), receivedAt: now }))
  await store.putAttemptShares(1, all, (await store.getTask(first.taskId))!)
  assert.equal((await store.getTask(first.taskId))!.inputs.length, SLOTS)
  assert.equal((await store.getShare(first.taskId, 'bids[1]', 1))?.envelope, envelope(1001))
  assert.equal((await store.getShare(first.taskId, 'bids[1]', 0))?.envelope, envelope(1), 'attempt 0 keeps its own share')
  // Attempt 10's keys sort right after attempt 1's prefix: they must not leak into attempt 1.
  await store.putTask({ spec: { ...first, attempt: 10 }, state: 'waiting-inputs', inputs: [], createdAt: now, updatedAt: now })
  assert.deepEqual((await store.getTask(first.taskId))!.inputs, [])
  await store.putAttemptShares(10, all.slice(0, 3), (await store.getTask(first.taskId))!)
  assert.equal((await store.getTask(first.taskId))!.inputs.length, 3)
  await store.close()
})
