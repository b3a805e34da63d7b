/**
 * Issue #11 §3 for contract state, on a devnet (Hardhat chain, controller + EnigmaState, five node
 * processes, tasks of n = 3, t = 1, malicious mode): a state's epochs are its versions — each version's
 * holders are the committee of the task that wrote it, so every task moves the state to a new custody
 * committee (state-handoff.ts). Three successive running-ballot tasks on one state; in each hand-off
 * that has holders (versions 1 → task 2 and 2 → task 3; version 0 is all zeros and has none), t of the
 * holders are killed with SIGKILL in the middle of the hand-off and restarted from their data dirs.
 *
 * The victim is a holder outside the new committee when there is one (it dies while dealing: the
 * members must finish with the other holders' dealings), else a holder that is also a member (it dies
 * after opening its hand-off; its task may then fail, and the test shows the state intact — the chain
 * still at v with the same holders — and that a new task on v, after the old one's deadline and
 * release, gets it).
 *
 * Every task reveals the running tally (`close = 1` also persists it), so each version is checked
 * against `evaluatePlain` applied to the accepted votes in order, and the final declassified tally is
 * the whole history's; no node is slashed, no stake moved.
 *
 * Only with ENIGMA_TEST_STATE_FULL=1 (`npm run test:state`): a five-node devnet and restarts take
 * minutes on a loaded machine.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createTestClient, http, type Hex } from 'viem'
import { getContractEvents } from 'viem/actions'
import type { Devnet } from './devnet.ts'
import type { NodeProcess } from './node-process.ts'
import { compileFile, contractPath, deployCompiled } from './contracts.ts'
import { clientFor } from './flow.ts'
import { until, restartNode, killNodes, logSizes, logSince, startKillableDevnet, type KillableDevnet } from './kill-restart.test-util.ts'
import { createState, createTask, getState, submitInput, waitForResult, type EnigmaClient } from '../sdk/index.ts'
import { releaseState } from '../chain/actions/releaseState.ts'
import { getNode } from '../chain/actions/getNode.ts'
import { enigmaControllerAbi } from '../chain/generated/EnigmaController.ts'
import { evaluatePlain } from '../circuit/evaluate-plain.ts'
import type { Compiled } from '../lang/index.ts'

const FULL = process.env.ENIGMA_TEST_STATE_FULL === '1'
const NODES = 5
const N = 3
const T = 1
/** Seconds from the latest block to a task's deadline; a failed task is released after it (evm_increaseTime). */
const DEADLINE_S = 600

let net: KillableDevnet | undefined
/** The live process of each node index (replaced when restarted). */
let procs: NodeProcess[] = []
let devnet: Devnet | undefined
const phase = (name: string) => net!.phase(name)

before(async () => {
  if (!FULL) return
  net = await startKillableDevnet('state kill', { nodes: NODES, threshold: T })
  ;({ procs, devnet } = net)
})
after(async () => { await net?.stop() })

const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase()).sort()

