// Issue #11 §2: versions of a secret contract's state on chain (contracts/EnigmaState.sol), attacked the
// way a stranger, a rival task or a replaying creator would, on a local chain: the commit rides on the
// controller's result callback (one transaction with the receipt), one task at a time, no lost update.
// Gas of every call is printed as a diagnostic (docs/state.md keeps the table).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, parseEventLogs, type Address, type Hex } from 'viem'
import { readContract } from 'viem/actions'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture, type FixtureWallet } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { enigmaStateAbi } from '../generated/EnigmaState.ts'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { StateRefusedError } from '../state-errors.ts'
import { stateCallback, STATE_COMMIT_GAS } from '../state-callback.ts'
import { writeState } from '../internal/state.ts'
import { signAttestation } from '../../node/attestation.ts'
import { encodePublicOutputs } from '../../node/typed-outputs.ts'
import { createTask, type CreateTaskParameters } from './createTask.ts'
import { submitReceipt } from './submitReceipt.ts'
import { refundTask } from './refundTask.ts'
import { getCallback } from './getCallback.ts'
import { deployState } from './deployState.ts'
import { createState } from './createState.ts'
import { stateIdOf } from './stateIdOf.ts'
import { bindState } from './bindState.ts'
import { checkStateBind } from './checkStateBind.ts'
import { getState } from './getState.ts'
import { getStateBinding } from './getStateBinding.ts'
import { releaseState } from './releaseState.ts'

let fx: ControllerFixture
let state: Address
const gas = new Map<string, bigint>()
const NODES = [2, 3, 4, 5, 6, 7]
const CREATOR = 10
const ALICE = 11
const STRANGER = 12
const CAP = 5_000_000_000n
const vote = keccak256(stringToHex('running-ballot close=0'))
const close = keccak256(stringToHex('running-ballot close=1'))
const other = keccak256(stringToHex('reveal-everything'))
const typeHash = keccak256(stringToHex('state type'))
const indexOf = new Map<Address, number>()
const P61 = (1n << 61n) - 1n
const publicOutputs = encodePublicOutputs([], new Map(), P61)
const outputHash = keccak256(stringToHex('result'))

const w = (i: number): FixtureWallet => fx.wallet(i)

async function refused(p: Promise<unknown>, code: string, errorName: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StateRefusedError, `expected ${code}, got ${String(e)}`)
    assert.equal(e.code, code)
    assert.equal(e.errorName, errorName)
    return true
  })
}

async function task(creator: number, codeHash: Hex = vote, over: Partial<CreateTaskParameters> = {}) {
  return createDrawnTask(fx, w(creator), {
    address: fx.address, codeHash, params: {}, n: 3, t: 1, security: 'malicious', multiplications: 0n, rounds: 0, inputSlots: [],
    deadline: (await fx.now()) + 600n, fee: parseEther('0.1'), callback: stateCallback(state, CAP), ...over,
  })
}

/** The receipt of t+1 = 2 members of the task's committee, submitted by the first. */
async function receipt(taskId: Hex, committee: readonly Address[]) {
  const members = committee.map((a) => indexOf.get(a)!)
  const signatures = await Promise.all(members.slice(0, 2).map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, { taskId, outputHash, publicOutputs })).signature))
  return submitReceipt(w(members[0]!), { address: fx.address, taskId, outputHash, publicOutputs, signatures })
}

async function newState(salt: string, programs = [{ codeHash: vote }, { codeHash: close, caller: w(CREATOR).account.address }]): Promise<Hex> {
  const r = await createState(w(CREATOR), { address: state, salt: keccak256(stringToHex(salt)), typeHash, programs })
  gas.set('createState (2 programs)', r.gasUsed)
  return r.stateId
}

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODES, [parseEther('1')])
  for (const i of NODES) indexOf.set(hardhatAccount(i).address, i)
  const d = await deployState(w(0), { controller: fx.address })
  state = d.address
  gas.set('deploy', d.gasUsed)
  assert.equal(await readContract(fx.publicClient, { address: state, abi: enigmaStateAbi, functionName: 'COMMIT_GAS' }), STATE_COMMIT_GAS)
})
after(async () => {
  console.log(`# EnigmaState gas: ${[...gas].map(([k, v]) => `${k} ${v}`).join(', ')}`)
  await fx?.stop()
})

