/**
 * Faults with real node processes: kill -9 during input collection (acknowledged shares survive the
 * restart and the task completes), kill -9 during the computation (the others end `failed` naming the
 * dead peer instead of hanging; the restarted node ends it `failed` too), a silent committee member
 * (deadline → `failed: timeout` naming it), and a node outside the committee (ignores the task).
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getField } from '../field/index.ts'
import { compileContract } from '../lang/index.ts'
import millionaires from '../../examples/millionaires.ts'
import vickrey from '../../examples/vickrey-auction.ts'
import { Cluster } from './testing/cluster.ts'
import { committeeOf, makeTaskSpec, newOwner, slotSubmissions, post, waitForTask, getJson, type NodeInfo } from './testing/client.ts'
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import type { TaskSpec } from './task-source.ts'

let root: string
let cluster: Cluster
const mill = compileContract(millionaires, {})
const auction = compileContract(vickrey, { bidders: 32 })
const field = getField(mill.circuit.field)

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-faults-'))
  // A generous start-up deadline: on the shared machine (load 50–90) node processes took over 180 s to start.
  cluster = await Cluster.start({ root, size: 5, startTimeoutMs: 600_000, config: { mpcTimeoutMs: 4_000, mpcStartTimeoutMs: 10_000 } })
  await cluster.addCircuit('millionaires', mill.encoding)
  await cluster.addCircuit('vickrey-32', auction.encoding)
})

after(async () => {
  await cluster?.stop()
  await rm(root, { recursive: true, force: true })
})

const ended = (s: any) => s.state === 'completed' || s.state === 'failed'

async function newTask(infos: readonly NodeInfo[], codeHash: `0x${string}`, slots: string[], t = 2) {
  const owner = newOwner()
  const spec = makeTaskSpec({ codeHash, committee: committeeOf(infos), t, security: 'semi-honest', slots: slots.map((name) => ({ name, owner: owner.address })) })
  await cluster.addTask(spec)
  return { spec, owner }
}

async function submit(spec: TaskSpec, owner: ReturnType<typeof newOwner>, slot: string, values: bigint[], apis: string[]) {
  for (const s of await slotSubmissions(field, spec, slot, values, owner, apis)) {
    const r = await post(s)
    assert.equal(r.status, 200, JSON.stringify(r.json))
  }
}

test('kill -9 during input collection: acknowledged shares survive the restart and the task completes', async () => {
  const { spec, owner } = await newTask(cluster.nodes.map((n) => n.info), mill.codeHash, ['alice', 'bob'])
  await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, () => true, 20_000)))
  await submit(spec, owner, 'alice', [10n], cluster.apis)
  await cluster.kill(2, 'SIGKILL')
  await cluster.restart(2)
  const st = await waitForTask(cluster.apis[2]!, spec.taskId, () => true, 20_000)
  assert.deepEqual([st.state, st.inputs.received], ['waiting-inputs', 1])
  await submit(spec, owner, 'bob', [20n], cluster.apis)
  const finals = await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, ended, 60_000)))
  for (const f of finals) assert.deepEqual([f.state, f.result?.public], ['completed', { aliceRicher: ['0'], equal: ['0'] }], JSON.stringify(f))
})

// In about 1 run of 6 a survivor used to be still at the ready barrier when the others started, and a
// chain of timeouts ended on it: a survivor that had the other survivors' READY asked only the killed
// member again, never learning that the others had PASSED. The barrier now asks every member each round
// (ready-barrier.ts, ready-barrier.test.ts); this test then passed 6 runs of 6 at a normal load
// (2026-11-30: the integration suite, then 5 runs of this file).
test('kill -9 during the computation: the others fail naming the dead peer; the restarted node fails the task too', async () => {
  const victim = 4
  const { spec, owner } = await newTask(cluster.nodes.map((n) => n.info), auction.codeHash, ['bids'])
  await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, () => true, 20_000)))
  await submit(spec, owner, 'bids', Array.from({ length: 32 }, (_, i) => BigInt((i * 7919) % 1000)), cluster.apis)
  await waitForTask(cluster.apis[victim]!, spec.taskId, (s) => s.state === 'computing', 30_000, 5)
  await cluster.kill(victim, 'SIGKILL')
  const others = cluster.apis.map((api, i) => [i, api] as const).filter(([i]) => i !== victim)
  const finals = new Map(await Promise.all(others.map(async ([i, api]) => [i, await waitForTask(api, spec.taskId, ended, 30_000)] as const)))
  const victimPeer = cluster.nodes[victim]!.info.peerId
  const namesVictim = (reason: string) => reason.includes(victimPeer) || reason.includes(`party ${victim}`)
  for (const [i, f] of finals) {
    assert.equal(f.state, 'failed', JSON.stringify(f))
    assert.match(f.reason, /peer disconnected|timeout/)
    if (namesVictim(f.reason)) continue
    // Timeouts cascade: a survivor may time out on another survivor that was itself still waiting on
    // the dead node (known limit, docs/security.md). Then that survivor's own failure must name the
    // dead node: every failure traces back to it, none to an unrelated cause.
    const named = Number(/party (\d+)/.exec(f.reason)?.[1])
    assert.ok(finals.has(named) && named !== i, `survivor ${i}: ${f.reason}`)
    assert.ok(namesVictim(finals.get(named)!.reason), `survivor ${i} names survivor ${named}, whose own failure does not name the dead node: ${finals.get(named)!.reason}`)
  }
  await cluster.restart(victim)
  const v = await waitForTask(cluster.apis[victim]!, spec.taskId, ended, 20_000)
  assert.equal(v.state, 'failed')
  assert.match(v.reason, /interrupted/)
})

test('a silent committee member: the deadline ends the task as failed: timeout, naming it', async () => {
  const ghost = publicIdentity((await loadOrCreateIdentity(join(root, 'ghost'))).identity)
  const ghostInfo: NodeInfo = { ...ghost, multiaddrs: ['/ip4/127.0.0.1/tcp/9/p2p/' + ghost.peerId], api: 'http://127.0.0.1:9' }
  const infos = [...cluster.nodes.slice(0, 4).map((n) => n.info), ghostInfo]
  const { spec, owner } = await newTask(infos, mill.codeHash, ['alice', 'bob'])
  const live = cluster.apis.slice(0, 4)
  await Promise.all(live.map((api) => waitForTask(api, spec.taskId, () => true, 20_000)))
  for (const [slot, v] of [['alice', 1n], ['bob', 2n]] as const) {
    for (const s of (await slotSubmissions(field, spec, slot, [v], owner, [...live, ghostInfo.api])).slice(0, 4)) {
      assert.equal((await post(s)).status, 200)
    }
  }
  // (The members start seconds apart; the ready barrier keeps them from blaming each other.)
  const finals = await Promise.all(live.map((api) => waitForTask(api, spec.taskId, ended, 30_000)))
  for (const f of finals) {
    assert.equal(f.state, 'failed')
    assert.match(f.reason, /^timeout: party 4 sent nothing for 'node-ready'/)
    assert.ok(f.reason.includes(ghost.peerId), f.reason)
  }
})

test('a node outside the committee ignores the task', async () => {
  const { spec } = await newTask(cluster.nodes.slice(0, 3).map((n) => n.info), mill.codeHash, ['alice', 'bob'], 1)
  await waitForTask(cluster.apis[0]!, spec.taskId, () => true, 20_000)
  await new Promise((r) => setTimeout(r, 500))
  const r = await getJson(`${cluster.apis[3]}/v1/tasks/${spec.taskId}`)
  assert.equal(r.status, 404)
})
