// Tests of deployController, setPricing, registerSecretContract, getSecretContract, quoteTask,
// createTask, drawCommittee, selectCommittee, getCommitteeMembers, fillInputSlot, getTask,
// refundTask, withdrawCredits, getCredits.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, zeroHash, zeroAddress, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, fakeIdentity, createDrawnTask, type ControllerFixture } from '../testing/fixture.ts'
import { assertRefused } from '../testing/assert.ts'
import { deployController } from './deployController.ts'
import { setPricing } from './setPricing.ts'
import { registerSecretContract } from './registerSecretContract.ts'
import { getSecretContract } from './getSecretContract.ts'
import { quoteTask } from './quoteTask.ts'
import { createTask, type CreateTaskParameters } from './createTask.ts'
import { drawCommittee } from './drawCommittee.ts'
import { selectCommittee } from './selectCommittee.ts'
import { getCommitteeMembers } from './getCommitteeMembers.ts'
import { fillInputSlot } from './fillInputSlot.ts'
import { getTask } from './getTask.ts'
import { NO_CALLBACK } from './getCallback.ts'
import { refundTask } from './refundTask.ts'
import { withdrawCredits } from './withdrawCredits.ts'
import { getCredits } from './getCredits.ts'
import { taskParamsHash, encodeTaskParams } from '../params.ts'
import { slotRoot } from '../merkle.ts'
import { writeController } from '../internal/write.ts'
import { readController } from '../internal/read.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('auction-v1'))
const MULS = 1000n
const ROUNDS = 20
before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, [2, 3, 4, 5, 6, 7], [parseEther('1'), parseEther('2'), parseEther('3'), parseEther('1'), parseEther('2'), parseEther('3')])
})
after(async () => { await fx?.stop() })

const price = () => quoteTask(fx.publicClient, { address: fx.address, multiplications: MULS, rounds: ROUNDS })

async function taskParams(over: Partial<CreateTaskParameters> = {}): Promise<CreateTaskParameters> {
  return {
    address: fx.address, codeHash, params: { bidders: 2, bits: 32 }, n: 5, t: 2, security: 'malicious', multiplications: MULS, rounds: ROUNDS,
    inputSlots: [{ name: 'bids[0]', owner: fx.wallet(10).account.address }, { name: 'bids[1]', owner: fx.wallet(11).account.address }],
    deadline: (await fx.now()) + 3600n, fee: await price(), ...over,
  }
}
const owners = (p: CreateTaskParameters) => p.inputSlots.map((s) => s.owner)

test('deployController refuses a bad configuration (zero treasury, zero durations, reward above 5 %)', async () => {
  const bad = async (over: Partial<typeof fx.config>, what: RegExp) =>
    assert.rejects(deployController(fx.wallet(0), { ...fx.config, ...over }), (e: any) => e.errorName === 'InvalidConfig' && what.test(String(e.args[0])))
  await bad({ minStake: 0n }, /minStake/)
  await bad({ treasury: zeroAddress }, /treasury/)
  await bad({ maxTaskDuration: 0n }, /maxTaskDuration/)
  await bad({ accusationWindow: 0n }, /accusationWindow/)
  await bad({ attestationWindow: 0n }, /attestationWindow/)
  await bad({ suspensionPeriod: 0n }, /suspensionPeriod/)
  await bad({ minActivePerSeat: 0 }, /minActivePerSeat/)
  await bad({ reporterRewardBps: 501 }, /reporterRewardBps/)
  await bad({ protocolFeeBps: 10_001 }, /protocolFeeBps/)
})

test('registerSecretContract: keyed by (code hash, registrant), immutable; quote = base + per multiplication + per round', async () => {
  const me = fx.wallet(12).account.address
  await assertRefused(quoteTask(fx.publicClient, { address: fx.address, codeHash, registrant: me }), 'UnknownContract', [codeHash, me])
  await registerSecretContract(fx.wallet(12), { address: fx.address, codeHash, multiplications: MULS, rounds: ROUNDS, uri: 'ipfs://auction' })
  assert.deepEqual(await getSecretContract(fx.publicClient, { address: fx.address, codeHash, registrant: me }),
    { registered: true, multiplications: MULS, rounds: ROUNDS, uri: 'ipfs://auction' })
  await assertRefused(registerSecretContract(fx.wallet(12), { address: fx.address, codeHash, multiplications: 1n, rounds: 1, uri: 'x' }), 'ContractAlreadyRegistered', [codeHash, me])
  const c = fx.config
  assert.equal(await quoteTask(fx.publicClient, { address: fx.address, codeHash, registrant: me }), c.baseFee + c.feePerMultiplication * MULS + c.feePerRound * BigInt(ROUNDS))
  assert.equal(await price(), c.baseFee + c.feePerMultiplication * MULS + c.feePerRound * BigInt(ROUNDS))
})

