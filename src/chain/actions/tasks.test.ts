// Tests of deployController, setPricing, registerSecretContract, getSecretContract, quoteTask,
// createTask, selectCommittee, getCommitteeMembers, fillInputSlot, getTask, refundTask,
// withdrawCredits, getCredits.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, zeroHash, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, fakeIdentity, type ControllerFixture } from '../testing/fixture.ts'
import { assertRefused } from '../testing/assert.ts'
import { deployController } from './deployController.ts'
import { setPricing } from './setPricing.ts'
import { registerSecretContract } from './registerSecretContract.ts'
import { getSecretContract } from './getSecretContract.ts'
import { quoteTask } from './quoteTask.ts'
import { createTask, type CreateTaskParameters } from './createTask.ts'
import { selectCommittee } from './selectCommittee.ts'
import { getCommitteeMembers } from './getCommitteeMembers.ts'
import { fillInputSlot } from './fillInputSlot.ts'
import { getTask } from './getTask.ts'
import { refundTask } from './refundTask.ts'
import { withdrawCredits } from './withdrawCredits.ts'
import { getCredits } from './getCredits.ts'
import { taskParamsHash, encodeTaskParams } from '../params.ts'
import { writeController } from '../internal/write.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('auction-v1'))
const MULS = 1000n
const ROUNDS = 20
before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, [2, 3, 4, 5, 6, 7], [parseEther('1'), parseEther('2'), parseEther('3'), parseEther('1'), parseEther('2'), parseEther('3')])
})
after(async () => { await fx?.stop() })

async function taskParams(over: Partial<CreateTaskParameters> = {}): Promise<CreateTaskParameters> {
  return {
    address: fx.address, codeHash, params: { bidders: 2, bits: 32 }, n: 5, t: 2, security: 'malicious',
    inputSlots: [{ name: 'bids[0]', owner: fx.wallet(10).account.address }, { name: 'bids[1]', owner: fx.wallet(11).account.address }],
    deadline: (await fx.now()) + 3600n, fee: await quoteTask(fx.publicClient, { address: fx.address, codeHash }), ...over,
  }
}

test('deployController refuses a bad configuration', async () => {
  await assertRefused(deployController(fx.wallet(0), { ...fx.config, minStake: 0n }), 'InvalidConfig')
  await assertRefused(deployController(fx.wallet(0), { ...fx.config, withdrawDelay: fx.config.maxTaskDuration - 1n }), 'InvalidConfig')
  await assertRefused(deployController(fx.wallet(0), { ...fx.config, accuserShareBps: 10_001 }), 'InvalidConfig')
})

test('registerSecretContract: owner, immutable; quote = base + per multiplication + per round', async () => {
  await assertRefused(quoteTask(fx.publicClient, { address: fx.address, codeHash }), 'UnknownContract', [codeHash])
  await registerSecretContract(fx.wallet(12), { address: fx.address, codeHash, multiplications: MULS, rounds: ROUNDS, uri: 'ipfs://auction' })
  assert.deepEqual(await getSecretContract(fx.publicClient, { address: fx.address, codeHash }),
    { owner: fx.wallet(12).account.address, multiplications: MULS, rounds: ROUNDS, uri: 'ipfs://auction' })
  await assertRefused(registerSecretContract(fx.wallet(13), { address: fx.address, codeHash, multiplications: 1n, rounds: 1, uri: 'x' }), 'ContractAlreadyRegistered', [codeHash])
  const c = fx.config
  assert.equal(await quoteTask(fx.publicClient, { address: fx.address, codeHash }), c.baseFee + c.feePerMultiplication * MULS + c.feePerRound * BigInt(ROUNDS))
})

test('setPricing: owner only, changes the quote', async () => {
  await assertRefused(setPricing(fx.wallet(5), { address: fx.address, baseFee: 1n, feePerMultiplication: 1n, feePerRound: 1n }), 'Unauthorized', [fx.wallet(5).account.address])
  await setPricing(fx.wallet(0), { address: fx.address, baseFee: 7n, feePerMultiplication: 3n, feePerRound: 5n })
  assert.equal(await quoteTask(fx.publicClient, { address: fx.address, codeHash }), 7n + 3n * MULS + 5n * BigInt(ROUNDS))
  const c = fx.config
  await setPricing(fx.wallet(0), { address: fx.address, baseFee: c.baseFee, feePerMultiplication: c.feePerMultiplication, feePerRound: c.feePerRound })
})

