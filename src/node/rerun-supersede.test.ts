/**
 * A re-run's next attempt arriving while this node's computation of the attempt before is still running
 * (soak run 3, issue #12): `#onAttempt` ends the old attempt (superseded) and writes the new attempt's
 * record, which aborts the old computation. That computation's failure must end only its own attempt's
 * record; before the fix it ended the new attempt's record as failed, so the hand-off's shares were never
 * stored. One real node in-process (committee: it and two ghosts, so it stays at the ready barrier).
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract } from '../lang/index.ts'
import { getField } from '../field/index.ts'
import millionaires from '../../examples/millionaires.ts'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { createLogger } from './log.ts'
import { engineCompute } from './engine-adapter.ts'
import { newOwner, slotSubmissions, post } from './testing/client.ts'
import { PushSource, rerunAttempts, until } from './testing/rerun-attempts.ts'

const compiled = compileContract(millionaires, {})
const field = getField(compiled.circuit.field)
const owner = newOwner()

let root = ''
let node: SecretNode | undefined
after(async () => {
  await node?.stop().catch(() => {})
  if (root) await rm(root, { recursive: true, force: true })
})

test('a superseded attempt\'s failing computation leaves the re-run\'s next attempt waiting for its inputs', async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-supersede-'))
  await writeFile(join(root, 'millionaires.json'), compiled.encoding)
  const dataDir = join(root, 'node')
  // Attempt 1: ghost 2 (the culprit) replaced by ghost 3; this node stays on the committee.
  const { attempt0, attempt1 } = await rerunAttempts(root, dataDir, compiled, owner)

  const lines: string[] = []
  const source = new PushSource()
  // The start timeout keeps the barrier (attempt 0) and the hand-off (attempt 1, ghosts never deal) waiting well past this test.
  node = new SecretNode(checkConfig({ dataDir, circuitDirs: [root], mpcStartTimeoutMs: 60_000 }), {
    log: createLogger({ level: 'info', sink: (l) => lines.push(l) }), source, compute: engineCompute,
  })
  await node.start()
  const api = `http://127.0.0.1:${node.api.port}`
  const n = node

  source.emit(attempt0)
  await until('attempt 0 accepted', async () => (await n.runner.getTask(attempt0.taskId))?.state === 'waiting-inputs')
  for (const [slot, v] of [['alice', 5n], ['bob', 9n]] as const) {
    const [mine] = await slotSubmissions(field, attempt0, slot, [v], owner, [api, 'http://ghost1', 'http://ghost2'])
    assert.equal((await post(mine!)).status, 200)
  }
  // Attempt 0's computation is running: this node waits at the ready barrier for the ghosts.
  await until('attempt 0 at the ready barrier', () => lines.some((l) => l.includes('at the ready barrier')))

  source.emit(attempt1)
  // `#onAttempt` supersedes attempt 0 and aborts its computation, which then fails and records that failure.
  await until('attempt 0\'s computation failed', () => lines.some((l) => l.includes('"task failed"')))
  await new Promise((r) => setTimeout(r, 300)) // the failure path's locked record update (a store write) runs after the log line

  const rec = await n.runner.getTask(attempt0.taskId)
  assert.equal(rec?.spec.attempt, 1)
  assert.equal(rec.state, 'waiting-inputs', `attempt 1 was ended by attempt 0's failure: ${rec.reason}`)
  assert.deepEqual(rec.earlier?.map((e) => [e.attempt, e.state, e.reason]), [[0, 'failed', 'superseded by attempt 1']])
})