test('a state: its id is the creator’s; versions move only with receipts of bound tasks, in the receipt’s transaction; holders are the committee', async () => {
  const id = await newState('ballot')
  assert.equal(id, stateIdOf({ chainId: fx.publicClient.chain.id, address: state, creator: w(CREATOR).account.address, salt: keccak256(stringToHex('ballot')) }))
  await refused(newState('ballot'), 'STATE_EXISTS', 'StateExists')
  const s0 = await getState(fx.publicClient, { address: state, stateId: id })
  assert.equal(s0.version, 0n)
  assert.deepEqual(s0.holders, [])
  for (let v = 0n; v < 3n; v++) {
    const t = await task(ALICE)
    assert.equal(await checkStateBind(fx.publicClient, { address: state, stateId: id, codeHash: vote, caller: w(ALICE).account.address }), v)
    const b = await bindState(w(ALICE), { address: state, stateId: id, taskId: t.taskId })
    gas.set('bindTask', b.gasUsed)
    assert.equal(b.version, v)
    assert.deepEqual(await getStateBinding(fx.publicClient, { address: state, taskId: t.taskId }), { stateId: id, version: v })
    const r = await receipt(t.taskId, t.committee)
    gas.set('submitReceipt with the state commit (t+1 = 2)', r.gasUsed)
    assert.equal((await getCallback(fx.publicClient, { address: fx.address, taskId: t.taskId }))!.status, 'succeeded')
    const [committed] = parseEventLogs({ abi: enigmaStateAbi, eventName: 'StateCommitted', logs: r.receipt.logs })
    assert.ok(committed, 'the commit is in the receipt’s transaction')
    assert.equal(committed.args.version, v + 1n)
    assert.deepEqual(committed.args.holders, t.committee)
    const s = await getState(fx.publicClient, { address: state, stateId: id })
    assert.equal(s.version, v + 1n)
    assert.equal(s.versionTask, t.taskId)
    assert.deepEqual(s.holders, t.committee)
    assert.equal(s.holdersT, 1)
  }
  await refused(getState(fx.publicClient, { address: state, stateId: keccak256('0x99') }), 'STATE_UNKNOWN', 'UnknownState')
})

test('one task at a time: a second bind is refused STATE_BUSY (and checkBind says so before any fee); no lost update', async () => {
  const id = await newState('busy')
  const a = await task(ALICE)
  await bindState(w(ALICE), { address: state, stateId: id, taskId: a.taskId })
  await refused(checkStateBind(fx.publicClient, { address: state, stateId: id, codeHash: vote, caller: w(STRANGER).account.address }), 'STATE_BUSY', 'StateBusy')
  const b = await task(STRANGER)
  await refused(bindState(w(STRANGER), { address: state, stateId: id, taskId: b.taskId }), 'STATE_BUSY', 'StateBusy')
  // B's receipt (it never bound) moves nothing: its callback fails, the receipt stands.
  const rb = await receipt(b.taskId, b.committee)
  assert.equal(rb.callback?.status, 'failed')
  gas.set('submitReceipt, unbound task (callback refused)', rb.gasUsed)
  assert.equal((await getState(fx.publicClient, { address: state, stateId: id })).version, 0n)
  gas.set('submitReceipt with the commit', (await receipt(a.taskId, a.committee)).gasUsed)
  const s = await getState(fx.publicClient, { address: state, stateId: id })
  assert.equal(s.version, 1n)
  assert.equal(s.versionTask, a.taskId)
  // Free again: the next task binds at version 1.
  const c = await task(STRANGER)
  assert.equal((await bindState(w(STRANGER), { address: state, stateId: id, taskId: c.taskId })).version, 1n)
})

