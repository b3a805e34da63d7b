// Red-team tests of result callbacks (issue #16): callees that revert, burn all their gas, return a
// revert bomb or re-enter the controller never block the receipt, the fee or slashing; the callee
// gets exactly its gas limit; one retry within the window; EnigmaConsumer refuses impostors and
// other creators' tasks; balances to the wei.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  getAddress, keccak256, stringToHex, parseEther, parseEventLogs, toFunctionSelector, decodeErrorResult, encodeAbiParameters, encodeErrorResult,
  type Abi, type Address, type Hex,
} from 'viem'
import { readContract, writeContract, waitForTransactionReceipt } from 'viem/actions'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture, type FixtureWallet } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { deployTestContract } from '../testing/deploy-test-contract.ts'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { revertingCallbackAbi, revertingCallbackBytecode } from '../testing/generated/RevertingCallback.ts'
import { gasBurnerCallbackAbi, gasBurnerCallbackBytecode } from '../testing/generated/GasBurnerCallback.ts'
import { returnBombCallbackAbi, returnBombCallbackBytecode } from '../testing/generated/ReturnBombCallback.ts'
import { reentrantCallbackAbi, reentrantCallbackBytecode } from '../testing/generated/ReentrantCallback.ts'
import { testConsumerAbi, testConsumerBytecode } from '../testing/generated/TestConsumer.ts'
import { impostorCallerAbi, impostorCallerBytecode } from '../testing/generated/ImpostorCaller.ts'
import { gasProbeCallbackAbi, gasProbeCallbackBytecode } from '../testing/generated/GasProbeCallback.ts'
import { controllerLogs, writeController } from '../internal/write.ts'
import { encodeTaskParams } from '../params.ts'
import { createTask, type CreateTaskParameters } from './createTask.ts'
import { drawCommittee } from './drawCommittee.ts'
import { submitReceipt } from './submitReceipt.ts'
import { retryCallback } from './retryCallback.ts'
import { settle } from './settle.ts'
import { refundTask } from './refundTask.ts'
import { getCredits } from './getCredits.ts'
import { getTask } from './getTask.ts'
import { getCallback, NO_CALLBACK, type TaskCallback } from './getCallback.ts'
import { proveEquivocation } from './proveEquivocation.ts'
import { signAttestation, receiptContentHash, RECEIPT_LABEL } from '../../node/attestation.ts'
import { encodePublicOutputs, encodeTypedOutputs } from '../../node/typed-outputs.ts'
import type { CircuitOutput } from '../../circuit/types.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('callback-v1'))
const NODE_ACCOUNTS = [2, 3, 4, 5, 6, 7]
const CREATOR = 14
const indexOf = new Map<Address, number>()
const P61 = (1n << 61n) - 1n
const ON_RESULT = toFunctionSelector('onResult(bytes32,bytes)')
const CAP = 5_000_000_000n // 5 gwei: above Hardhat's gas price, so the submitter is reimbursed at its own price

// A circuit's public outputs of every kind, and field elements for them (−3 is p − 3).
const OUTPUTS: Pick<CircuitOutput, 'name' | 'type' | 'recipient'>[] = [
  { name: 'winner', recipient: null, type: { kind: 'int', signed: false, bits: 32 } },
  { name: 'delta', recipient: null, type: { kind: 'int', signed: true, bits: 32 } },
  { name: 'secret', recipient: 'alice', type: { kind: 'int', signed: false, bits: 32 } },
  { name: 'sold', recipient: null, type: { kind: 'bool' } },
  { name: 'scores', recipient: null, type: { kind: 'array', length: 3, of: { kind: 'fixed', frac: 8, intBits: 16 } } },
]
const VALUES = new Map<string, bigint[]>([['winner', [7n]], ['delta', [P61 - 3n]], ['sold', [1n]], ['scores', [256n, P61 - 128n, 0n]]])
const publicOutputs = encodePublicOutputs(OUTPUTS, VALUES, P61)
const typed = encodeTypedOutputs(OUTPUTS, VALUES, P61)
const outputHash = keccak256(stringToHex('the result'))

