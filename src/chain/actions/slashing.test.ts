// Tests of accuse (a vote: suspends, never moves stake) and proveEquivocation (self-verifying
// evidence: slashes, capped reward to the reporter, the rest to the treasury), the accusation
// window, and what a slashed or suspended node can no longer do.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, parseEventLogs, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { createTask } from './createTask.ts'
import { accuse } from './accuse.ts'
import { proveEquivocation } from './proveEquivocation.ts'
import { unsuspend } from './unsuspend.ts'
import { getNode } from './getNode.ts'
import { getActiveNodes } from './getActiveNodes.ts'
import { getCredits } from './getCredits.ts'
import { stake } from './stake.ts'
import { setActive } from './setActive.ts'
import { withdrawStake } from './withdrawStake.ts'
import { signAccusation, signAttestation, signStatement, RECEIPT_LABEL, receiptContentHash } from '../../node/attestation.ts'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('slash-v1'))
const NODE_ACCOUNTS = [2, 3, 4, 5, 6, 7, 8, 9]
const STAKES = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map((e) => parseEther('1') * e + 7n) // odd amounts: rounding shows
const reason = keccak256(stringToHex('mac-check-failed'))
const indexOf = new Map<Address, number>()
const credits = (i: number) => getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(i).address })
const treasury = () => getCredits(fx.publicClient, { address: fx.address, account: fx.config.treasury })
const nodeOf = (i: number) => getNode(fx.publicClient, { address: fx.address, node: hardhatAccount(i).address })

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, STAKES)
  for (const i of NODE_ACCOUNTS) indexOf.set(hardhatAccount(i).address, i)
})
after(async () => { await fx?.stop() })

async function newTask(deadlineIn = 3600n) {
  const r = await createDrawnTask(fx, fx.wallet(14), {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'malicious', multiplications: 1n, rounds: 1, inputSlots: [],
    deadline: (await fx.now()) + deadlineIn, fee: parseEther('0.1'),
  })
  const members = r.committee.map((a) => indexOf.get(a)!)
  const outsider = NODE_ACCOUNTS.find((i) => !members.includes(i) && indexOf.has(hardhatAccount(i).address))!
  return { ...r, members, outsider }
}

async function votes(taskId: Hex, accused: number, voters: readonly number[]): Promise<Hex[]> {
  return Promise.all(voters.map(async (i) =>
    (await signAccusation(hardhatAccount(i), fx.domain, { taskId, accused: hardhatAccount(accused).address, reason })).signature))
}

test('accuse: a majority of the committee (≥ 2) suspends the accused; no stake moves; it cannot rejoin until reviewed', async () => {
  const { taskId, members, outsider } = await newTask()
  const [accused, ...others] = members as [number, ...number[]]
  const accusedAddr = hardhatAccount(accused).address
  const stakeBefore = (await nodeOf(accused)).stake
  const totalBefore = (await getActiveNodes(fx.publicClient, { address: fx.address })).totalActiveStake
  const base = { address: fx.address, taskId, accused: accusedAddr, reason }
  // n = 5: majority = 3, whatever t the creator chose
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, others.slice(0, 2)) }), 'InsufficientSignatures', [2n, 3n])
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, [accused, ...others.slice(0, 2)]) }), 'AccusedCannotSign')
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, [outsider, ...others.slice(0, 2)]) }), 'NotCommitteeMember')
  const two = await votes(taskId, accused, others.slice(0, 2))
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: [...two, two[1]!] }), 'DuplicateSigner')
  await assertRefused(accuse(fx.wallet(20), { ...base, accused: hardhatAccount(outsider).address, signatures: await votes(taskId, outsider, others.slice(0, 3)) }), 'NotCommitteeMember')
  await assertRefused(accuse(fx.wallet(20), { ...base, taskId: keccak256('0x01'), signatures: two }), 'UnknownTask')

  const creditsBefore = await Promise.all(others.map(credits))
  const treasuryBefore = await treasury()
  const r = await accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, others.slice(0, 3)) }) // anyone may submit
  const node = await nodeOf(accused)
  assert.deepEqual([node.slashed, node.active, node.stake], [false, false, stakeBefore])
  assert.ok(node.suspendedUntil > 0n)
  for (const [k, i] of others.entries()) assert.equal(await credits(i), creditsBefore[k]) // voters gain nothing
  assert.equal(await treasury(), treasuryBefore)
  const set = await getActiveNodes(fx.publicClient, { address: fx.address })
  assert.ok(!set.nodes.includes(accusedAddr))
  assert.equal(set.totalActiveStake, totalBefore - stakeBefore)
  assert.ok(parseEventLogs({ abi: enigmaControllerAbi, eventName: 'NodeDeactivated', logs: r.receipt.logs }).length === 1)
  // suspended: cannot rejoin, cannot be suspended twice; the owner's review lifts it
  await assertRefused(setActive(fx.wallet(accused), { address: fx.address, active: true }), 'NodeIsSuspended')
  await assertRefused(accuse(fx.wallet(20), { ...base, signatures: await votes(taskId, accused, others.slice(1, 4)) }), 'NodeIsSuspended')
  await assertRefused(unsuspend(fx.wallet(5), { address: fx.address, node: accusedAddr }), 'OwnableUnauthorizedAccount')
  await unsuspend(fx.wallet(0), { address: fx.address, node: accusedAddr })
  await assertRefused(unsuspend(fx.wallet(0), { address: fx.address, node: accusedAddr }), 'NotSuspended')
  await setActive(fx.wallet(accused), { address: fx.address, active: true })
})