test('red team: a stranger binds someone else’s task, a forbidden program, a caller-restricted program, a task without the callback or with too little gas, a bound task again', async () => {
  const id = await newState('redteam')
  const mine = await task(ALICE)
  await refused(bindState(w(STRANGER), { address: state, stateId: id, taskId: mine.taskId }), 'STATE_NOT_TASK_CREATOR', 'NotTaskCreator')
  const reveal = await task(STRANGER, other)
  await refused(bindState(w(STRANGER), { address: state, stateId: id, taskId: reveal.taskId }), 'STATE_PROGRAM_NOT_ALLOWED', 'ProgramNotAllowed')
  const closing = await task(STRANGER, close)
  await refused(bindState(w(STRANGER), { address: state, stateId: id, taskId: closing.taskId }), 'STATE_PROGRAM_NOT_ALLOWED', 'ProgramNotAllowed')
  const noCallback = await task(ALICE, vote, { callback: undefined })
  await refused(bindState(w(ALICE), { address: state, stateId: id, taskId: noCallback.taskId }), 'STATE_CALLBACK_NOT_SET', 'CallbackNotSet')
  const starved = await task(ALICE, vote, { callback: { ...stateCallback(state, CAP), gasLimit: STATE_COMMIT_GAS - 1 } })
  await refused(bindState(w(ALICE), { address: state, stateId: id, taskId: starved.taskId }), 'STATE_CALLBACK_NOT_SET', 'CallbackNotSet')
  await refused(bindState(w(ALICE), { address: state, stateId: keccak256('0x98'), taskId: mine.taskId }), 'STATE_UNKNOWN', 'UnknownState')
  await bindState(w(ALICE), { address: state, stateId: id, taskId: mine.taskId })
  // Re-binding the bound task, to this state or another (it would compute on two states at once).
  await refused(bindState(w(ALICE), { address: state, stateId: id, taskId: mine.taskId }), 'STATE_TASK_ALREADY_BOUND', 'TaskAlreadyBound')
  const second = await newState('redteam-2')
  await refused(bindState(w(ALICE), { address: state, stateId: second, taskId: mine.taskId }), 'STATE_TASK_ALREADY_BOUND', 'TaskAlreadyBound')
  // A stranger (an EOA or its own contract: the check is on msg.sender) calls the commit directly.
  await refused(writeState('onTaskResult', w(STRANGER), state, 'onTaskResult', [mine.taskId, '0x']), 'STATE_ONLY_CONTROLLER', 'OnlyController')
  // The creator restricted `close` to itself: it may bind it (once the state is free).
  await receipt(mine.taskId, mine.committee)
  const closeTask = await task(CREATOR, close)
  await bindState(w(CREATOR), { address: state, stateId: id, taskId: closeTask.taskId })
  // A completed task cannot be bound.
  const done = await task(ALICE)
  await receipt(done.taskId, done.committee)
  await refused(bindState(w(ALICE), { address: state, stateId: second, taskId: done.taskId }), 'STATE_TASK_NOT_OPEN', 'TaskNotOpen')
})

test('a failed task releases its binding without moving the version (not while it is live); its late receipt cannot commit over the next version', async () => {
  const id = await newState('release')
  const a = await task(ALICE)
  await bindState(w(ALICE), { address: state, stateId: id, taskId: a.taskId })
  await refused(releaseState(w(STRANGER), { address: state, taskId: a.taskId }), 'STATE_TASK_LIVE', 'TaskStillLive')
  await fx.advance(601n)
  // Past its deadline: anyone may release, before or without a refund.
  const rel = await releaseState(w(STRANGER), { address: state, taskId: a.taskId })
  gas.set('release', rel.gasUsed)
  await refused(releaseState(w(STRANGER), { address: state, taskId: a.taskId }), 'STATE_NOT_BOUND', 'NotBound')
  const s = await getState(fx.publicClient, { address: state, stateId: id })
  assert.equal(s.version, 0n)
  assert.equal(s.boundTask, `0x${'0'.repeat(64)}`)
  // The next task computes on the same version 0 and commits it; the stale task's receipt is refused by the controller.
  const b = await task(STRANGER)
  assert.equal((await bindState(w(STRANGER), { address: state, stateId: id, taskId: b.taskId })).version, 0n)
  await assertRefused(receipt(a.taskId, a.committee), 'DeadlinePassed')
  await receipt(b.taskId, b.committee)
  assert.equal((await getState(fx.publicClient, { address: state, stateId: id })).versionTask, b.taskId)
  // A refunded task: the bind of the next task releases it implicitly (no keeper needed).
  const c = await task(ALICE)
  await bindState(w(ALICE), { address: state, stateId: id, taskId: c.taskId })
  await fx.advance(601n)
  await refundTask(w(STRANGER), { address: fx.address, taskId: c.taskId })
  const d = await task(STRANGER)
  const bound = await bindState(w(STRANGER), { address: state, stateId: id, taskId: d.taskId })
  assert.equal(bound.version, 1n)
  const released = parseEventLogs({ abi: enigmaStateAbi, eventName: 'StateReleased', logs: bound.receipt.logs })
  assert.deepEqual(released.map((e) => e.args.taskId), [c.taskId])
  assert.equal(await readContract(fx.publicClient, { address: fx.address, abi: enigmaControllerAbi, functionName: 'getTask', args: [c.taskId] }).then((t) => t.status), 5)
})
