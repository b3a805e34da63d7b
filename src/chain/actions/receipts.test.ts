// Tests of submitReceipt, attest and settle (and that signatures made by src/node/attestation.ts
// verify in Solidity): the receipt is final at t+1 signatures, every member that attests within the
// window is paid the same, whoever submitted.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, encodeAbiParameters, numberToHex, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { submitReceipt } from './submitReceipt.ts'
import { attest } from './attest.ts'
import { settle } from './settle.ts'
import { getTask } from './getTask.ts'
import { getCredits } from './getCredits.ts'
import { refundTask } from './refundTask.ts'
import { signAttestation } from '../../node/attestation.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('sum-v1'))
const NODE_ACCOUNTS = [2, 3, 4, 5, 6, 7]
const outputHash = keccak256(stringToHex('the result'))
const publicOutputs = encodeAbiParameters([{ type: 'uint256' }], [1234n])
const indexOf = new Map<Address, number>()
const credits = (a: Address) => getCredits(fx.publicClient, { address: fx.address, account: a })
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, [parseEther('1')])
  for (const i of [...NODE_ACCOUNTS, 20]) indexOf.set(hardhatAccount(i).address, i)
})
after(async () => { await fx?.stop() })

async function newTask(fee = parseEther('1') + 1n) {
  const r = await createDrawnTask(fx, fx.wallet(14), {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'semi-honest', multiplications: 10n, rounds: 2, inputSlots: [],
    deadline: (await fx.now()) + 3600n, fee,
  })
  const members = r.committee.map((a) => indexOf.get(a)!)
  const outsider = NODE_ACCOUNTS.find((i) => !members.includes(i))!
  return { ...r, members, outsider }
}

async function sigs(taskId: Hex, accounts: readonly number[], out = outputHash, pub = publicOutputs): Promise<Hex[]> {
  return Promise.all(accounts.map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, { taskId, outputHash: out, publicOutputs: pub })).signature))
}

test('a receipt of t+1 signatures is final; late co-signers within the window are paid like the signers; dust to the treasury', async () => {
  const task = await newTask()
  const signers = task.members.slice(1, 4) // t+1 = 3, not including the submitter
  const submitter = fx.wallet(task.members[0]!)
  await submitReceipt(submitter, { address: fx.address, taskId: task.taskId, outputHash, publicOutputs, signatures: await sigs(task.taskId, signers) })
  let onChain = await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })
  assert.equal(onChain.status, 'completed')
  assert.equal(onChain.attesters, signers.reduce((b, i) => b | (1 << task.members.indexOf(i)), 0))
  // the submitter and the fifth member attest late (the submitter also re-sends a counted one: skipped)
  const late = [task.members[0]!, task.members[4]!]
  await attest(fx.wallet(20), { address: fx.address, taskId: task.taskId, signatures: [...(await sigs(task.taskId, late)), ...(await sigs(task.taskId, [signers[0]!]))] })
  // a co-signature of another result is not an attestation of this one
  await assertRefused(attest(fx.wallet(20), { address: fx.address, taskId: task.taskId, signatures: await sigs(task.taskId, [task.members[4]!], keccak256('0x01')) }), 'NotCommitteeMember')
  await assertRefused(settle(fx.wallet(20), { address: fx.address, taskId: task.taskId }), 'WindowOpen')
  const before = await Promise.all(task.committee.map(credits))
  const treasuryBefore = await credits(fx.config.treasury)
  await fx.advance(fx.config.attestationWindow + 1n)
  await assertRefused(attest(fx.wallet(20), { address: fx.address, taskId: task.taskId, signatures: await sigs(task.taskId, [task.members[4]!]) }), 'WindowClosed')
  await settle(fx.wallet(20), { address: fx.address, taskId: task.taskId }) // anyone may settle
  onChain = await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })
  assert.equal(onChain.status, 'settled')
  const share = task.escrowed / 5n
  for (const [k, a] of task.committee.entries()) assert.equal(await credits(a) - before[k]!, share)
  assert.equal(await credits(fx.config.treasury) - treasuryBefore, task.escrowed - 5n * share)
  await assertRefused(settle(fx.wallet(20), { address: fx.address, taskId: task.taskId }), 'TaskNotOpen')
  await fx.advance(3601n)
  await assertRefused(refundTask(submitter, { address: fx.address, taskId: task.taskId }), 'TaskNotOpen')
})