const credits = (a: Address) => getCredits(fx.publicClient, { address: fx.address, account: a })
const escrowed = () => readContract(fx.publicClient, { address: fx.address, abi: enigmaControllerAbi, functionName: 'totalEscrowed' })
const read = <T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
  readContract(fx.publicClient, { address, abi, functionName, args } as Parameters<typeof readContract>[1]) as Promise<T>

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, [parseEther('1')])
  for (const i of NODE_ACCOUNTS) indexOf.set(hardhatAccount(i).address, i)
})
after(async () => { await fx?.stop() })

async function request(callback: TaskCallback | undefined, deadline?: bigint): Promise<CreateTaskParameters> {
  return {
    address: fx.address, codeHash, params: {}, n: 5, t: 2, security: 'semi-honest', multiplications: 10n, rounds: 2, inputSlots: [],
    deadline: deadline ?? (await fx.now()) + 3600n, fee: parseEther('1'), ...(callback ? { callback } : {}),
  }
}

async function sigs(taskId: Hex, accounts: readonly number[], pub = publicOutputs, out = outputHash): Promise<Hex[]> {
  return Promise.all(accounts.map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, { taskId, outputHash: out, publicOutputs: pub })).signature))
}

/** Draws a task created by a contract (mines its draw block first); returns the members' account indices. */
async function draw(taskId: Hex, drawBlock: bigint): Promise<number[]> {
  const latest = await fx.publicClient.getBlockNumber({ cacheTime: 0 })
  if (latest < drawBlock) await fx.mine(Number(drawBlock - latest))
  const drawn = await drawCommittee(fx.wallet(20), { address: fx.address, taskId })
  if (!drawn.drawn) throw new Error(`draw of ${taskId} was re-targeted`)
  return drawn.committee.map((a) => indexOf.get(a)!)
}

/** The receipt of t+1 = 3 members, submitted by the first; returns the submitter's reimbursement at its gas price. */
async function receipt(taskId: Hex, members: readonly number[], callback: TaskCallback, pub = publicOutputs) {
  const submitter = fx.wallet(members[0]!)
  const r = await submitReceipt(submitter, { address: fx.address, taskId, outputHash, publicOutputs: pub, signatures: await sigs(taskId, members.slice(0, 3), pub) })
  const price = r.receipt.effectiveGasPrice < callback.maxFeePerGas ? r.receipt.effectiveGasPrice : callback.maxFeePerGas
  return { ...r, submitter: submitter.account.address, reimbursed: BigInt(callback.gasLimit) * price }
}

async function createdBy(hash: Hex): Promise<{ taskId: Hex; drawBlock: bigint }> {
  const rec = await waitForTransactionReceipt(fx.publicClient, { hash })
  const [log] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'TaskCreated', logs: controllerLogs(rec.logs, fx.address) })
  return { taskId: log!.args.taskId, drawBlock: log!.args.drawBlock }
}

async function deployConsumer(): Promise<Address> {
  return getAddress(await deployTestContract(fx.wallet(CREATOR), testConsumerAbi, testConsumerBytecode, [fx.address]))
}

/** A task created through TestConsumer._requestTask, drawn. */
async function consumerTask(consumer: Address, gasLimit = 300_000, deadline?: bigint) {
  const p = await request(undefined, deadline)
  const req = {
    codeHash, params: encodeTaskParams({}), n: 5, t: 2, securityMode: 0, multiplications: 10n, rounds: 2, inputSlots: [], deadline: p.deadline,
    callback: { ...NO_CALLBACK, gasLimit, maxFeePerGas: CAP },
  }
  const price = await read<bigint>(consumer, testConsumerAbi, 'price', [req])
  assert.equal(price, await read<bigint>(fx.address, enigmaControllerAbi, 'quoteCost', [10n, 2]) + BigInt(gasLimit) * CAP)
  const hash = await writeContract(fx.wallet(CREATOR), { address: consumer, abi: testConsumerAbi, functionName: 'request', args: [req], value: p.fee + BigInt(gasLimit) * CAP })
  const { taskId, drawBlock } = await createdBy(hash)
  const members = await draw(taskId, drawBlock)
  const callback = (await getCallback(fx.publicClient, { address: fx.address, taskId }))!
  assert.deepEqual(callback, { target: consumer, selector: toFunctionSelector('enigmaCallback(bytes32,bytes)'), gasLimit, maxFeePerGas: CAP, status: 'pending' })
  return { taskId, members, callback }
}

