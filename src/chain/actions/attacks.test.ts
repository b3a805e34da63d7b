// Issue #10, attacks 1, 2, 6 and 9, written the way the attacker would run them (colluding accounts,
// the attacker's own contract), against the controller on a local chain. Each asserts that the
// attack fails or costs more than it gains. (3: src/chain/selection.test.ts and the seat bound in
// selectCommittee.test.ts; 4: task-source.test.ts; 5: receipts.test.ts; 7: tasks.test.ts.)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { getAddress, keccak256, stringToHex, parseEther, parseEventLogs, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { deployTestContract } from '../testing/deploy-test-contract.ts'
import { grindingCreatorAbi, grindingCreatorBytecode } from '../testing/generated/GrindingCreator.ts'
import { etherRefuserAbi, etherRefuserBytecode } from '../testing/generated/EtherRefuser.ts'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { deployController } from './deployController.ts'
import { createTask, type CreateTaskParameters } from './createTask.ts'
import { NO_CALLBACK } from './getCallback.ts'
import { accuse } from './accuse.ts'
import { proveEquivocation } from './proveEquivocation.ts'
import { submitReceipt } from './submitReceipt.ts'
import { attest } from './attest.ts'
import { settle } from './settle.ts'
import { refundTask } from './refundTask.ts'
import { fillInputSlot } from './fillInputSlot.ts'
import { getNode } from './getNode.ts'
import { getActiveNodes } from './getActiveNodes.ts'
import { getCredits } from './getCredits.ts'
import { registerNode } from './registerNode.ts'
import { setActive } from './setActive.ts'
import { withdrawStake } from './withdrawStake.ts'
import { writeController } from '../internal/write.ts'
import { encodeTaskParams } from '../params.ts'
import { signAccusation, signAttestation, signStatement } from '../../node/attestation.ts'

let fx: ControllerFixture
/** The controller's custom errors, so a revert bubbling up through a test contract is decoded. */
const controllerErrors = enigmaControllerAbi.filter((x) => x.type === 'error')
const NODES = Array.from({ length: 34 }, (_, k) => 2 + k) // accounts 2..35, 1 ETH each
const COLLUDERS = [2, 3]
const codeHash = keccak256(stringToHex('attacks'))
const indexOf = new Map<Address, number>()
const credits = (a: Address) => getCredits(fx.publicClient, { address: fx.address, account: a })

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODES, [parseEther('1')])
  for (const i of NODES) indexOf.set(hardhatAccount(i).address, i)
})
after(async () => { await fx?.stop() })

async function request(over: Partial<CreateTaskParameters> = {}): Promise<CreateTaskParameters> {
  return {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'malicious', multiplications: 0n, rounds: 0, inputSlots: [],
    deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'), ...over,
  }
}

test('attack 1 (stake theft by vote): two colluders on an n = 32, t = 1 committee cannot take or even freeze anyone’s stake', async () => {
  const stakedBefore = (await getActiveNodes(fx.publicClient, { address: fx.address })).totalActiveStake
  const attackerCredits = await Promise.all(COLLUDERS.map((i) => credits(hardhatAccount(i).address)))
  // the colluders create the task themselves with the smallest t allowed, until both sit on it
  let task
  for (let tries = 0; tries < 20; tries++) {
    const t = await createDrawnTask(fx, fx.wallet(COLLUDERS[0]!), await request({ n: 32, t: 1 }))
    if (COLLUDERS.every((i) => t.committee.includes(hardhatAccount(i).address))) { task = t; break }
  }
  assert.ok(task, 'the colluders never sat together (2 of 34 on 32 seats: ~88 % per try)')
  const victims = task.committee.filter((a) => !COLLUDERS.includes(indexOf.get(a)!))
  const reason = keccak256(stringToHex('made-up'))
  for (const victim of victims.slice(0, 5)) {
    const votes = await Promise.all(COLLUDERS.map(async (i) => (await signAccusation(hardhatAccount(i), fx.domain, { taskId: task.taskId, accused: victim, reason })).signature))
    // t + 1 = 2 votes were enough before; now a majority of the 32 (17) is needed, whatever t is
    await assertRefused(accuse(fx.wallet(COLLUDERS[0]!), { address: fx.address, taskId: task.taskId, accused: victim, reason, signatures: votes }), 'InsufficientSignatures', [2n, 17n])
    const node = await getNode(fx.publicClient, { address: fx.address, node: victim })
    assert.deepEqual([node.slashed, node.active, node.stake], [false, true, parseEther('1')])
  }
  assert.equal((await getActiveNodes(fx.publicClient, { address: fx.address })).totalActiveStake, stakedBefore)
  // and the throw-away task is not free: after the refund the creator is short the protocol fee
  await fx.advance(3601n)
  await refundTask(fx.wallet(20), { address: fx.address, taskId: task.taskId })
  for (const [k, i] of COLLUDERS.entries()) {
    const gained = await credits(hardhatAccount(i).address) - attackerCredits[k]!
    assert.ok(gained <= 0n || (i === COLLUDERS[0] && gained < parseEther('0.1')), `colluder ${i} gained ${gained}`)
  }
})