test('squatting a code hash is impossible: a second registrant gets its own entry, the first is untouched', async () => {
  const squatter = fx.wallet(13).account.address
  // The squatter registers first with an absurd cost, then with zero: only its own entries exist.
  const squatHash = keccak256(stringToHex('published-circuit'))
  await registerSecretContract(fx.wallet(13), { address: fx.address, codeHash: squatHash, multiplications: 2n ** 63n, rounds: 0, uri: 'squat' })
  await registerSecretContract(fx.wallet(12), { address: fx.address, codeHash: squatHash, multiplications: MULS, rounds: ROUNDS, uri: 'ipfs://real' })
  assert.equal((await getSecretContract(fx.publicClient, { address: fx.address, codeHash: squatHash, registrant: fx.wallet(12).account.address })).uri, 'ipfs://real')
  assert.equal((await getSecretContract(fx.publicClient, { address: fx.address, codeHash: squatHash, registrant: squatter })).uri, 'squat')
  // and a task is priced from its own declared cost, whoever registered what
  const r = await createTask(fx.wallet(14), await taskParams({ codeHash: squatHash }))
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: r.taskId })).codeHash, squatHash)
})

test('setPricing: owner only (Ownable2Step), changes the quote', async () => {
  await assertRefused(setPricing(fx.wallet(5), { address: fx.address, baseFee: 1n, feePerMultiplication: 1n, feePerRound: 1n }), 'OwnableUnauthorizedAccount', [fx.wallet(5).account.address])
  await setPricing(fx.wallet(0), { address: fx.address, baseFee: 7n, feePerMultiplication: 3n, feePerRound: 5n })
  assert.equal(await price(), 7n + 3n * MULS + 5n * BigInt(ROUNDS))
  const c = fx.config
  await setPricing(fx.wallet(0), { address: fx.address, baseFee: c.baseFee, feePerMultiplication: c.feePerMultiplication, feePerRound: c.feePerRound })
  // two-step ownership transfer: nothing changes until the new owner accepts
  await writeController('transferOwnership', fx.wallet(0), { address: fx.address }, 'transferOwnership', [fx.wallet(1).account.address])
  assert.equal(await readController<Address>('owner', fx.publicClient, { address: fx.address }, 'owner', []), fx.wallet(0).account.address)
  await assertRefused(writeController('acceptOwnership', fx.wallet(5), { address: fx.address }, 'acceptOwnership', []), 'OwnableUnauthorizedAccount')
  await writeController('acceptOwnership', fx.wallet(1), { address: fx.address }, 'acceptOwnership', [])
  assert.equal(await readController<Address>('owner', fx.publicClient, { address: fx.address }, 'owner', []), fx.wallet(1).account.address)
  await writeController('transferOwnership', fx.wallet(1), { address: fx.address }, 'transferOwnership', [fx.wallet(0).account.address])
  await writeController('acceptOwnership', fx.wallet(0), { address: fx.address }, 'acceptOwnership', [])
})