test('red team: after the owner\'s unsuspend, the same votes (or a fresh majority) for the same task cannot suspend the member again', async () => {
  // The honest members' own late submitters (republish up to 12 s, fallbacks 5 s apart) and anyone who
  // kept the signed votes used to undo an unsuspend until deadline + accusationWindow (issue #12).
  const { taskId, members } = await newTask()
  const [accused, ...others] = members as [number, ...number[]]
  const base = { address: fx.address, taskId, accused: hardhatAccount(accused).address, reason }
  const signatures = await votes(taskId, accused, others.slice(0, 3))
  await accuse(fx.wallet(20), { ...base, signatures })
  await unsuspend(fx.wallet(0), { address: fx.address, node: base.accused })
  await assertRefused(accuse(fx.wallet(21), { ...base, signatures }), 'AlreadyAccused', [taskId, base.accused])
  await assertRefused(accuse(fx.wallet(21), { ...base, signatures: await votes(taskId, accused, others.slice(1, 4)) }), 'AlreadyAccused', [taskId, base.accused])
  await assertRefused(accuse(fx.wallet(21), { ...base, reason: keccak256(stringToHex('another reason')), signatures: await Promise.all(others.slice(0, 3).map(async (i) =>
    (await signAccusation(hardhatAccount(i), fx.domain, { taskId, accused: base.accused, reason: keccak256(stringToHex('another reason')) })).signature)) }), 'AlreadyAccused', [taskId, base.accused])
  await setActive(fx.wallet(accused), { address: fx.address, active: true })
  assert.equal((await nodeOf(accused)).suspendedUntil, 0n)
  // Control: another task's majority still suspends it (the memory is per task and member).
  const next = await newTask()
  if (next.members.includes(accused)) {
    const voters = next.members.filter((i) => i !== accused).slice(0, 3)
    await accuse(fx.wallet(20), { ...base, taskId: next.taskId, signatures: await votes(next.taskId, accused, voters) })
    assert.ok((await nodeOf(accused)).suspendedUntil > 0n)
    await unsuspend(fx.wallet(0), { address: fx.address, node: base.accused })
    await setActive(fx.wallet(accused), { address: fx.address, active: true })
  }
  // Another member of the first task can still be suspended for it.
  const [second, ...rest] = others as [number, ...number[]]
  await accuse(fx.wallet(20), { ...base, accused: hardhatAccount(second).address, signatures: await votes(taskId, second, [accused, ...rest].slice(0, 3)) })
  assert.ok((await nodeOf(second)).suspendedUntil > 0n)
  await unsuspend(fx.wallet(0), { address: fx.address, node: hardhatAccount(second).address })
  await setActive(fx.wallet(second), { address: fx.address, active: true })
})