test('typed outputs reach an EnigmaConsumer exactly as signed; the callback gas is reimbursed at most at the cap; fees settle to the wei', async () => {
  const consumer = await deployConsumer()
  const { taskId, members, callback } = await consumerTask(consumer)
  const escrowBefore = await escrowed()
  const consumerBefore = await credits(consumer)
  const submitterBefore = await credits(hardhatAccount(members[0]!).address)
  const r = await receipt(taskId, members, callback)
  assert.deepEqual(r.callback, { status: 'succeeded', reason: '0x' })
  assert.equal(await read<Hex>(consumer, testConsumerAbi, 'lastOutputs'), typed)
  assert.equal(await read<Hex>(consumer, testConsumerAbi, 'lastTaskId'), taskId)
  // EnigmaOutputs reads what the typed mapping wrote: uint, int (signed reading of p − 3), bool, fixed[] scaled by 2^8.
  assert.equal(await read<bigint>(consumer, testConsumerAbi, 'decodeUint', [typed, 0n]), 7n)
  assert.equal(await read<bigint>(consumer, testConsumerAbi, 'decodeInt', [typed, 1n]), -3n)
  assert.equal(await read<boolean>(consumer, testConsumerAbi, 'decodeBool', [typed, 2n]), true)
  assert.deepEqual(await read<bigint[]>(consumer, testConsumerAbi, 'decodeIntArray', [typed, 3n]), [256n, -128n, 0n])
  // The callback's escrow left the escrow: the submitter gets gasLimit × its price, the consumer the rest.
  assert.equal(escrowBefore - await escrowed(), BigInt(callback.gasLimit) * CAP)
  assert.equal(await credits(r.submitter) - submitterBefore, r.reimbursed)
  assert.equal(await credits(consumer) - consumerBefore, BigInt(callback.gasLimit) * CAP - r.reimbursed)
  assert.ok(r.reimbursed > 0n && r.reimbursed < BigInt(callback.gasLimit) * CAP)
  // Delivered once: not retryable; the consumer withdraws its credits to the wei.
  await assertRefused(retryCallback(fx.wallet(20), { address: fx.address, taskId, outputHash, publicOutputs }), 'CallbackNotRetryable', [taskId, 2])
  const balance = await fx.publicClient.getBalance({ address: consumer })
  const owed = await credits(consumer)
  await writeContract(fx.wallet(20), { address: consumer, abi: testConsumerAbi, functionName: 'withdrawEnigmaCredits' })
  assert.equal(await fx.publicClient.getBalance({ address: consumer }) - balance, owed)
  assert.equal(await credits(consumer), 0n)
  await assertRefused(writeController('withdrawEnigmaCredits', fx.wallet(20), { address: consumer, abi: testConsumerAbi }, 'enigmaTaskFailed', [taskId]), 'NotPendingRequest', [taskId])
})

test('a reverting callback: receipt accepted, failure recorded with its reason, one retry within the window, fees settle, slashing works', async () => {
  const target = await deployTestContract(fx.wallet(CREATOR), revertingCallbackAbi, revertingCallbackBytecode, [])
  const callback: TaskCallback = { target, selector: ON_RESULT, gasLimit: 100_000, maxFeePerGas: CAP }
  const task = await createDrawnTask(fx, fx.wallet(CREATOR), await request(callback))
  assert.equal(task.callbackEscrow, 100_000n * CAP)
  const members = task.committee.map((a) => indexOf.get(a)!)
  const r = await receipt(task.taskId, members, callback)
  assert.equal(r.callback?.status, 'failed')
  assert.deepEqual(decodeErrorResult({ abi: revertingCallbackAbi, data: r.callback!.reason }).args, [task.taskId])
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })).status, 'completed')
  // Retry: only with the accepted result, once.
  await assertRefused(retryCallback(fx.wallet(21), { address: fx.address, taskId: task.taskId, outputHash, publicOutputs: typed }), 'ResultMismatch')
  const retried = await retryCallback(fx.wallet(21), { address: fx.address, taskId: task.taskId, outputHash, publicOutputs })
  assert.equal(retried.status, 'retry-failed')
  await assertRefused(retryCallback(fx.wallet(21), { address: fx.address, taskId: task.taskId, outputHash, publicOutputs }), 'CallbackNotRetryable', [task.taskId, 5])
  // Slashing of a member who signs a second result for this task still works.
  const cheater = members[1]!
  const other = await signAttestation(hardhatAccount(cheater), fx.domain, { taskId: task.taskId, outputHash: keccak256('0x0b'), publicOutputs })
  const first = await signAttestation(hardhatAccount(cheater), fx.domain, { taskId: task.taskId, outputHash, publicOutputs })
  const asStatement = (x: typeof first) => ({ taskId: task.taskId, label: RECEIPT_LABEL, contentHash: receiptContentHash(x.outputHash, x.publicOutputs), signer: x.signer, signature: x.signature })
  await proveEquivocation(fx.wallet(21), { address: fx.address, a: asStatement(first), b: asStatement(other) })
  // The fee settles to the two unslashed receipt signers (the submitter and members[2]).
  await fx.advance(fx.config.attestationWindow + 1n)
  const before = await Promise.all([members[0]!, members[2]!].map((i) => credits(hardhatAccount(i).address)))
  await settle(fx.wallet(21), { address: fx.address, taskId: task.taskId })
  const share = task.escrowed / 2n
  for (const [k, i] of [members[0]!, members[2]!].entries()) assert.equal(await credits(hardhatAccount(i).address) - before[k]!, share)
})

