/**
 * Detection → evidence → chain on the real devnet (issue #12, item 2): a chain, the controller and
 * five node processes, one started with `--fault` (test-only, `startDevnet({ faults })`), a task in
 * malicious mode whose committee is all five. The honest members detect the fault, vote, and a
 * majority's votes reach the controller: the culprit is suspended exactly as docs/controller.md says
 * (`accuse`: a majority of n and ≥ 2 votes, no stake moves), and no honest node is suspended, slashed
 * or loses stake. The default suite runs `silent`; `npm run test:faults` adds `wrong-receipt`.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { getContractEvents } from 'viem/actions'
import { enigmaControllerAbi } from '../chain/generated/EnigmaController.ts'
import { getNode } from '../chain/actions/getNode.ts'
import { UNRESPONSIVE_REASON, WRONG_RECEIPT_REASON } from '../node/evidence.ts'
import type { FaultBehaviour } from '../node/faults.ts'
import { createTask, submitInput } from './e2e-helpers.test-util.ts'
import { startDevnet, type Devnet } from './devnet.ts'
import { compileFile, contractPath, deployCompiled } from './contracts.ts'
import { clientFor } from './flow.ts'
import { taskHistory } from './task-history.ts'

const FULL = process.env.ENIGMA_TEST_FAULTS_FULL === '1'
const CULPRIT = 3
const roots: string[] = []
const devnets: Devnet[] = []

after(async () => {
  await Promise.all(devnets.map((d) => d.stop()))
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })))
})

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** A devnet with node CULPRIT faulty, one millionaires task on all five nodes; returns the suspension event. */
async function suspendedFor(behaviour: FaultBehaviour, reason: Hex) {
  const root = await mkdtemp(join(tmpdir(), `enigma-faults-${behaviour}-`))
  roots.push(root)
  const devnet = await startDevnet({
    dir: join(root, 'devnet'), nodes: 5, threshold: 2, faults: [{ index: CULPRIT, behaviour }],
    nodeConfig: { mpcTimeoutMs: 5_000, mpcStartTimeoutMs: 20_000 },
  })
  devnets.push(devnet)
  const s = devnet.state
  const deployer = clientFor(s, s.deployer.privateKey)
  const compiled = await compileFile(contractPath('millionaires'), {})
  await deployCompiled(deployer, s.circuitsDir, compiled)
  const stakes = await Promise.all(s.nodes.map((n) => getNode(deployer.public, { address: s.controller, node: n.account })))
  const alice = clientFor(s, s.accounts[1]!.privateKey)
  const bob = clientFor(s, s.accounts[2]!.privateKey)
  const task = await createTask(clientFor(s, s.accounts[0]!.privateKey), {
    codeHash: compiled.codeHash, n: 5, t: 2, security: 'malicious', deadlineSeconds: 600,
    inputSlots: [{ name: 'alice', owner: alice.account!.address }, { name: 'bob', owner: bob.account!.address }],
  })
  await submitInput(alice, { taskId: task.taskId, slot: 'alice', value: 7, circuit: compiled.circuit })
  await submitInput(bob, { taskId: task.taskId, slot: 'bob', value: 5, circuit: compiled.circuit })
  const culprit = s.nodes[CULPRIT]!.account
  const event = await waitFor('NodeSuspended', async () => {
    const logs = await getContractEvents(deployer.public, { abi: enigmaControllerAbi, address: s.controller, eventName: 'NodeSuspended', fromBlock: BigInt(s.fromBlock ?? 0) })
    return logs.length > 0 ? logs : undefined
  }, 120_000).catch(async (e: Error) => {
    const states = await Promise.all(s.nodes.map((n) => fetch(`${n.api}/v1/tasks/${task.taskId}`).then((r) => r.text(), (x: Error) => x.message)))
    throw new Error(`${e.message}; node states: ${states.join(' | ')}`)
  })
  // Exactly one suspension: the culprit's, for this task and reason.
  assert.equal(event.length, 1, JSON.stringify(event.map((e) => e.args.node)))
  assert.equal(event[0]!.args.node!.toLowerCase(), culprit.toLowerCase())
  assert.equal(event[0]!.args.taskId, task.taskId)
  assert.equal(event[0]!.args.reason, reason)
  const slashed = await getContractEvents(deployer.public, { abi: enigmaControllerAbi, address: s.controller, eventName: 'NodeSlashed', fromBlock: BigInt(s.fromBlock ?? 0) })
  assert.equal(slashed.length, 0)
  // Votes only suspend: nobody's stake moved; the honest nodes stay active and unsuspended.
  for (const [i, n] of s.nodes.entries()) {
    const now = await getNode(deployer.public, { address: s.controller, node: n.account })
    assert.equal(now.stake, stakes[i]!.stake, `node ${i} stake`)
    assert.equal(now.slashed, false)
    if (i === CULPRIT) assert.deepEqual([now.active, now.suspendedUntil > 0n], [false, true])
    else assert.deepEqual([now.active, now.suspendedUntil], [true, 0n], `honest node ${i}`)
  }
  // `enigma task <id>` shows it: the draw, then the suspension with the votes' reason.
  const history = await taskHistory(deployer, task.taskId)
  assert.deepEqual(history.filter((h) => h.event !== 'TaskCompleted').map((h) => h.event), ['CommitteeDrawn', 'NodeSuspended'])
  assert.match(history.find((h) => h.event === 'NodeSuspended')!.detail, new RegExp(`${culprit}.*votes: ${reason === UNRESPONSIVE_REASON ? 'unresponsive' : 'wrong receipt'}`, 'i'))
  return { devnet, task }
}

test('silent member: the others time out on it, a majority votes, the controller suspends it (no stake moves)', async () => {
  await suspendedFor('silent', UNRESPONSIVE_REASON)
})

test('wrong receipt: the task completes on the honest signatures, the culprit is suspended for its wrong hash', { skip: !FULL }, async () => {
  await suspendedFor('wrong-receipt', WRONG_RECEIPT_REASON)
})
