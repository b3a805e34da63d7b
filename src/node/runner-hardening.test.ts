/**
 * Issue #15, node side, in one process per node (no computation: committees hold ghost members):
 * start-up never depends on a stored task being well-formed (defect 1), deadlines are judged by the
 * source's clock (defect 7), sessions are set up once per task and ended tasks are pruned (defect 9),
 * and the smaller items of defect 11 (`outputs/constructor`, upper-case task ids, timeout bounds, a
 * lost key file).
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract } from '../lang/index.ts'
import millionaires from '../../examples/millionaires.ts'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { silentLogger } from './log.ts'
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import { NodeStore } from './store.ts'
import { MpcNetwork } from './mpc-network.ts'
import { FileTaskSource } from './task-source-file.ts'
import { makeTaskSpec, newOwner, getJson } from './testing/client.ts'
import { isEnigmaError } from '../common/errors.ts'
import type { CommitteeMember, Hex, SourceClock, TaskSpec } from './task-source.ts'

const compiled = compileContract(millionaires, {})
const owner = newOwner()
const roots: string[] = []
const nodes: SecretNode[] = []

after(async () => {
  for (const n of nodes) await n.stop().catch(() => {})
  for (const r of roots) await rm(r, { recursive: true, force: true })
})

async function fresh(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'enigma-harden-'))
  roots.push(root)
  await writeFile(join(root, 'millionaires.json'), compiled.encoding)
  return root
}

async function ghosts(root: string, k: number): Promise<CommitteeMember[]> {
  return Promise.all(Array.from({ length: k }, async (_, i) => ({
    index: 0, ...publicIdentity((await loadOrCreateIdentity(join(root, `ghost${i}`))).identity), multiaddrs: [] as string[],
  })))
}

async function committeeWith(root: string, dataDir: string): Promise<CommitteeMember[]> {
  const me = publicIdentity((await loadOrCreateIdentity(dataDir)).identity)
  return [{ index: 0, ...me, multiaddrs: [] }, ...(await ghosts(root, 2))].map((m, index) => ({ ...m, index }))
}

function spec(committee: CommitteeMember[], deadlineSeconds = 600, at?: number): TaskSpec {
  const s = makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 1, security: 'semi-honest', slots: [{ name: 'alice', owner: owner.address }, { name: 'bob', owner: owner.address }], deadlineSeconds })
  return at === undefined ? s : { ...s, deadline: Math.floor(at + deadlineSeconds) }
}

async function startNode(root: string, dataDir: string, extra: Record<string, unknown> = {}, clock?: SourceClock): Promise<SecretNode> {
  const tasksFile = join(root, 'tasks.json')
  const source = clock ? new FileTaskSource({ path: tasksFile, clock, pollMs: 100 }) : undefined
  const node = new SecretNode(checkConfig({ dataDir, tasksFile, circuitDirs: [root], ...extra }), { log: silentLogger, source })
  nodes.push(node)
  await node.start()
  return node
}

const api = (n: SecretNode) => `http://127.0.0.1:${n.api.port}`

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const stateOf = async (n: SecretNode, id: Hex) => {
  const r = await getJson(`${api(n)}/v1/tasks/${id}`)
  return r.status === 200 ? r.json as { state: string; reason?: string } : undefined
}

test('defect 1: a stored task with garbage members fails alone; the node starts every time', async () => {
  const root = await fresh()
  const dataDir = join(root, 'node')
  const committee = await committeeWith(root, dataDir)
  // What a hostile registry entry leaves on disk: an address multiaddr() cannot parse, a peer id
  // that passes the task-file pattern but not peerIdFromString.
  const badAddr = { ...spec(committee), committee: committee.map((m, i) => i === 1 ? { ...m, multiaddrs: ['garbage', '/ip4/1.2.3.4/tcp/1'] } : m) }
  const badPeer = { ...spec(committee), committee: committee.map((m, i) => i === 2 ? { ...m, peerId: '1'.repeat(52) } : m) }
  const good = spec(committee)
  const store = new NodeStore(dataDir)
  await store.open()
  for (const s of [badAddr, badPeer, good]) {
    await store.putTask({ spec: s, state: 'waiting-inputs', inputs: [], createdAt: Date.now(), updatedAt: Date.now() })
  }
  await store.close()
  for (let round = 0; round < 2; round++) {
    const node = await startNode(root, dataDir) // rejected before the fix, at every start
    assert.equal((await stateOf(node, good.taskId))?.state, 'waiting-inputs')
    assert.equal((await stateOf(node, badAddr.taskId))?.state, 'waiting-inputs', 'an unusable address is dropped, the task goes on')
    const bad = await stateOf(node, badPeer.taskId)
    assert.equal(bad?.state, 'failed')
    assert.match(bad!.reason!, /bad task: .*(unusable|unparsable) peer id/)
    await node.stop()
  }
})

test('defect 1: a task arriving with a garbage member fails alone, the others are accepted', async () => {
  const root = await fresh()
  const dataDir = join(root, 'node')
  const committee = await committeeWith(root, dataDir)
  const node = await startNode(root, dataDir)
  const badPeer = { ...spec(committee), committee: committee.map((m, i) => i === 1 ? { ...m, peerId: '1'.repeat(52) } : m) }
  const badAddr = { ...spec(committee), committee: committee.map((m, i) => i === 2 ? { ...m, multiaddrs: ['/not/a/multiaddr'] } : m) }
  const good = spec(committee)
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [badPeer, badAddr, good] }))
  await until('good task', () => stateOf(node, good.taskId))
  assert.equal((await until('bad task', () => stateOf(node, badPeer.taskId))).state, 'failed')
  assert.equal((await stateOf(node, badAddr.taskId))?.state, 'waiting-inputs')
  await node.stop()
  await startNode(root, dataDir)
})

test('defect 7: deadlines follow the source clock (chain time), not the local clock', async () => {
  const root = await fresh()
  const dataDir = join(root, 'node')
  const committee = await committeeWith(root, dataDir)
  // The chain runs an hour behind this host: a task due in 2 minutes of chain time is long past in
  // local time, and one past in chain time is an hour ahead in local time.
  const chain: SourceClock = { now: () => Date.now() / 1000 - 3600, skewSeconds: 2 }
  const open = spec(committee, 120, chain.now())
  const node = await startNode(root, dataDir, {}, chain)
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [open] }))
  await until('task', () => stateOf(node, open.taskId))
  const late = { ...spec(committee), deadline: Math.floor(chain.now()) + 1 }
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [open, late] }))
  await until('late task', () => stateOf(node, late.taskId))
  // The sweeper runs every 2 s: past skew in chain time, `late` ends; `open` must not.
  const ended = await until('late task ends', async () => { const s = await stateOf(node, late.taskId); return s?.state === 'failed' ? s : undefined }, 20_000)
  assert.match(ended.reason!, /^timeout: deadline passed/)
  assert.equal((await stateOf(node, open.taskId))?.state, 'waiting-inputs', 'a task open in chain time is not failed by the local clock')
})

test('defect 9: sessions are set up once per task across restarts; ended tasks are pruned; /metrics counts from the index', async () => {
  const root = await fresh()
  const dataDir = join(root, 'node')
  const committee = await committeeWith(root, dataDir)
  const kept = spec(committee)
  const short = spec(committee, 3)
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [kept, short] }))
  let node = await startNode(root, dataDir)
  await until('task', () => stateOf(node, kept.taskId))
  await until('short task fails', async () => ((await stateOf(node, short.taskId))?.state === 'failed' ? true : undefined), 20_000)
  await node.stop()

  const calls = new Map<string, number>()
  const expect = MpcNetwork.prototype.expect
  MpcNetwork.prototype.expect = function (this: MpcNetwork, session, members) {
    calls.set(session, (calls.get(session) ?? 0) + 1)
    return expect.call(this, session, members)
  }
  try {
    node = await startNode(root, dataDir, { taskRetentionMs: 0 })
    await new Promise((r) => setTimeout(r, 600))
  } finally {
    MpcNetwork.prototype.expect = expect
  }
  assert.equal(calls.get(kept.taskId), 1, 'one session per task, not one per start-up path')
  // Retention 0: the failed task is gone (record, index) and, past its deadline, not taken on again.
  assert.equal(await stateOf(node, short.taskId), undefined)
  assert.equal((await stateOf(node, kept.taskId))?.state, 'waiting-inputs')
  const metrics = (await fetch(`${api(node)}/metrics`).then((r) => r.text()))
  assert.match(metrics, /enigma_node_tasks\{state="waiting-inputs"\} 1\b/)
  assert.match(metrics, /enigma_node_tasks\{state="failed"\} 0\b/)
})

test('defect 11: outputs/constructor is 404, upper-case task ids match, timeouts are bounded, a lost key file is refused', async () => {
  const root = await fresh()
  const dataDir = join(root, 'node')
  const committee = await committeeWith(root, dataDir)
  const upper = spec(committee)
  const written = { ...upper, taskId: `0x${upper.taskId.slice(2).toUpperCase()}` }
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [written] }))
  const node = await startNode(root, dataDir)
  const st = await until('upper-case task', () => stateOf(node, upper.taskId))
  assert.equal(st.state, 'waiting-inputs')

  const rec = (await node.store.getTask(upper.taskId))!
  await node.store.putTask({ ...rec, state: 'computing', updatedAt: Date.now() })
  await node.store.putResult({ taskId: upper.taskId, outputHash: `0x${'11'.repeat(32)}`, publicOutputs: '0x', publicValues: {}, outputShares: {}, completedAt: Date.now() }, { ...rec, state: 'computing' })
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const r = await getJson(`${api(node)}/v1/tasks/${upper.taskId}/outputs/${name}`)
    assert.equal(r.status, 404, `${name}: ${JSON.stringify(r.json)}`)
  }

  for (const k of ['mpcTimeoutMs', 'mpcStartTimeoutMs', 'computeTimeoutMs']) {
    for (const v of [0, 2 ** 31, 2 ** 40]) {
      assert.throws(() => checkConfig({ dataDir, [k]: v }), (e) => isEnigmaError(e, 'NODE_CONFIG_INVALID') && e.message.includes(k))
    }
    checkConfig({ dataDir, [k]: 2 ** 31 - 1 })
  }

  const lost = join(root, 'lost')
  await mkdir(join(lost, 'db'), { recursive: true })
  await assert.rejects(loadOrCreateIdentity(lost), (e) => isEnigmaError(e, 'NODE_KEYSTORE_MISSING'))
  const n2 = new SecretNode(checkConfig({ dataDir: lost }), { log: silentLogger })
  nodes.push(n2)
  await assert.rejects(n2.start(), (e) => isEnigmaError(e, 'NODE_KEYSTORE_MISSING'))
})

test('issue #10 point 7: a task whose declared cost is below its circuit is refused (the node would be underpaid)', async () => {
  const root = await fresh()
  const dataDir = join(root, 'node')
  const committee = await committeeWith(root, dataDir)
  const node = await startNode(root, dataDir)
  const paid = { multiplications: compiled.cost.totalMultiplications, rounds: compiled.cost.rounds }
  const underpriced = { ...spec(committee), declaredCost: { ...paid, rounds: paid.rounds - 1 } }
  const priced = { ...spec(committee), declaredCost: paid }
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [underpriced, priced] }))
  const bad = await until('underpriced task failed', async () => {
    const s = await stateOf(node, underpriced.taskId)
    return s?.state === 'failed' ? s : undefined
  })
  assert.match(bad.reason!, /bad task: .*declared cost/)
  assert.equal((await until('priced task', () => stateOf(node, priced.taskId))).state, 'waiting-inputs')
  await node.stop()
})