test('a callback that burns all its gas gets exactly its gas limit, and a submitter cannot starve it into failing', async () => {
  const target = await deployTestContract(fx.wallet(CREATOR), gasBurnerCallbackAbi, gasBurnerCallbackBytecode, [])
  const callback: TaskCallback = { target, selector: ON_RESULT, gasLimit: 1_000_000, maxFeePerGas: CAP }
  const task = await createDrawnTask(fx, fx.wallet(CREATOR), await request(callback))
  const members = task.committee.map((a) => indexOf.get(a)!)
  const signatures = await sigs(task.taskId, members.slice(0, 3))
  const args = [task.taskId, outputHash, publicOutputs, signatures] as const
  const submitter = fx.wallet(members[0]!)
  // Too little gas for the callback's full limit: the receipt is refused as a whole (never a
  // "failed" callback that only failed for want of gas), whatever amount below the bound is sent.
  for (const gas of [400_000n, 900_000n, 1_040_000n]) {
    await assert.rejects(writeContract(submitter, { address: fx.address, abi: enigmaControllerAbi, functionName: 'submitReceipt', args, gas }))
    assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })).status, 'open')
  }
  const r = await submitReceipt(submitter, { address: fx.address, taskId: task.taskId, outputHash, publicOutputs, signatures })
  assert.deepEqual(r.callback, { status: 'failed', reason: '0x' })
  assert.ok(r.gasUsed > 1_000_000n, `the callee burned its whole limit (${r.gasUsed})`)
})

test('at any gas the submitter sends, the callee runs with its full gas limit or the receipt is refused', async () => {
  const probe = await deployTestContract(fx.wallet(CREATOR), gasProbeCallbackAbi, gasProbeCallbackBytecode, [])
  const gasLimit = 500_000
  const callback: TaskCallback = { target: probe, selector: toFunctionSelector('probe(bytes32,bytes)'), gasLimit, maxFeePerGas: CAP }
  const task = await createDrawnTask(fx, fx.wallet(CREATOR), await request(callback))
  const members = task.committee.map((a) => indexOf.get(a)!)
  const submitter = fx.wallet(members[0]!)
  const call = { address: fx.address, abi: enigmaControllerAbi, functionName: 'submitReceipt', args: [task.taskId, outputHash, publicOutputs, await sigs(task.taskId, members.slice(0, 3))] } as const
  const estimate = await fx.publicClient.estimateContractGas({ ...call, account: submitter.account })
  // From well below the estimate up to it: each attempt is refused as a whole, or the probe saw the full limit.
  for (const gas of [estimate - 60_000n, estimate - 20_000n, estimate - 5_000n, estimate - 1_000n, estimate]) {
    try {
      await waitForTransactionReceipt(fx.publicClient, { hash: await writeContract(submitter, { ...call, gas }) })
    } catch {
      assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })).status, 'open')
      continue
    }
    if ((await getTask(fx.publicClient, { address: fx.address, taskId: task.taskId })).status === 'open') continue
    break
  }
  assert.equal((await getCallback(fx.publicClient, { address: fx.address, taskId: task.taskId }))?.status, 'succeeded')
  const seen = await read<bigint>(probe, gasProbeCallbackAbi, 'gasAtEntry')
  assert.ok(seen <= BigInt(gasLimit) && seen > BigInt(gasLimit) - 1_000n, `the callee started with ${seen} of its ${gasLimit} gas`)
})

