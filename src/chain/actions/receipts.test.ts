// Tests of submitReceipt (and that signatures made by src/node/attestation.ts verify in Solidity).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, encodeAbiParameters, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, type ControllerFixture } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { registerSecretContract } from './registerSecretContract.ts'
import { createTask } from './createTask.ts'
import { submitReceipt } from './submitReceipt.ts'
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

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, [parseEther('1')])
  for (const i of [...NODE_ACCOUNTS, 20]) indexOf.set(hardhatAccount(i).address, i)
  await registerSecretContract(fx.wallet(12), { address: fx.address, codeHash, multiplications: 10n, rounds: 2, uri: 'file:sum' })
})
after(async () => { await fx?.stop() })

async function newTask(fee = parseEther('1') + 1n) {
  const r = await createTask(fx.wallet(14), {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'semi-honest', inputSlots: [],
    deadline: (await fx.now()) + 3600n, fee,
  })
  const members = r.committee.map((a) => indexOf.get(a)!)
  const outsider = NODE_ACCOUNTS.find((i) => !members.includes(i))!
  return { ...r, members, outsider, fee }
}

async function sigs(taskId: Hex, accounts: readonly number[], out = outputHash, pub = publicOutputs): Promise<Hex[]> {
  return Promise.all(accounts.map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, { taskId, outputHash: out, publicOutputs: pub })).signature))
}

test('a receipt signed in TypeScript by t+1 members verifies on chain; the fee is split to the wei', async () => {
  const task = await newTask()
  const signers = task.members.slice(1, 4) // t+1 = 3, not including the submitter
  const submitter = fx.wallet(task.members[0]!)
  await submitReceipt(submitter, { address: fx.address, taskId: task.taskId, outputHash, publicOutputs, signatures: await sigs(task.taskId, signers) })
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })).status, 'completed')
  const share = task.fee / 3n
  for (const i of signers) assert.equal(await getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(i).address }), share)
  // (10^18 + 1) wei over 3 signers: 2 wei of remainder go to the submitter
  assert.equal(await getCredits(fx.publicClient, { address: fx.address, account: submitter.account.address }), task.fee - 3n * share)
  assert.equal(task.fee - 3n * share, 2n)
  // double receipt and refund after completion are refused
  await assertRefused(submitReceipt(submitter, { address: fx.address, taskId: task.taskId, outputHash, publicOutputs, signatures: await sigs(task.taskId, signers) }), 'TaskNotOpen')
  await fx.advance(3601n)
  await assertRefused(refundTask(submitter, { address: fx.address, taskId: task.taskId }), 'TaskNotOpen')
})

test('all five members may sign; each is paid', async () => {
  const task = await newTask(parseEther('1'))
  await submitReceipt(fx.wallet(task.members[0]!), { address: fx.address, taskId: task.taskId, outputHash, publicOutputs, signatures: await sigs(task.taskId, task.members) })
  for (const i of task.members) {
    assert.ok(await getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(i).address }) >= parseEther('0.2'))
  }
})

test('refusals: non-member submitter, unknown signer, duplicate, too few, bad signature, wrong content, late, unknown task', async () => {
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
  // a signature over another output recovers to some unrelated address
  const other = await sigs(taskId, [members[2]!], keccak256('0x01'))
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), other[0]!] }), 'NotCommitteeMember')
  // signed for another controller (domain) does not count either
  const foreign = await signAttestation(hardhatAccount(members[2]!), { ...fx.domain, chainId: 1 }, { taskId, outputHash, publicOutputs })
  await assertRefused(submitReceipt(w, { ...base, signatures: [...three.slice(0, 2), foreign.signature] }), 'NotCommitteeMember')
  // public outputs are bound by the signature
  await assertRefused(submitReceipt(w, { ...base, publicOutputs: '0x00', signatures: three }), 'NotCommitteeMember')
  await assertRefused(submitReceipt(w, { ...base, taskId: keccak256('0x02'), signatures: three }), 'UnknownTask')
  await fx.advance(3601n)
  await assertRefused(submitReceipt(w, { ...base, signatures: three }), 'DeadlinePassed')
  await refundTask(w, { address: fx.address, taskId })
})
