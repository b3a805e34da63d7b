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
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import { engineCompute } from './engine-adapter.ts'
import { makeTaskSpec, newOwner, slotSubmissions, post } from './testing/client.ts'
import type { CommitteeMember, TaskEvent, TaskSource, TaskSpec } from './task-source.ts'

const compiled = compileContract(millionaires, {})
const field = getField(compiled.circuit.field)
const owner = newOwner()

/** A task source the test drives: it emits the events it is handed (the re-run's attempt has the task's id). */
class PushSource implements TaskSource {
  readonly #handlers = new Set<(e: TaskEvent) => void>()
  readonly #open: TaskSpec[] = []
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  subscribe(handler: (e: TaskEvent) => void): () => void { this.#handlers.add(handler); return () => this.#handlers.delete(handler) }
  async openTasks(): Promise<TaskSpec[]> { return [...this.#open] }
  emit(task: TaskSpec): void {
    this.#open.push(task)
    for (const h of this.#handlers) h({ kind: 'created', task })
  }
}

let root = ''
let node: SecretNode | undefined
after(async () => {
  await node?.stop().catch(() => {})
  if (root) await rm(root, { recursive: true, force: true })
})

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 4_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

test('a superseded attempt\'s failing computation leaves the re-run\'s next attempt waiting for its inputs', async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-supersede-'))
  await writeFile(join(root, 'millionaires.json'), compiled.encoding)
  const dataDir = join(root, 'node')
  const member = async (dir: string) => publicIdentity((await loadOrCreateIdentity(dir)).identity)
  const ids = [await member(dataDir), ...(await Promise.all([0, 1, 2].map((i) => member(join(root, `ghost${i}`)))))]
  const committee0: CommitteeMember[] = ids.slice(0, 3).map((m, index) => ({ index, ...m, multiaddrs: [] }))
  // Attempt 1: ghost 2 (the culprit) replaced by ghost 3; this node stays on the committee.
  const committee1: CommitteeMember[] = [ids[0]!, ids[1]!, ids[3]!].map((m, index) => ({ index, ...m, multiaddrs: [] }))
  const attempt0 = makeTaskSpec({ codeHash: compiled.codeHash, committee: committee0, t: 1, security: 'semi-honest', slots: [{ name: 'alice', owner: owner.address }, { name: 'bob', owner: owner.address }] })
  const attempt1: TaskSpec = { ...attempt0, committee: committee1, attempt: 1, rerun: { previousCommittee: committee0, culprit: ids[2]!.account } }

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