test('a returndata bomb: at most 256 bytes of revert data are copied, the receipt costs the gas limit and little more', async () => {
  const target = await deployTestContract(fx.wallet(CREATOR), returnBombCallbackAbi, returnBombCallbackBytecode, [400_000n])
  const callback: TaskCallback = { target, selector: ON_RESULT, gasLimit: 2_000_000, maxFeePerGas: CAP }
  const task = await createDrawnTask(fx, fx.wallet(CREATOR), await request(callback))
  const r = await receipt(task.taskId, task.committee.map((a) => indexOf.get(a)!), callback)
  assert.equal(r.callback?.status, 'failed')
  assert.equal((r.callback!.reason.length - 2) / 2, 256)
  assert.ok(r.gasUsed < 2_000_000n + 250_000n, `gas used ${r.gasUsed}`)
})

test('a callback that re-enters the controller (receipt, settle, withdrawal, refund, retry) gets nowhere; accounting to the wei', async () => {
  const attacker = await deployTestContract(fx.wallet(CREATOR), reentrantCallbackAbi, reentrantCallbackBytecode, [fx.address])
  const callback: TaskCallback = { target: attacker, selector: ON_RESULT, gasLimit: 1_500_000, maxFeePerGas: CAP }
  const p = await request(callback)
  const req = { codeHash, params: encodeTaskParams({}), n: 5, t: 2, securityMode: 0, multiplications: 10n, rounds: 2, inputSlots: [], deadline: p.deadline, callback }
  const { taskId, drawBlock } = await createdBy(await writeContract(fx.wallet(CREATOR), { address: attacker, abi: reentrantCallbackAbi, functionName: 'create', args: [req], value: p.fee + 1_500_000n * CAP }))
  const members = await draw(taskId, drawBlock)
  const signatures = await sigs(taskId, members.slice(0, 3))
  await writeContract(fx.wallet(CREATOR), { address: attacker, abi: reentrantCallbackAbi, functionName: 'arm', args: [outputHash, publicOutputs, signatures] })
  const attackerBefore = await credits(attacker)
  const r = await receipt(taskId, members, callback)
  assert.equal(r.callback?.status, 'succeeded') // it returned normally, after trying everything
  assert.equal(await read<bigint>(attacker, reentrantCallbackAbi, 'calls'), 1n)
  const expected = ['ReentrancyGuardReentrantCall', 'WindowOpen', 'ReentrancyGuardReentrantCall', 'TaskNotOpen', 'ReentrancyGuardReentrantCall']
  for (const [i, name] of expected.entries()) {
    assert.equal(await read<boolean>(attacker, reentrantCallbackAbi, 'succeeded', [BigInt(i)]), false, `re-entry ${i} went through`)
    const err = await read<Hex>(attacker, reentrantCallbackAbi, 'errors', [BigInt(i)])
    assert.equal(decodeErrorResult({ abi: enigmaControllerAbi, data: err }).errorName, name)
  }
  // Its only credit is the unused part of its own escrow; the controller's books still balance.
  assert.equal(await credits(attacker) - attackerBefore, 1_500_000n * CAP - r.reimbursed)
  const [esc, cred, staked] = await Promise.all(['totalEscrowed', 'totalCredits', 'totalStaked'].map((f) => read<bigint>(fx.address, enigmaControllerAbi, f)))
  assert.equal(await fx.publicClient.getBalance({ address: fx.address }), esc! + cred! + staked!)
})

test('EnigmaConsumer refuses an impostor and a genuine controller call for another creator\'s task', async () => {
  const consumer = await deployConsumer()
  const impostor = getAddress(await deployTestContract(fx.wallet(21), impostorCallerAbi, impostorCallerBytecode, []))
  const { taskId, members, callback } = await consumerTask(consumer)
  await assertRefused(writeController('impostor', fx.wallet(21), { address: impostor, abi: [...impostorCallerAbi, ...testConsumerAbi] }, 'deliver', [consumer, taskId, typed]), 'OnlyEnigmaController', [impostor])
  await assertRefused(writeController('eoa', fx.wallet(21), { address: consumer, abi: testConsumerAbi }, 'enigmaCallback', [taskId, typed]), 'OnlyEnigmaController', [fx.wallet(21).account.address])
  // Another creator names the consumer's entry point as its own task's callback: the consumer refuses.
  const foreign = await createDrawnTask(fx, fx.wallet(21), await request({ ...callback, target: consumer }))
  const r = await receipt(foreign.taskId, foreign.committee.map((a) => indexOf.get(a)!), callback)
  assert.equal(r.callback?.status, 'failed')
  assert.equal(r.callback?.reason, encodeErrorResult({ abi: testConsumerAbi, errorName: 'NotPendingRequest', args: [foreign.taskId] }))
  assert.equal(await read<bigint>(consumer, testConsumerAbi, 'results'), 0n)
  // Its own task is still delivered.
  assert.equal((await receipt(taskId, members, callback)).callback?.status, 'succeeded')
  assert.equal(await read<bigint>(consumer, testConsumerAbi, 'results'), 1n)
})