test('accusations and evidence only within the accusation window after the deadline', async () => {
  const { taskId, members } = await newTask(100n)
  const [accused, ...others] = members as [number, ...number[]]
  await fx.advance(100n + fx.config.accusationWindow + 1n)
  await assertRefused(accuse(fx.wallet(20), { address: fx.address, taskId, accused: hardhatAccount(accused).address, reason, signatures: await votes(taskId, accused, others.slice(0, 3)) }), 'WindowClosed')
  const label = keccak256(stringToHex('late'))
  const s1 = await signStatement(hardhatAccount(accused), fx.domain, { taskId, label, contentHash: keccak256('0x01') })
  const s2 = await signStatement(hardhatAccount(accused), fx.domain, { taskId, label, contentHash: keccak256('0x02') })
  await assertRefused(proveEquivocation(fx.wallet(21), { address: fx.address, a: s1, b: s2 }), 'WindowClosed')
  // a task whose committee is not drawn has no one to accuse
  const pending = await createTask(fx.wallet(14), {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'malicious', multiplications: 1n, rounds: 1, inputSlots: [],
    deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  const p1 = await signStatement(hardhatAccount(accused), fx.domain, { taskId: pending.taskId, label, contentHash: keccak256('0x01') })
  const p2 = await signStatement(hardhatAccount(accused), fx.domain, { taskId: pending.taskId, label, contentHash: keccak256('0x02') })
  await assertRefused(proveEquivocation(fx.wallet(21), { address: fx.address, a: p1, b: p2 }), 'TaskNotOpen')
})

test('proveEquivocation: two different results signed by one member take its whole stake; capped reward; never to itself', async () => {
  const { taskId, members } = await newTask()
  const cheater = members[1]!
  const cheaterAddr = hardhatAccount(cheater).address
  const slashed = (await nodeOf(cheater)).stake
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
  await assertRefused(proveEquivocation(fx.wallet(reporter), { address: fx.address, a: { ...asStatement(a), taskId: keccak256('0x77') }, b: { ...asStatement(b), taskId: keccak256('0x77') } }), 'UnknownTask')
  // the cheater reporting itself to collect the reward is refused
  await assertRefused(proveEquivocation(fx.wallet(cheater), { address: fx.address, a: asStatement(a), b: asStatement(b) }), 'SelfReport', [cheaterAddr])

  const r = await proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: asStatement(b) })
  let reward = (slashed * BigInt(fx.config.reporterRewardBps)) / 10_000n
  if (reward > fx.config.reporterRewardCap) reward = fx.config.reporterRewardCap
  assert.equal(await credits(reporter) - reporterBefore, reward)
  assert.equal(await treasury() - treasuryBefore, slashed - reward)
  assert.ok(reward * 20n <= slashed) // ≤ 5 %: a cheater reporting itself through another account loses ≥ 95 %
  const events = parseEventLogs({ abi: enigmaControllerAbi, logs: r.receipt.logs })
  assert.deepEqual(events.map((e) => e.eventName), ['NodeDeactivated', 'NodeSlashed'])
  const node = await nodeOf(cheater)
  assert.deepEqual([node.slashed, node.active, node.stake], [true, false, 0n])
  await assertRefused(proveEquivocation(fx.wallet(reporter), { address: fx.address, a: asStatement(a), b: asStatement(b) }), 'NodeIsSlashed')
  await assertRefused(stake(fx.wallet(cheater), { address: fx.address, amount: parseEther('5') }), 'NodeIsSlashed')
  await assertRefused(setActive(fx.wallet(cheater), { address: fx.address, active: true }), 'NodeIsSlashed')
  await assertRefused(withdrawStake(fx.wallet(cheater), { address: fx.address, amount: 1n }), 'NodeIsSlashed')
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
  assert.equal((await nodeOf(members[0]!)).slashed, true)
})
