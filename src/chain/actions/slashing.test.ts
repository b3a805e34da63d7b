// Tests of accuse and proveEquivocation: vote threshold, self-verifying evidence, accounting to the
// wei, double slashing, and what a slashed node can no longer do.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, type ControllerFixture } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { registerSecretContract } from './registerSecretContract.ts'
import { createTask } from './createTask.ts'
import { accuse } from './accuse.ts'
import { proveEquivocation } from './proveEquivocation.ts'
import { getNode } from './getNode.ts'
import { getActiveNodes } from './getActiveNodes.ts'
import { getCredits } from './getCredits.ts'
import { stake } from './stake.ts'
import { setActive } from './setActive.ts'
import { withdrawStake } from './withdrawStake.ts'
import { signAccusation, signAttestation, signStatement, RECEIPT_LABEL, receiptContentHash } from '../../node/attestation.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('slash-v1'))
const NODE_ACCOUNTS = [2, 3, 4, 5, 6, 7, 8, 9]
const STAKES = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map((e) => parseEther('1') * e + 7n) // odd amounts: rounding shows
const reason = keccak256(stringToHex('mac-check-failed'))
const indexOf = new Map<Address, number>()
const credits = (i: number) => getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(i).address })
const treasury = () => getCredits(fx.publicClient, { address: fx.address, account: fx.config.treasury })

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, STAKES)
  for (const i of NODE_ACCOUNTS) indexOf.set(hardhatAccount(i).address, i)
  await registerSecretContract(fx.wallet(12), { address: fx.address, codeHash, multiplications: 1n, rounds: 1, uri: 'file:x' })
})
after(async () => { await fx?.stop() })

async function newTask() {
  const r = await createTask(fx.wallet(14), {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'malicious', inputSlots: [],
    deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  const members = r.committee.map((a) => indexOf.get(a)!)
  const outsider = NODE_ACCOUNTS.find((i) => !members.includes(i) && indexOf.has(hardhatAccount(i).address))!
  return { ...r, members, outsider }
}

async function votes(taskId: Hex, accused: number, voters: readonly number[]): Promise<Hex[]> {
  return Promise.all(voters.map(async (i) =>
    (await signAccusation(hardhatAccount(i), fx.domain, { taskId, accused: hardhatAccount(accused).address, reason })).signature))
}

test('accuse: t+1 other members slash the accused; shares to the wei; deactivated; no double slashing', async () => {
  const { taskId, members, outsider } = await newTask()
  const [accused, ...others] = members as [number, ...number[]]
  const accusedAddr = hardhatAccount(accused).address
  const slashed = (await getNode(fx.publicClient, { address: fx.address, node: accusedAddr })).stake
  const totalBefore = (await getActiveNodes(fx.publicClient, { address: fx.address })).totalActiveStake
  const base = { address: fx.address, taskId, accused: accusedAddr, reason }

  // refusals first: too few, the accused voting, outsiders, duplicates, non-member accused
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, others.slice(0, 2)) }), 'InsufficientSignatures', [2n, 3n])
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, [accused, ...others.slice(0, 2)]) }), 'AccusedCannotSign')
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, [outsider, ...others.slice(0, 2)]) }), 'NotCommitteeMember')
  const two = await votes(taskId, accused, others.slice(0, 2))
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: [...two, two[1]!] }), 'DuplicateSigner')
  await assertRefused(accuse(fx.wallet(20), { ...base, accused: hardhatAccount(outsider).address, signatures: await votes(taskId, outsider, others.slice(0, 3)) }), 'NotCommitteeMember')
  await assertRefused(accuse(fx.wallet(20), { ...base, taskId: keccak256('0x01'), signatures: two }), 'UnknownTask')

  const voters = others.slice(0, 3)
  const before = await Promise.all(voters.map(credits))
  const treasuryBefore = await treasury()
  await accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, voters) }) // anyone may submit
  const toAccusers = (slashed * 5000n) / 10_000n
  const each = toAccusers / 3n
  for (const [k, i] of voters.entries()) assert.equal(await credits(i) - before[k]!, each)
  assert.equal(await treasury() - treasuryBefore, slashed - 3n * each) // the rounding dust goes to the treasury
  const node = await getNode(fx.publicClient, { address: fx.address, node: accusedAddr })
  assert.deepEqual([node.slashed, node.active, node.stake], [true, false, 0n])
  const set = await getActiveNodes(fx.publicClient, { address: fx.address })
  assert.ok(!set.nodes.includes(accusedAddr))
  assert.equal(set.totalActiveStake, totalBefore - slashed)

  // double slashing, and a slashed node cannot come back or withdraw
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, others.slice(1, 4)) }), 'NodeIsSlashed', [accusedAddr])
  await assertRefused(stake(fx.wallet(accused), { address: fx.address, amount: parseEther('5') }), 'NodeIsSlashed')
  await assertRefused(setActive(fx.wallet(accused), { address: fx.address, active: true }), 'NodeIsSlashed')
  await assertRefused(withdrawStake(fx.wallet(accused), { address: fx.address, amount: 1n }), 'NodeIsSlashed')
  indexOf.delete(accusedAddr)
})