test('createTask escrows the fee minus the protocol part, stores the slot root; the committee comes from a later block', async () => {
  const p = await taskParams({ fee: (await price()) + 123n }) // overpaying is allowed
  const treasuryBefore = await getCredits(fx.publicClient, { address: fx.address, account: fx.config.treasury })
  const r = await createTask(fx.wallet(14), p)
  assert.equal(r.paramsHash, taskParamsHash(p.params))
  assert.equal(r.slotRoot, slotRoot(owners(p)))
  assert.equal(r.protocolFee, (p.fee * BigInt(fx.config.protocolFeeBps)) / 10_000n)
  assert.equal(r.escrowed, p.fee - r.protocolFee)
  assert.equal(await getCredits(fx.publicClient, { address: fx.address, account: fx.config.treasury }) - treasuryBefore, r.protocolFee)
  assert.equal(r.drawBlock, r.receipt.blockNumber + 2n)
  let task = await getTask(fx.publicClient, { address: fx.address, taskId: r.taskId })
  assert.equal(task.status, 'pending')
  assert.deepEqual(task.committee, [])
  assert.deepEqual([task.fee, task.creator, task.security, task.n, task.t, task.deadline, task.slotCount], [r.escrowed, fx.wallet(14).account.address, 'malicious', 5, 2, p.deadline, 2])
  // drawing before the draw block is mined is refused (its randomness does not exist yet)
  await assertRefused(drawCommittee(fx.wallet(15), { address: fx.address, taskId: r.taskId }), 'DrawTooEarly', [r.drawBlock])
  await fx.mine(1) // the draw block is next: still too early (a refused call mines nothing)
  await assertRefused(drawCommittee(fx.wallet(15), { address: fx.address, taskId: r.taskId }), 'DrawTooEarly', [r.drawBlock])
  await fx.mine(1)
  // a forged header (any bytes) is refused: the header must hash to blockhash(drawBlock)
  await assertRefused(writeController('drawCommittee', fx.wallet(15), { address: fx.address }, 'drawCommittee', [r.taskId, '0xc0']), 'InvalidBlockHeader')
  const d = await drawCommittee(fx.wallet(15), { address: fx.address, taskId: r.taskId }) // anyone may draw
  assert.ok(d.drawn)
  const header = await fx.publicClient.getBlock({ blockNumber: r.drawBlock })
  assert.equal(d.seed, keccak256(`0x${header.mixHash.slice(2)}${r.taskId.slice(2)}` as Hex))
  assert.equal(new Set(d.committee).size, 5)
  task = await getTask(fx.publicClient, { address: fx.address, taskId: r.taskId })
  assert.deepEqual([task.status, task.seed, task.committee], ['open', d.seed, d.committee])
  await assertRefused(drawCommittee(fx.wallet(15), { address: fx.address, taskId: r.taskId }), 'TaskNotOpen')
  // anyone can re-run the selection at the draw's block state
  const rerun = await selectCommittee(fx.publicClient, { address: fx.address, seed: d.seed, n: 5, blockNumber: d.receipt.blockNumber - 1n })
  assert.deepEqual(rerun, d.committee)
  const members = await getCommitteeMembers(fx.publicClient, { address: fx.address, committee: d.committee })
  const idx = [2, 3, 4, 5, 6, 7].find((i) => fx.wallet(i).account.address === d.committee[3])!
  assert.deepEqual({ ...members[3]! }, { index: 3, account: d.committee[3], ...fakeIdentity(idx) })
})

test('a draw block out of BLOCKHASH reach re-targets the draw to a new future block', async () => {
  const r = await createTask(fx.wallet(14), await taskParams())
  await fx.mine(300)
  const moved = await drawCommittee(fx.wallet(15), { address: fx.address, taskId: r.taskId })
  assert.equal(moved.drawn, false)
  assert.ok(!moved.drawn && moved.drawBlock === moved.receipt.blockNumber + 2n)
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: r.taskId })).status, 'pending')
  await fx.mine(2)
  const d = await drawCommittee(fx.wallet(15), { address: fx.address, taskId: r.taskId })
  assert.ok(d.drawn)
})

test('createTask refusals: fee, committee shape, active set, security, deadline, slots', async () => {
  const w = fx.wallet(14)
  const p = await taskParams()
  await assertRefused(createTask(w, { ...p, fee: p.fee - 1n }), 'InsufficientFee', [p.fee - 1n, p.fee])
  await assertRefused(createTask(w, { ...p, multiplications: MULS + 1n }), 'InsufficientFee') // declared cost is priced
  await assertRefused(createTask(w, { ...p, n: 4, t: 2 }), 'InvalidCommittee') // t < n/2 fails
  await assertRefused(createTask(w, { ...p, n: 2, t: 1 }), 'InvalidCommittee') // below the minimum
  await assertRefused(createTask(w, { ...p, n: 5, t: 0 }), 'InvalidCommittee')
  await assertRefused(createTask(w, { ...p, n: 7, t: 3 }), 'NotEnoughActiveNodes', [7n, 6n])
  // The typed action cannot express mode 2: send the raw request to prove the controller checks it.
  const raw = { codeHash, params: encodeTaskParams(p.params), n: 5, t: 2, securityMode: 2, multiplications: MULS, rounds: ROUNDS, inputSlots: [], deadline: p.deadline, callback: NO_CALLBACK }
  await assertRefused(writeController('createTask', w, { address: fx.address, value: p.fee }, 'createTask', [raw]), 'InvalidSecurityMode', [2])
  await assertRefused(createTask(w, { ...p, deadline: (await fx.now()) }), 'InvalidDeadline')
  await assertRefused(createTask(w, { ...p, deadline: (await fx.now()) + fx.config.maxTaskDuration + 10n }), 'InvalidDeadline')
  await assertRefused(createTask(w, { ...p, inputSlots: [p.inputSlots[0]!, { name: 'bids[1]', owner: zeroAddress }] }), 'ZeroSlotOwner', [1n])
  const many = Array.from({ length: 1025 }, (_, i) => ({ name: `x[${i}]`, owner: fx.wallet(10).account.address }))
  await assertRefused(createTask(w, { ...p, inputSlots: many }), 'TooManyInputSlots', [1025n])
})

