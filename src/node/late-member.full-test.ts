/**
 * Late is not silent, with real nodes (issue #12: at load 18–54 an honest member more than the barrier's
 * deadline late was voted out and suspended). Three `SecretNode`s in process over real libp2p (Noise,
 * loopback), one committee, two tasks at once:
 * - task A: member 2's input shares arrive 1.5 barrier deadlines after the others' (an honest member
 *   that is slow to get there). It answers the others' questions with NOT_YET meanwhile, so they wait
 *   (the bounded grace, src/node/ready-barrier.ts) and the task completes at every member: nobody is
 *   named. Before the grace, members 0 and 1 failed at the deadline naming member 2 first-hand
 *   (`timeout: party 2 sent nothing for 'node-ready'`): a suspension vote against an honest member.
 * - task B: member 2 never gets its inputs and answers NOT_YET for ever (what a corrupt member that
 *   stalls by answering "not yet" looks like). Members 0 and 1 name it first-hand, at
 *   `LATE_FACTOR` × the deadline: a bounded delay, no escape.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract, defineContract, reveal, uint32 } from '../lang/index.ts'
import { getField } from '../field/index.ts'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { silentLogger } from './log.ts'
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import { engineCompute } from './engine-adapter.ts'
import { makeTaskSpec, newOwner, slotSubmissions, post, type Submission } from './testing/client.ts'
import { PushSource } from './testing/push-source.ts'
import { LATE_FACTOR } from './ready-barrier.ts'
import { culpritOf } from './evidence.ts'
import type { CommitteeMember, TaskSpec } from './task-source.ts'

const compiled = compileContract(defineContract({
  name: 'late-millionaires',
  inputs: { alice: uint32, bob: uint32 },
  compute: ({ alice, bob }) => ({ aliceRicher: reveal(alice.gt(bob)) }),
}), {})
const field = getField(compiled.circuit.field)
const owner = newOwner()
const BARRIER_MS = 4_000

let root = ''
const nodes: SecretNode[] = []
after(async () => {
  await Promise.all(nodes.map((n) => n.stop().catch(() => {})))
  if (root) await rm(root, { recursive: true, force: true })
})

async function ended(node: SecretNode, spec: TaskSpec, ms: number) {
  const end = Date.now() + ms
  for (;;) {
    const rec = await node.runner.getTask(spec.taskId)
    if (rec && (rec.state === 'completed' || rec.state === 'failed')) return rec
    if (Date.now() > end) throw new Error(`task not ended in ${ms} ms: ${rec?.state}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

test('a member late to the ready barrier by more than its deadline is waited for, not named; one that answers NOT_YET for ever is named at the bound', async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-late-'))
  await writeFile(join(root, 'late-millionaires.json'), compiled.encoding)
  const sources = [0, 1, 2].map(() => new PushSource())
  for (const [i, source] of sources.entries()) {
    const node = new SecretNode(checkConfig({ dataDir: join(root, `n${i}`), circuitDirs: [root], mpcStartTimeoutMs: BARRIER_MS, mpcTimeoutMs: 10_000 }), {
      log: silentLogger, source, compute: engineCompute,
    })
    nodes.push(node)
  }
  await Promise.all(nodes.map((n) => n.start()))
  const committee: CommitteeMember[] = await Promise.all(nodes.map(async (n, index) => ({
    index, ...publicIdentity((await loadOrCreateIdentity(join(root, `n${index}`))).identity), multiaddrs: n.host.getMultiaddrs().map(String),
  })))
  const apis = nodes.map((n) => `http://127.0.0.1:${n.api.port}`)
  const slots = [{ name: 'alice', owner: owner.address }, { name: 'bob', owner: owner.address }]
  const late = makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 1, security: 'semi-honest', slots })
  const never = makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 1, security: 'semi-honest', slots })
  for (const spec of [late, never]) for (const s of sources) s.emit(spec)
  const submissions = async (spec: TaskSpec) => [
    ...(await slotSubmissions(field, spec, 'alice', [5n], owner, apis)),
    ...(await slotSubmissions(field, spec, 'bob', [9n], owner, apis)),
  ]
  const [subLate, subNever] = [await submissions(late), await submissions(never)]
  const to = (subs: Submission[], i: number) => subs.filter((s) => s.url.startsWith(apis[i]!))
  const postAll = async (subs: Submission[]) => { for (const s of subs) assert.equal((await post(s)).status, 200) }
  const t0 = Date.now()
  await postAll([...to(subLate, 0), ...to(subLate, 1), ...to(subNever, 0), ...to(subNever, 1)])
  const lateArrival = (async () => {
    await new Promise((r) => setTimeout(r, BARRIER_MS * 1.5))
    await postAll(to(subLate, 2))
    return Date.now() - t0
  })()

  const [a0, a1, a2, b0, b1] = await Promise.all([
    ...nodes.map((n) => ended(n, late, BARRIER_MS * (LATE_FACTOR + 3))),
    ended(nodes[0]!, never, BARRIER_MS * (LATE_FACTOR + 3)),
    ended(nodes[1]!, never, BARRIER_MS * (LATE_FACTOR + 3)),
  ])
  const tookNever = Date.now() - t0
  const arrived = await lateArrival
  for (const [i, rec] of [a0, a1, a2].entries()) assert.equal(rec.state, 'completed', `task A at member ${i}: ${rec.reason} (member 2's inputs stored ${arrived} ms in)`)
  for (const [i, rec] of [b0, b1].entries()) {
    assert.equal(rec.state, 'failed')
    assert.equal(culpritOf(rec.reason, i), 2, `task B at member ${i}: ${rec.reason}`)
    assert.match(rec.reason ?? '', /'node-ready'/)
  }
  assert.ok(tookNever >= BARRIER_MS * LATE_FACTOR - 500, `member 2 named after ${tookNever} ms, before its grace ran out`)
})