test('front-running with another subset changes nothing: who is paid depends on the attestations, not on the submitter', async () => {
  const a = await newTask(parseEther('1'))
  const b = await newTask(parseEther('1'))
  // task a: a member submits exactly t+1 including itself; the other two co-sign late
  await submitReceipt(fx.wallet(a.members[0]!), { address: fx.address, taskId: a.taskId, outputHash, publicOutputs, signatures: await sigs(a.taskId, a.members.slice(0, 3)) })
  await attest(fx.wallet(a.members[3]!), { address: fx.address, taskId: a.taskId, signatures: await sigs(a.taskId, a.members.slice(3)) })
  // task b: all five at once
  await submitReceipt(fx.wallet(b.members[0]!), { address: fx.address, taskId: b.taskId, outputHash, publicOutputs, signatures: await sigs(b.taskId, b.members) })
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: a.taskId })).attesters, 0b11111)
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: b.taskId })).attesters, 0b11111)
})

test('refusals: non-member submitter, unknown signer, duplicate, too few, malformed, high-s, zero-address, wrong content, unknown task', async () => {
  const task = await newTask()
  const { taskId, members, outsider } = task
  const w = fx.wallet(members[0]!)
  const three = await sigs(taskId, members.slice(0, 3))
  const base = { address: fx.address, taskId, outputHash, publicOutputs }
  await assertRefused(submitReceipt(fx.wallet(outsider), { ...base, signatures: three }), 'NotCommitteeMember', [hardhatAccount(outsider).address])
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), ...(await sigs(taskId, [outsider]))] }), 'NotCommitteeMember', [hardhatAccount(outsider).address])
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), three[0]!] }), 'DuplicateSigner', [hardhatAccount(members[0]!).address])
  await assertRefused(submitReceipt(w, { ...base, signatures: three.slice(0, 2) }), 'InsufficientSignatures', [2n, 3n])
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), '0x1234'] }), 'InvalidSignature', [2n])
  // the malleated twin (s → n − s, v flipped) of a valid signature: EIP-2 high-s, refused
  const sig = three[2]!
  const s = BigInt(`0x${sig.slice(66, 130)}`)
  const v = parseInt(sig.slice(130, 132), 16)
  const highS = `${sig.slice(0, 66)}${numberToHex(SECP256K1_N - s, { size: 32 }).slice(2)}${(v === 27 ? 28 : 27).toString(16)}` as Hex
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), highS] }), 'InvalidSignature', [2n])
  // r = s = 0: ecrecover yields the zero address, refused rather than treated as a signer
  const zero = `0x${'00'.repeat(64)}1b` as Hex
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), zero] }), 'InvalidSignature', [2n])
  // a signature over another output recovers to some unrelated address
  const other = await sigs(taskId, [members[2]!], keccak256('0x01'))
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), other[0]!] }), 'NotCommitteeMember')
  // signed for another controller (domain) does not count either
  const foreign = await signAttestation(hardhatAccount(members[2]!), { ...fx.domain, chainId: 1 }, { taskId, outputHash, publicOutputs })
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), foreign.signature] }), 'NotCommitteeMember')
  // public outputs are bound by the signature
  await assertRefused(submitReceipt(w, { ...base, publicOutputs: '0x00', signatures: three }), 'NotCommitteeMember')
  await assertRefused(submitReceipt(w, { ...base, taskId: keccak256('0x02'), signatures: three }), 'UnknownTask')
  await assertRefused(attest(w, { address: fx.address, taskId, signatures: three }), 'TaskNotOpen') // no receipt yet
})

test('a receipt at exactly the deadline is accepted; one second later it is refused', async () => {
  const t1 = await newTask()
  const t2 = await newTask()
  const deadline = (await getTask(fx.publicClient, { address: fx.address, taskId: t1.taskId })).deadline
  await fx.testClient.setNextBlockTimestamp({ timestamp: deadline })
  await submitReceipt(fx.wallet(t1.members[0]!), { address: fx.address, taskId: t1.taskId, outputHash, publicOutputs, signatures: await sigs(t1.taskId, t1.members.slice(0, 3)) })
  const d2 = (await getTask(fx.publicClient, { address: fx.address, taskId: t2.taskId })).deadline
  await fx.testClient.setNextBlockTimestamp({ timestamp: d2 + 1n })
  await assertRefused(submitReceipt(fx.wallet(t2.members[0]!), { address: fx.address, taskId: t2.taskId, outputHash, publicOutputs, signatures: await sigs(t2.taskId, t2.members.slice(0, 3)) }), 'DeadlinePassed', [d2])
  await refundTask(fx.wallet(20), { address: fx.address, taskId: t2.taskId })
})