test('a failed consumer callback: retried once by anyone within the window; after the window it is declared failed', async () => {
  const consumer = await deployConsumer()
  await writeContract(fx.wallet(CREATOR), { address: consumer, abi: testConsumerAbi, functionName: 'setRefuse', args: [true] })
  const a = await consumerTask(consumer)
  const b = await consumerTask(consumer)
  for (const t of [a, b]) assert.equal((await receipt(t.taskId, t.members, t.callback)).callback?.status, 'failed')
  // Not failed for good yet: the retry window is open.
  await assertRefused(writeController('failed', fx.wallet(20), { address: consumer, abi: testConsumerAbi }, 'enigmaTaskFailed', [a.taskId]), 'RequestNotFailed', [a.taskId])
  await writeContract(fx.wallet(CREATOR), { address: consumer, abi: testConsumerAbi, functionName: 'setRefuse', args: [false] })
  assert.equal((await retryCallback(fx.wallet(20), { address: fx.address, taskId: a.taskId, outputHash, publicOutputs })).status, 'retry-succeeded')
  assert.equal(await read<Hex>(consumer, testConsumerAbi, 'lastOutputs'), typed)
  await assertRefused(retryCallback(fx.wallet(20), { address: fx.address, taskId: a.taskId, outputHash, publicOutputs }), 'CallbackNotRetryable', [a.taskId, 4])
  await fx.advance(fx.config.attestationWindow + 1n)
  await assertRefused(retryCallback(fx.wallet(20), { address: fx.address, taskId: b.taskId, outputHash, publicOutputs }), 'WindowClosed')
  await writeController('failed', fx.wallet(20), { address: consumer, abi: testConsumerAbi }, 'enigmaTaskFailed', [b.taskId])
  assert.equal(await read<Hex>(consumer, testConsumerAbi, 'failedTaskId'), b.taskId)
  assert.equal(await read<number>(consumer, testConsumerAbi, 'enigmaRequests', [b.taskId]), 3)
})

test('a refunded consumer task: fee and callback escrow credited back to the consumer, which learns it failed and withdraws', async () => {
  const consumer = await deployConsumer()
  const deadline = (await fx.now()) + 120n
  const { taskId } = await consumerTask(consumer, 200_000, deadline)
  const task = await getTask(fx.publicClient, { address: fx.address, taskId })
  await assertRefused(writeController('failed', fx.wallet(20), { address: consumer, abi: testConsumerAbi }, 'enigmaTaskFailed', [taskId]), 'RequestNotFailed', [taskId])
  await fx.advance(200n)
  const before = await credits(consumer)
  await refundTask(fx.wallet(20), { address: fx.address, taskId })
  assert.equal(await credits(consumer) - before, task.fee + 200_000n * CAP)
  await writeController('failed', fx.wallet(20), { address: consumer, abi: testConsumerAbi }, 'enigmaTaskFailed', [taskId])
  assert.equal(await read<Hex>(consumer, testConsumerAbi, 'failedTaskId'), taskId)
  const balance = await fx.publicClient.getBalance({ address: consumer })
  const owed = await credits(consumer)
  await writeContract(fx.wallet(20), { address: consumer, abi: testConsumerAbi, functionName: 'withdrawEnigmaCredits' })
  assert.equal(await fx.publicClient.getBalance({ address: consumer }) - balance, owed)
  // Ether from anyone but the controller is refused.
  await assert.rejects(fx.wallet(20).sendTransaction({ to: consumer, value: 1n }))
})

