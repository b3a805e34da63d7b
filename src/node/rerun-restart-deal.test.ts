/**
 * A survivor that is also on the re-run's committee, killed in the middle of the input hand-off and
 * restarted from its data directory, deals again (issue #12 item 4; docs/faults.md "Limits" named it as
 * not done). Its record already holds the new attempt (written before the hand-off starts), so before the
 * fix the replayed attempt was "known here already": the node dealt nothing in its second life, the other
 * new members missed its dealing, and with two old members left out (t killed at once) that one missing
 * dealing is below the hand-off's bar. Now it deals again, and the same dealing (the HKDF dealing
 * randomness of dealing-random.ts), so new members that got the first life's and those that get the
 * second agree. One real node in-process; its peers are ghosts, and the frames it deals are recorded at
 * the MPC network's queue.
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
import { MpcNetwork } from './mpc-network.ts'
import { handoffSession } from './rerun.ts'
import { newOwner, slotSubmissions, post } from './testing/client.ts'
import { PushSource, rerunAttempts, until } from './testing/rerun-attempts.ts'

const compiled = compileContract(millionaires, {})
const field = getField(compiled.circuit.field)
const owner = newOwner()

/** Every dealing frame of a re-run hand-off any node of this process queues: (session, to, bytes). */
const dealt: { session: string; to: number; bytes: string }[] = []
const enqueue = MpcNetwork.prototype.enqueue
MpcNetwork.prototype.enqueue = function (state, to, label, payload) {
  if (state.id.startsWith('rr:') && label.endsWith('deal')) dealt.push({ session: state.id, to, bytes: Buffer.from(payload).toString('hex') })
  return enqueue.call(this, state, to, label, payload)
}

let root = ''
let node: SecretNode | undefined
after(async () => {
  MpcNetwork.prototype.enqueue = enqueue
  await node?.stop().catch(() => {})
  if (root) await rm(root, { recursive: true, force: true })
})

test('a survivor on the new committee, restarted mid hand-off, deals again: the same dealing to the same members', async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-rerun-restart-'))
  await writeFile(join(root, 'millionaires.json'), compiled.encoding)
  const dataDir = join(root, 'node')
  // Attempt 1: ghost 2 (the culprit) replaced by ghost 3; this node, a survivor, is on the new committee too.
  const { attempt0, attempt1 } = await rerunAttempts(root, dataDir, compiled, owner)
  const session = handoffSession(attempt1)
  // The ghosts never deal: the hand-off waits its whole deadline, and the node is "killed" before that.
  const config = checkConfig({ dataDir, circuitDirs: [root], mpcStartTimeoutMs: 4_000 })

  // First life: attempt 0 with this node's input shares; then attempt 1, whose hand-off it starts dealing.
  const source = new PushSource()
  node = new SecretNode(config, { log: createLogger({ level: 'error' }), source, compute: engineCompute })
  await node.start()
  const api = `http://127.0.0.1:${node.api.port}`
  const first = node
  source.emit(attempt0)
  await until('attempt 0 accepted', async () => (await first.runner.getTask(attempt0.taskId))?.state === 'waiting-inputs', 10_000)
  for (const [slot, v] of [['alice', 5n], ['bob', 9n]] as const) {
    const [mine] = await slotSubmissions(field, attempt0, slot, [v], owner, [api, 'http://ghost1', 'http://ghost2'])
    assert.equal((await post(mine!)).status, 200)
  }
  source.emit(attempt1)
  await until('the first life dealt to the two other new members', () => dealt.filter((d) => d.session === session).length === 2, 10_000)
  const firstLife = dealt.filter((d) => d.session === session).map((d) => `${d.to}:${d.bytes}`).sort()
  const rec = await first.runner.getTask(attempt0.taskId)
  assert.equal(rec?.spec.attempt, 1)
  assert.deepEqual([rec.state, rec.inputs.length], ['waiting-inputs', 0])
  await first.stop() // killed mid hand-off: the record holds attempt 1 without its shares

  // Second life: the source lists attempt 1 (as a chain source replays it); the node deals again.
  dealt.length = 0
  const source2 = new PushSource()
  source2.emit(attempt1)
  node = new SecretNode(config, { log: createLogger({ level: 'error' }), source: source2, compute: engineCompute })
  await node.start()
  await until('the second life dealt again', () => dealt.filter((d) => d.session === session).length === 2, 10_000)
  const secondLife = dealt.filter((d) => d.session === session).map((d) => `${d.to}:${d.bytes}`).sort()
  assert.deepEqual(secondLife, firstLife, 'the second life\'s dealing differs from the first\'s')
})