test('proveEquivocation: two different results signed by one member slash it without a vote', async () => {
  const { taskId, members } = await newTask()
  const cheater = members[1]!
  const cheaterAddr = hardhatAccount(cheater).address
  const slashed = (await getNode(fx.publicClient, { address: fx.address, node: cheaterAddr })).stake
  const a = await signAttestation(hardhatAccount(cheater), fx.domain, { taskId, outputHash: keccak256('0x0a'), publicOutputs: '0x' })
  const b = await signAttestation(hardhatAccount(cheater), fx.domain, { taskId, outputHash: keccak256('0x0b'), publicOutputs: '0x' })
  const asStatement = (x: typeof a) => ({ taskId, label: RECEIPT_LABEL, contentHash: receiptContentHash(x.outputHash, x.publicOutputs), signer: x.signer, signature: x.signature })
  const reporter = 21
  const reporterBefore = await credits(reporter)
  const treasuryBefore = await treasury()

  await assertRefused(proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: asStatement(a) }), 'NotConflicting')
  const honest = await signAttestation(hardhatAccount(members[2]!), fx.domain, { taskId, outputHash: keccak256('0x0b'), publicOutputs: '0x' })
  await assertRefused(proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: asStatement(honest) }), 'NotConflicting')
  await assertRefused(proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: { ...asStatement(b), signature: '0x12' } }), 'InvalidSignature', [1n])
  await assert.rejects(proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: { ...asStatement(b), label: reason } }), { code: 'INVALID_ARGUMENT' })

  await proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: asStatement(b) })
  const toReporter = (slashed * 5000n) / 10_000n
  assert.equal(await credits(reporter) - reporterBefore, toReporter)
  assert.equal(await treasury() - treasuryBefore, slashed - toReporter)
  assert.equal((await getNode(fx.publicClient, { address: fx.address, node: cheaterAddr })).slashed, true)
  await assertRefused(proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: asStatement(b) }), 'NodeIsSlashed')
  indexOf.delete(cheaterAddr)
})

test('proveEquivocation with generic statements; a non-member cannot be slashed for a task', async () => {
  const { taskId, members, outsider } = await newTask()
  const label = keccak256(stringToHex('mul#3/round-1'))
  const s1 = await signStatement(hardhatAccount(outsider), fx.domain, { taskId, label, contentHash: keccak256('0x01') })
  const s2 = await signStatement(hardhatAccount(outsider), fx.domain, { taskId, label, contentHash: keccak256('0x02') })
  await assertRefused(proveEquivocation(fx.wallet(21), { address: fx.address, a: s1, b: s2 }), 'NotCommitteeMember')
  const m1 = await signStatement(hardhatAccount(members[0]!), fx.domain, { taskId, label, contentHash: keccak256('0x01') })
  const m2 = await signStatement(hardhatAccount(members[0]!), fx.domain, { taskId, label, contentHash: keccak256('0x02') })
  await proveEquivocation(fx.wallet(21), { address: fx.address, a: m1, b: m2 })
  assert.equal((await getNode(fx.publicClient, { address: fx.address, node: hardhatAccount(members[0]!).address })).slashed, true)
})