test('attack 2 (committee grinding): a wrapper that keeps a task only if its nodes hold the committee never succeeds', async () => {
  const wrapper = await deployTestContract(fx.wallet(30), grindingCreatorAbi, grindingCreatorBytecode, [fx.address])
  const sybils = NODES.slice(0, 20).map((i) => hardhatAccount(i).address)
  const raw = { codeHash, params: encodeTaskParams({}), n: 5, t: 2, securityMode: 1, multiplications: 0n, rounds: 0, inputSlots: [], deadline: (await fx.now()) + 3600n, callback: NO_CALLBACK }
  const abi = [...grindingCreatorAbi, ...controllerErrors]
  const tryGrind = (header: Hex) => writeController('createIfCaptured', fx.wallet(30), { address: wrapper, value: parseEther('0.1'), abi }, 'createIfCaptured', [raw, sybils, 3n, header])
    .then(() => 'kept', (e: Error) => e)
  // 20 attempts in 20 blocks: the committee is unknown inside the creating transaction …
  for (let k = 0; k < 20; k++) {
    const outcome = await tryGrind('0x')
    assert.notEqual(outcome, 'kept')
    assert.match(String((outcome as Error).message) + String((outcome as { details?: string }).details ?? ''), /not captured/)
    await fx.mine(1)
  }
  // … and drawing in the same transaction, with any header, is refused: the draw block is in the future
  const outcome = await tryGrind('0xc0')
  assert.ok(outcome instanceof Error && /DrawTooEarly/.test(`${outcome.message} ${(outcome as { details?: string }).details ?? ''} ${(outcome as { errorName?: string }).errorName ?? ''}`), String(outcome))
  // a creator who keeps throw-away tasks and lets them expire pays the protocol fee for each one
  const before = await credits(fx.wallet(31).account.address)
  const created = []
  for (let k = 0; k < 3; k++) created.push(await createTask(fx.wallet(31), await request()))
  await fx.advance(3601n)
  for (const c of created) await refundTask(fx.wallet(31), { address: fx.address, taskId: c.taskId })
  const lost = 3n * parseEther('0.1') - (await credits(fx.wallet(31).account.address) - before)
  assert.equal(lost, 3n * (parseEther('0.1') * BigInt(fx.config.protocolFeeBps)) / 10_000n)
})

