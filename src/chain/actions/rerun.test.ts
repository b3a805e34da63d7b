// Re-run instead of refund (issue #12, docs/faults.md): once a member of an Open task's committee is
// suspended (a majority's votes) or slashed, anyone returns the task to a fresh draw that cannot pick
// it; at most MAX_RERUNS times and only before the deadline.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, parseEventLogs, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { accuse } from './accuse.ts'
import { rerunTask } from './rerunTask.ts'
import { drawCommittee } from './drawCommittee.ts'
import { getTask } from './getTask.ts'
import { signAccusation } from '../../node/attestation.ts'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { ChainTaskSource } from '../task-source.ts'
import type { TaskEvent } from '../../node/task-source.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('rerun-v1'))
const NODE_ACCOUNTS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
const reason = keccak256(stringToHex('enigma.accuse.unresponsive.v1'))
const indexOf = new Map<Address, number>()

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, NODE_ACCOUNTS.map(() => parseEther('1')))
  for (const i of NODE_ACCOUNTS) indexOf.set(hardhatAccount(i).address, i)
})
after(async () => { await fx?.stop() })

async function suspend(taskId: Hex, committee: readonly Address[], accused: Address): Promise<void> {
  const voters = committee.filter((a) => a !== accused).slice(0, 3)
  const signatures = await Promise.all(voters.map(async (v) => (await signAccusation(hardhatAccount(indexOf.get(v)!), fx.domain, { taskId, accused, reason })).signature))
  await accuse(fx.wallet(20), { address: fx.address, taskId, accused, reason, signatures })
}

async function redraw(taskId: Hex, drawBlock: bigint): Promise<readonly Address[]> {
  const latest = await fx.publicClient.getBlockNumber({ cacheTime: 0 })
  if (latest < drawBlock) await fx.mine(Number(drawBlock - latest))
  const drawn = await drawCommittee(fx.wallet(21), { address: fx.address, taskId })
  assert.ok(drawn.drawn)
  return drawn.committee
}

test('rerunTask: a suspended member sends the task back to a fresh draw without it, at most MAX_RERUNS times', async () => {
  const task = await createDrawnTask(fx, fx.wallet(14), {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'malicious', multiplications: 1n, rounds: 1, inputSlots: [],
    deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  let committee: readonly Address[] = task.committee
  const outsider = NODE_ACCOUNTS.map((i) => hardhatAccount(i).address).find((a) => !committee.includes(a))!
  const keeper = fx.wallet(22) // anyone
  await assertRefused(rerunTask(keeper, { address: fx.address, taskId: task.taskId, culprit: committee[0]! }), 'NotSuspended')
  await assertRefused(rerunTask(keeper, { address: fx.address, taskId: task.taskId, culprit: outsider }), 'NotCommitteeMember')
  await assertRefused(rerunTask(keeper, { address: fx.address, taskId: keccak256('0x01'), culprit: committee[0]! }), 'UnknownTask')
  const excluded: Address[] = []
  const committees: (readonly Address[])[] = [committee]
  for (let rerun = 1; rerun <= 2; rerun++) {
    const culprit = committee[1]!
    await suspend(task.taskId, committee, culprit)
    excluded.push(culprit)
    const r = await rerunTask(keeper, { address: fx.address, taskId: task.taskId, culprit })
    const [ev] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'TaskRerun', logs: r.receipt.logs })
    assert.deepEqual([ev!.args.taskId, ev!.args.culprit, ev!.args.reruns], [task.taskId, culprit, rerun])
    assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })).status, 'pending')
    // Pending: a second re-run waits for the draw.
    await assertRefused(rerunTask(keeper, { address: fx.address, taskId: task.taskId, culprit }), 'TaskNotOpen')
    committee = await redraw(task.taskId, ev!.args.drawBlock!)
    committees.push(committee)
    assert.equal(committee.length, 5)
    for (const x of excluded) assert.ok(!committee.includes(x), `the new committee holds the suspended ${x}`)
    assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })).status, 'open')
  }
  // A member of attempts 1 and 2 (of 10 nodes, 4 of attempt 1's non-culprits and 5 of 8 for attempt 2: they
  // share one at least), suspended after attempt 2's draw: not left out of attempt 2's hand-off (below).
  const late = committee.find((a) => committees[1]!.includes(a))!
  await suspend(task.taskId, committee, late)
  await assertRefused(rerunTask(keeper, { address: fx.address, taskId: task.taskId, culprit: late }), 'TooManyReruns')
  // The chain task source (a node started now scans from the deployment block) reports every draw as an
  // attempt of the same task: attempt k names attempt k−1's committee and the culprit left out.
  const source = new ChainTaskSource({ client: fx.publicClient, address: fx.address, pollingIntervalMs: 50 })
  const seen: TaskEvent[] = []
  source.subscribe((e) => seen.push(e))
  await source.start()
  try {
    const attempts = seen.flatMap((e) => (e.kind === 'created' && e.task.taskId === task.taskId ? [e.task] : []))
    assert.deepEqual(attempts.map((a) => a.attempt ?? 0), [0, 1, 2])
    for (let k = 1; k < attempts.length; k++) {
      assert.deepEqual(attempts[k]!.rerun!.previousCommittee.map((m) => m.account), attempts[k - 1]!.committee.map((m) => m.account))
      assert.equal(attempts[k]!.rerun!.culprit, excluded[k - 1])
      // The old members the hand-off leaves out, read at the draw block (src/chain/rerun-excluded.ts): the
      // culprit only — not attempt 2's member suspended after that draw, though the scan runs after it.
      assert.deepEqual(attempts[k]!.rerun!.excluded, [excluded[k - 1]])
      assert.ok(!attempts[k]!.committee.some((m) => m.account === excluded[k - 1]))
    }
    assert.deepEqual((await source.openTasks()).filter((x) => x.taskId === task.taskId).map((x) => x.attempt), [2])
  } finally {
    await source.stop()
  }
})

test('rerunTask: not past the deadline (the creator is refunded then)', async () => {
  const task = await createDrawnTask(fx, fx.wallet(15), {
    address: fx.address, codeHash, params: {}, n: 3, t: 1, security: 'malicious', multiplications: 1n, rounds: 1, inputSlots: [],
    deadline: (await fx.now()) + 100n, fee: parseEther('0.1'),
  })
  await suspend(task.taskId, task.committee, task.committee[0]!)
  await fx.advance(101n)
  await assertRefused(rerunTask(fx.wallet(22), { address: fx.address, taskId: task.taskId, culprit: task.committee[0]! }), 'DeadlinePassed')
})