test('createTask escrows the fee, records params, slots and a re-runnable committee', async () => {
  const p = await taskParams({ fee: (await taskParams()).fee + 123n }) // overpaying is allowed: all is escrowed
  const r = await createTask(fx.wallet(14), p)
  assert.equal(r.paramsHash, taskParamsHash(p.params))
  assert.equal(r.committee.length, 5)
  assert.equal(new Set(r.committee).size, 5)
  const task = await getTask(fx.publicClient, { address: fx.address, taskId: r.taskId })
  assert.equal(task.status, 'open')
  assert.equal(task.fee, p.fee)
  assert.equal(task.creator, fx.wallet(14).account.address)
  assert.equal(task.security, 'malicious')
  assert.deepEqual([task.n, task.t, task.deadline], [5, 2, p.deadline])
  assert.deepEqual(task.committee, r.committee)
  assert.deepEqual(task.slots, p.inputSlots.map((s) => ({ owner: s.owner, commitment: zeroHash })))
  // anyone can re-run the selection at the creation block
  const rerun = await selectCommittee(fx.publicClient, { address: fx.address, seed: r.seed, n: 5, blockNumber: r.receipt.blockNumber })
  assert.deepEqual(rerun, r.committee)
  const block = await fx.publicClient.getBlock({ blockNumber: r.receipt.blockNumber })
  const members = await getCommitteeMembers(fx.publicClient, { address: fx.address, committee: r.committee })
  assert.equal(members[3]!.index, 3)
  const idx = [2, 3, 4, 5, 6, 7].find((i) => fx.wallet(i).account.address === r.committee[3])!
  assert.deepEqual({ ...members[3]! }, { index: 3, account: r.committee[3], ...fakeIdentity(idx) })
  assert.ok(block.mixHash) // prevrandao of the creation block
  assert.equal(await fx.publicClient.getBalance({ address: fx.address }) >= p.fee, true)
})

test('createTask refusals: fee, committee shape, active set, security, deadline, unknown contract', async () => {
  const w = fx.wallet(14)
  const p = await taskParams()
  await assertRefused(createTask(w, { ...p, fee: p.fee - 1n }), 'InsufficientFee', [p.fee - 1n, p.fee])
  await assertRefused(createTask(w, { ...p, n: 4, t: 2 }), 'InvalidCommittee') // t < n/2 fails
  await assertRefused(createTask(w, { ...p, n: 2, t: 1 }), 'InvalidCommittee') // below the minimum
  await assertRefused(createTask(w, { ...p, n: 5, t: 0 }), 'InvalidCommittee')
  await assertRefused(createTask(w, { ...p, n: 7, t: 3 }), 'NotEnoughActiveNodes', [7n, 6n])
  // The typed action cannot express mode 2: send the raw request to prove the controller checks it.
  await assertRefused(writeController('createTask', w, { address: fx.address, value: p.fee }, 'createTask', [{
    codeHash, params: encodeTaskParams(p.params), n: 5, t: 2, securityMode: 2, inputSlots: [], deadline: p.deadline,
  }]), 'InvalidSecurityMode', [2])
  await assertRefused(createTask(w, { ...p, deadline: (await fx.now()) }), 'InvalidDeadline')
  await assertRefused(createTask(w, { ...p, deadline: (await fx.now()) + fx.config.maxTaskDuration + 10n }), 'InvalidDeadline')
  await assertRefused(createTask(w, { ...p, codeHash: zeroHash }), 'UnknownContract')
})

test('fillInputSlot: only the slot owner, once, before the deadline', async () => {
  const p = await taskParams()
  const { taskId } = await createTask(fx.wallet(14), p)
  const commitment = keccak256(stringToHex('bundle-0'))
  await assertRefused(fillInputSlot(fx.wallet(11), { address: fx.address, taskId, slot: 0, commitment }), 'NotSlotOwner')
  await assertRefused(fillInputSlot(fx.wallet(10), { address: fx.address, taskId, slot: 2, commitment }), 'InvalidSlot')
  await assertRefused(fillInputSlot(fx.wallet(10), { address: fx.address, taskId, slot: 0, commitment: zeroHash }), 'ZeroCommitment')
  await assertRefused(fillInputSlot(fx.wallet(10), { address: fx.address, taskId: zeroHash, slot: 0, commitment }), 'UnknownTask')
  await fillInputSlot(fx.wallet(10), { address: fx.address, taskId, slot: 0, commitment })
  await assertRefused(fillInputSlot(fx.wallet(10), { address: fx.address, taskId, slot: 0, commitment }), 'SlotAlreadyFilled')
  const task = await getTask(fx.publicClient, { address: fx.address, taskId })
  assert.equal(task.slots[0]!.commitment, commitment)
  await fx.advance(3601n)
  await assertRefused(fillInputSlot(fx.wallet(11), { address: fx.address, taskId, slot: 1, commitment }), 'DeadlinePassed')
})

test('refundTask: not before the deadline, then the whole fee to the creator, once; withdrawCredits to the wei', async () => {
  const creator = fx.wallet(15)
  const p = await taskParams({ fee: parseEther('0.5') })
  const { taskId } = await createTask(creator, p)
  await assertRefused(refundTask(fx.wallet(16), { address: fx.address, taskId }), 'DeadlineNotReached', [p.deadline])
  await fx.advance(3600n)
  await refundTask(fx.wallet(16), { address: fx.address, taskId }) // anyone may trigger it
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId })).status, 'refunded')
  await assertRefused(refundTask(fx.wallet(16), { address: fx.address, taskId }), 'TaskNotOpen')
  assert.equal(await getCredits(fx.publicClient, { address: fx.address, account: creator.account.address }), parseEther('0.5'))
  const before = await fx.publicClient.getBalance({ address: creator.account.address })
  const r = await withdrawCredits(creator, { address: fx.address })
  const after = await fx.publicClient.getBalance({ address: creator.account.address })
  assert.equal(after - before, parseEther('0.5') - r.gasUsed * r.receipt.effectiveGasPrice)
  await assertRefused(withdrawCredits(creator, { address: fx.address }), 'NothingToWithdraw')
  await assertRefused(refundTask(fx.wallet(16), { address: fx.address, taskId: keccak256('0x99') as Hex }), 'UnknownTask')
})