test('attack 6 (escape before accusation): a member that leaves at its deadline cannot withdraw before the accusation window ends', async () => {
  // the old rule's best case for the cheater: withdrawDelay = maxTaskDuration
  const cfg = { ...fx.config, withdrawDelay: fx.config.maxTaskDuration }
  const { address } = await deployController(fx.wallet(0), cfg)
  const members = [36, 37, 38]
  for (const i of members) {
    await registerNode(fx.wallet(i), { address, peerId: `12D3KooWEscape${i}`, encryptionKey: keccak256(stringToHex(`escape-${i}`)), multiaddrs: [], stake: parseEther('1') })
    await setActive(fx.wallet(i), { address, active: true })
  }
  const task = await createDrawnTask(fx, fx.wallet(20), { ...(await request()), address, n: 3, t: 1 })
  const cheater = indexOf.get(task.committee[0]!) ?? members.find((i) => hardhatAccount(i).address === task.committee[0])!
  await setActive(fx.wallet(cheater), { address, active: false }) // leaves right after the draw
  const deadline = (await fx.now()) + 3600n
  await fx.advance(fx.config.maxTaskDuration + 1n) // past inactiveSince + withdrawDelay and past the deadline
  const lockedUntil = (await getNode(fx.publicClient, { address, node: task.committee[0]! })).lockedUntil
  assert.ok(lockedUntil >= deadline - 3600n + fx.config.accusationWindow)
  await assertRefused(withdrawStake(fx.wallet(cheater), { address, amount: parseEther('1') }), 'WithdrawTooEarly', [lockedUntil])
  // the evidence arrives inside the window and takes the stake that could not leave
  const label = keccak256(stringToHex('round'))
  const s1 = await signStatement(hardhatAccount(cheater), { chainId: fx.domain.chainId, verifyingContract: address }, { taskId: task.taskId, label, contentHash: keccak256('0x01') })
  const s2 = await signStatement(hardhatAccount(cheater), { chainId: fx.domain.chainId, verifyingContract: address }, { taskId: task.taskId, label, contentHash: keccak256('0x02') })
  await proveEquivocation(fx.wallet(21), { address, a: s1, b: s2 })
  assert.equal((await getNode(fx.publicClient, { address, node: task.committee[0]! })).stake, 0n)
})

test('point 9: fees that do not fit uint96 revert (no silent truncation); a huge withdrawDelay cannot overflow', async () => {
  const rich = fx.wallet(32)
  await fx.testClient.setBalance({ address: rich.account.address, value: 2n ** 100n })
  await assertRefused(createTask(rich, await request({ fee: 2n ** 97n })), 'SafeCastOverflowedUintDowncast')
  const cfg = { ...fx.config, withdrawDelay: 2n ** 64n - 1n }
  const { address } = await deployController(fx.wallet(0), cfg)
  await registerNode(fx.wallet(33), { address, peerId: '12D3KooWOverflow', encryptionKey: keccak256('0x33'), multiaddrs: [], stake: parseEther('1') })
  await setActive(fx.wallet(33), { address, active: true })
  const r = await setActive(fx.wallet(33), { address, active: false })
  const inactiveSince = (await fx.publicClient.getBlock({ blockNumber: r.receipt.blockNumber })).timestamp
  // uint256 arithmetic: the answer is "not before inactiveSince + 2^64 − 1", not a Panic
  await assertRefused(withdrawStake(fx.wallet(33), { address, amount: 1n }), 'WithdrawTooEarly', [inactiveSince + 2n ** 64n - 1n])
})