test('fillInputSlot: only the owner proven by the Merkle proof, once, after the draw, before the deadline', async () => {
  const p = await taskParams()
  const pending = await createTask(fx.wallet(14), p)
  const commitment = keccak256(stringToHex('bundle-0'))
  const base = { address: fx.address, owners: owners(p), commitment }
  await assertRefused(fillInputSlot(fx.wallet(10), { ...base, taskId: pending.taskId, slot: 0 }), 'TaskNotOpen') // not drawn yet
  const { taskId } = await createDrawnTask(fx, fx.wallet(14), p)
  await assertRefused(fillInputSlot(fx.wallet(11), { ...base, taskId, slot: 0 }), 'NotSlotOwner', [fx.wallet(11).account.address])
  // the attacker's own proof for slot 0 (a tree with itself as owner) does not match the root
  await assertRefused(fillInputSlot(fx.wallet(11), { ...base, owners: [fx.wallet(11).account.address, fx.wallet(11).account.address], taskId, slot: 0 }), 'NotSlotOwner')
  // slot 1's owner with slot 1's proof cannot claim slot 0
  await assertRefused(fillInputSlot(fx.wallet(11), { address: fx.address, taskId, slot: 0, proof: (await import('../merkle.ts')).slotProof(owners(p), 1), commitment }), 'NotSlotOwner')
  await assertRefused(fillInputSlot(fx.wallet(10), { ...base, taskId, slot: 2 }), 'InvalidSlot', [2n])
  await assertRefused(fillInputSlot(fx.wallet(10), { ...base, taskId, slot: 0, commitment: zeroHash }), 'ZeroCommitment')
  await assertRefused(fillInputSlot(fx.wallet(10), { ...base, taskId: zeroHash, slot: 0 }), 'UnknownTask')
  await fillInputSlot(fx.wallet(10), { ...base, taskId, slot: 0 })
  await assertRefused(fillInputSlot(fx.wallet(10), { ...base, taskId, slot: 0 }), 'SlotAlreadyFilled', [0n])
  assert.equal(await readController<boolean>('isSlotFilled', fx.publicClient, { address: fx.address }, 'isSlotFilled', [taskId, 0n]), true)
  assert.equal(await readController<boolean>('isSlotFilled', fx.publicClient, { address: fx.address }, 'isSlotFilled', [taskId, 1n]), false)
  await fx.advance(3601n)
  await assertRefused(fillInputSlot(fx.wallet(11), { ...base, taskId, slot: 1 }), 'DeadlinePassed')
  await refundTask(fx.wallet(16), { address: fx.address, taskId })
  // a finished task takes no input, even before... its deadline has passed and it is refunded
  await assertRefused(fillInputSlot(fx.wallet(11), { ...base, taskId, slot: 1 }), 'TaskNotOpen')
})

test('refundTask: not before the deadline, then the escrowed fee to the creator, once; withdrawCredits to the wei', async () => {
  const creator = fx.wallet(15)
  const before = await getCredits(fx.publicClient, { address: fx.address, account: creator.account.address })
  const p = await taskParams({ fee: parseEther('0.5') })
  const { taskId, escrowed } = await createTask(creator, p) // refundable while still pending, too
  assert.equal(escrowed, parseEther('0.45'))
  await assertRefused(refundTask(fx.wallet(16), { address: fx.address, taskId }), 'DeadlineNotReached', [p.deadline])
  await fx.advance(3600n)
  await refundTask(fx.wallet(16), { address: fx.address, taskId }) // anyone may trigger it
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId })).status, 'refunded')
  await assertRefused(refundTask(fx.wallet(16), { address: fx.address, taskId }), 'TaskNotOpen')
  assert.equal(await getCredits(fx.publicClient, { address: fx.address, account: creator.account.address }) - before, parseEther('0.45'))
  const balBefore = await fx.publicClient.getBalance({ address: creator.account.address })
  const r = await withdrawCredits(creator, { address: fx.address })
  const balAfter = await fx.publicClient.getBalance({ address: creator.account.address })
  assert.equal(balAfter - balBefore, before + parseEther('0.45') - r.gasUsed * r.receipt.effectiveGasPrice)
  await assertRefused(withdrawCredits(creator, { address: fx.address }), 'NothingToWithdraw')
  await assertRefused(refundTask(fx.wallet(16), { address: fx.address, taskId: keccak256('0x99') as Hex }), 'UnknownTask')
})