test('callback refusals at creation, and malformed signed outputs count as a failed callback, not a blocked receipt', async () => {
  const target = await deployTestContract(fx.wallet(CREATOR), revertingCallbackAbi, revertingCallbackBytecode, [])
  const ok: TaskCallback = { target, selector: ON_RESULT, gasLimit: 100_000, maxFeePerGas: CAP }
  const w = fx.wallet(CREATOR)
  await assertRefused(createTask(w, await request({ ...ok, target: fx.address })), 'InvalidCallback')
  await assertRefused(createTask(w, await request({ ...ok, gasLimit: 0 })), 'InvalidCallback')
  await assertRefused(createTask(w, await request({ ...ok, gasLimit: 5_000_001 })), 'InvalidCallback')
  await assertRefused(createTask(w, await request({ ...NO_CALLBACK, gasLimit: 1, maxFeePerGas: 1n })), 'InvalidCallback')
  // The escrow comes on top of the price: the exact price alone is not enough.
  const quote = await read<bigint>(fx.address, enigmaControllerAbi, 'quoteCost', [10n, 2])
  const p = { ...(await request(ok)), fee: quote }
  await assertRefused(createTask(w, { ...p, fee: quote - 1n }), 'InsufficientFee', [quote - 1n + 100_000n * CAP, quote + 100_000n * CAP])
  // The two-part encoding of older nodes carries no typed outputs: the callee is not called.
  const twoPart = encodeAbiParameters([{ type: 'string[]' }, { type: 'uint256[][]' }], [['winner'], [[7n]]])
  const task = await createDrawnTask(fx, w, p)
  const r = await receipt(task.taskId, task.committee.map((a) => indexOf.get(a)!), ok, twoPart)
  assert.deepEqual(r.callback, { status: 'failed', reason: '0x' })
})

// The SDK's side (sharing this file's chain): createTask with a callback by signature, waitForResult
// reports the outcome and the retry from the controller's events.
test('SDK: createTask takes a callback; waitForResult reports failed with its reason, then the retry', async () => {
  const { createEnigmaClient } = await import('../../sdk/client.ts')
  const { createTask: sdkCreateTask } = await import('../../sdk/actions/createTask.ts')
  const { waitForResult } = await import('../../sdk/actions/waitForResult.ts')
  const target = getAddress(await deployTestContract(fx.wallet(CREATOR), revertingCallbackAbi, revertingCallbackBytecode, []))
  const client = createEnigmaClient({ rpcUrl: fx.chain.url, controller: fx.address, account: hardhatAccount(CREATOR), pollingIntervalMs: 50 })
  await assert.rejects(sdkCreateTask(client, { codeHash, inputSlots: [{ name: 'x', owner: target }], cost: { multiplications: 10, rounds: 2 }, callback: { target, function: 'onResult' } }), { code: 'SDK_INPUT_INVALID' })
  const creating = sdkCreateTask(client, {
    codeHash, inputSlots: [{ name: 'x', owner: target }], cost: { multiplications: 10, rounds: 2 }, security: 'semi-honest',
    callback: { target, function: 'onResult(bytes32,bytes)', gasLimit: 120_000 }, drawTimeoutMs: 20_000,
  })
  // This chain mines only on transactions: mine until the SDK has drawn the committee.
  let done = false
  const mining = (async () => { while (!done) { await fx.mine(1); await new Promise((r) => setTimeout(r, 100)) } })()
  const created = await creating.finally(() => { done = true })
  await mining
  assert.equal(created.callback?.selector, ON_RESULT)
  assert.equal(created.callback?.escrow, 120_000n * created.callback!.maxFeePerGas)
  const members = created.committee.map((m) => indexOf.get(m.account)!)
  await receipt(created.taskId, members, created.callback!)
  const first = await waitForResult(client, { taskId: created.taskId, timeoutMs: 10_000 })
  assert.deepEqual(first.callback, {
    target, selector: ON_RESULT, gasLimit: 120_000, status: 'failed', retried: false,
    reason: encodeErrorResult({ abi: revertingCallbackAbi, errorName: 'Refused', args: [created.taskId] }),
  })
  await retryCallback(fx.wallet(21), { address: fx.address, taskId: created.taskId, outputHash, publicOutputs })
  const second = await waitForResult(client, { taskId: created.taskId, timeoutMs: 10_000 })
  assert.equal(second.callback?.status, 'retry-failed')
  assert.equal(second.callback?.retried, true)
})