test('point 9: a slashed member’s signature does not count and it is not paid at settlement', async () => {
  const task = await createDrawnTask(fx, fx.wallet(20), await request())
  const m = task.committee
  const body = { taskId: task.taskId, outputHash: keccak256('0x0a'), publicOutputs: '0x' as Hex }
  const sig = async (a: Address) => (await signAttestation(hardhatAccount(indexOf.get(a)!), fx.domain, body)).signature
  // member 0 attests the result, then also signs another one: equivocation, slashed
  const good0 = await sig(m[0]!)
  const other0 = await signAttestation(hardhatAccount(indexOf.get(m[0]!)!), fx.domain, { ...body, outputHash: keccak256('0x0b') })
  const { RECEIPT_LABEL, receiptContentHash } = await import('../../node/attestation.ts')
  const st = (x: typeof body, signature: Hex) => ({ taskId: x.taskId, label: RECEIPT_LABEL, contentHash: receiptContentHash(x.outputHash, x.publicOutputs), signer: m[0]!, signature })
  await proveEquivocation(fx.wallet(21), { address: fx.address, a: st(body, good0), b: st({ ...body, outputHash: keccak256('0x0b') }, other0.signature) })
  await assertRefused(submitReceipt(fx.wallet(indexOf.get(m[1]!)!), { address: fx.address, ...body, signatures: [good0, await sig(m[1]!), await sig(m[2]!)] }), 'NodeIsSlashed', [m[0]])
  await submitReceipt(fx.wallet(indexOf.get(m[1]!)!), { address: fx.address, ...body, signatures: [await sig(m[1]!), await sig(m[2]!), await sig(m[3]!)] })
  await assertRefused(attest(fx.wallet(21), { address: fx.address, taskId: task.taskId, signatures: [good0] }), 'NodeIsSlashed', [m[0]])
  // member 3 attested, then gets slashed before settlement: it is not paid
  const s1 = await signStatement(hardhatAccount(indexOf.get(m[3]!)!), fx.domain, { taskId: task.taskId, label: keccak256('0x01'), contentHash: keccak256('0x01') })
  const s2 = await signStatement(hardhatAccount(indexOf.get(m[3]!)!), fx.domain, { taskId: task.taskId, label: keccak256('0x01'), contentHash: keccak256('0x02') })
  await proveEquivocation(fx.wallet(21), { address: fx.address, a: s1, b: s2 })
  await fx.advance(fx.config.attestationWindow + 1n)
  const r = await settle(fx.wallet(21), { address: fx.address, taskId: task.taskId })
  const [settled] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'TaskSettled', logs: r.receipt.logs })
  assert.deepEqual(settled!.args.paid, [m[1], m[2]])
  for (const a of [m[0]!, m[3]!]) indexOf.delete(a)
})

test('point 9: a creator contract that refuses ether keeps its credit; its own withdrawal fails cleanly', async () => {
  const refuser = await deployTestContract(fx.wallet(34), etherRefuserAbi, etherRefuserBytecode, [fx.address])
  const raw = { codeHash, params: encodeTaskParams({}), n: 3, t: 1, securityMode: 0, multiplications: 0n, rounds: 0, inputSlots: [], deadline: (await fx.now()) + 100n, callback: NO_CALLBACK }
  const abi = [...etherRefuserAbi, ...controllerErrors]
  const r = await writeController('create', fx.wallet(34), { address: refuser, value: parseEther('0.1'), abi }, 'create', [raw])
  const [created] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'TaskCreated', logs: r.receipt.logs })
  await fx.advance(101n)
  await refundTask(fx.wallet(21), { address: fx.address, taskId: created!.args.taskId }) // a refund is a credit: never blocked
  assert.equal(await credits(refuser), parseEther('0.09'))
  await assertRefused(writeController('withdraw', fx.wallet(34), { address: refuser, abi }, 'withdraw', []), 'TransferFailed', [getAddress(refuser), parseEther('0.09')])
  assert.equal(await credits(refuser), parseEther('0.09'))
})

test('gas budget (issue #10 point 8): createTask with 200 slots ≤ 1.5 M, fillInputSlot ≤ 70 k', async () => {
  const slots = Array.from({ length: 200 }, (_, k) => ({ name: `bids[${k}]`, owner: hardhatAccount(2 + (k % 38)).address }))
  const t = await createDrawnTask(fx, fx.wallet(20), await request({ inputSlots: slots }))
  assert.ok(t.gasUsed <= 1_500_000n, `createTask 200 slots: ${t.gasUsed}`)
  const owners = slots.map((s) => s.owner)
  for (const slot of [0, 1, 199]) {
    const f = await fillInputSlot(fx.wallet(2 + (slot % 38)), { address: fx.address, taskId: t.taskId, slot, owners, commitment: keccak256('0x01') })
    assert.ok(f.gasUsed <= 70_000n, `fillInputSlot ${slot}: ${f.gasUsed}`)
  }
})