test(`contract state: three tasks on one state, t = ${T} holder(s) killed (SIGKILL) mid-hand-off at every version and restarted; every version intact, the final tally right, nobody slashed`, { skip: !FULL && 'ENIGMA_TEST_STATE_FULL=1 (npm run test:state)' }, async () => {
  const d = devnet!
  const params = { voters: 2, candidates: 3, close: 1 }
  const c: Compiled = await compileFile(contractPath('running-ballot'), params)
  await deployCompiled(clientFor(d.state, d.state.deployer.privateKey), d.state.circuitsDir!, c)
  const voter: EnigmaClient = clientFor(d.state, d.state.accounts[0]!.privateKey)
  const stateAddress = d.state.stateContract!
  const nodeOf = (account: string) => d.state.nodes.findIndex((n) => n.account.toLowerCase() === account.toLowerCase())
  const stakesBefore = await Promise.all(d.state.nodes.map(async (n) => (await getNode(voter.public, { address: d.state.controller, node: n.account })).stake))
  const { stateId } = await createState(voter, { programs: [c] })
  phase('set-up')

  const batches = [[0, 2], [2, 9], [1, 2]]
  let plain: unknown
  let previousCommittee: string[] = []
  const log: string[] = []
  for (const [i, votes] of batches.entries()) {
    const v = BigInt(i)
    const want = evaluatePlain(c.circuit, { votes }, plain === undefined ? {} : { state: plain })
    const held = await getState(voter, { stateId })
    assert.equal(held.version, v)
    const holders = lower([...held.holders])
    assert.deepEqual(holders, lower(previousCommittee), `version ${v}'s holders are the committee of the task that wrote it`)

    // One attempt per loop: a task on v; if a kill broke its hand-off, the state must still be at v with
    // the same holders, and the next attempt (after the failed task's deadline and release) gets it.
    for (let attempt = 0; ; attempt++) {
      const offsets = await logSizes(procs)
      const task = await createTask(voter, {
        codeHash: c.codeHash, params: c.circuit.params, n: N, t: T, security: 'malicious', state: stateId, deadlineSeconds: DEADLINE_S,
        inputSlots: [{ name: 'votes', owner: voter.account!.address }], cost: { multiplications: c.cost.totalMultiplications, rounds: c.cost.rounds },
      })
      assert.equal(task.state?.version, v)
      const committee = lower(task.committee.map((m) => m.account))
      let killed = holders.length === 0 ? 'no holders (version 0)' : 'no kill (a retry)'
      if (holders.length > 0 && attempt === 0) {
        // t victims among the holders: those outside the new committee first (pure dealers).
        const order = [...holders.filter((h) => !committee.includes(h)), ...holders.filter((h) => committee.includes(h))]
        const victims = order.slice(0, T).map(nodeOf)
        const dealer = !committee.includes(order[0]!)
        // The victim's own line: it started dealing (an old-only holder) or opened its hand-off (a member).
        const line = dealer ? '"msg":"dealing a state version to the next task"' : '"msg":"state hand-off"'
        await until(`node ${victims[0]} to log ${line} for task ${task.taskId}`, async () => {
          const text = await logSince(procs[victims[0]!]!, offsets[victims[0]!]!)
          return text.split('\n').some((l) => l.includes(line) && l.toLowerCase().includes(task.taskId.toLowerCase())) ? true : undefined
        }, 120_000, 20)
        await killNodes(procs, victims)
        const back = await Promise.all(victims.map((x) => restartNode(d, x, procs[x]!)))
        victims.forEach((x, k) => { procs[x] = back[k]! })
        killed = `killed node ${victims.join('+')} (${dealer ? 'holder outside the new committee, while dealing' : 'holder in the new committee, in its hand-off'}) and restarted it`
      }
      // (Refused only if the kill already ended the task everywhere: then the failure path below holds.)
      const submitted = await submitInput(voter, { taskId: task.taskId, slot: 'votes', value: votes, circuit: c.circuit }).then(() => undefined, (e: unknown) => e as Error)
      // The receipt, or the SDK's word that the task failed at its members and no re-run followed.
      const result = await waitForResult(voter, { taskId: task.taskId, circuit: c.circuit, timeoutMs: 400_000 }).catch((e: unknown) => e as Error)
      if (!(result instanceof Error)) {
        assert.equal(submitted, undefined)
        assert.deepEqual(result.outputs, want.outputs, `task ${i + 1}: the tally of the accepted votes in order (version ${v} was intact)`)
        assert.deepEqual(result.state, { stateId, version: String(v), committed: String(v + 1n) })
        log.push(`task ${i + 1}${attempt > 0 ? ` (attempt ${attempt + 1})` : ''}: ${killed}; ${i === 0 ? 'first version' : sameSet(holders, committee) ? 'the same committee' : 'to another committee'}`)
        previousCommittee = task.committee.map((m) => m.account)
        break
      }
      // The kill made the task fail: nothing is lost. The chain still has v, with the same holders.
      assert.equal(attempt, 0, `a task without a kill must complete: ${String(result)}${submitted ? ` (input refused: ${submitted.message})` : ''}`)
      const still = await getState(voter, { stateId })
      assert.equal(still.version, v, 'a failed task does not move the state')
      assert.deepEqual(lower([...still.holders]), holders, 'the holders of v keep it')
      log.push(`task ${i + 1}: ${killed}; the task failed (${result.message.split('\n')[0]}), retried`)
      const testClient = createTestClient({ mode: 'hardhat', transport: http(d.state.rpcUrl) })
      await testClient.increaseTime({ seconds: DEADLINE_S + 1 })
      await testClient.mine({ blocks: 1 })
      await releaseState(d.wallet(0), { address: stateAddress, taskId: task.taskId })
    }
    plain = want.state
    const s = await getState(voter, { stateId })
    assert.equal(s.version, v + 1n)
    assert.deepEqual(lower([...s.holders]), lower(previousCommittee))
    phase(`task ${i + 1}`)
  }
  // The final declassified tally is the whole history's: [0,2] + [2,9] + [1,2] with one invalid vote.
  assert.deepEqual(plain, { tally: [1, 1, 3], invalid: 1 })

  // Nobody slashed, no stake moved (a killed node is honest: it only crashed).
  const slashed = await getContractEvents(voter.public, { abi: enigmaControllerAbi, address: d.state.controller, eventName: 'NodeSlashed', fromBlock: BigInt(d.state.fromBlock ?? 0) })
  assert.equal(slashed.length, 0)
  for (const [k, n] of d.state.nodes.entries()) {
    const now = await getNode(voter.public, { address: d.state.controller, node: n.account })
    assert.equal(now.slashed, false, `node ${k}`)
    assert.equal(now.stake, stakesBefore[k], `node ${k} stake`)
  }
  console.log(`# state kill: ${log.join('; ')}`)
})

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return lower(a).join() === lower(b).join()
}
