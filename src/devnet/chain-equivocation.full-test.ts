/**
 * Self-verifying evidence from gossip, on a real controller (issue #12, item 2): an honest member's
 * node — the chain task source, the attestation filter, the equivocation reporter and
 * `chainEquivocationProver`, wired as src/devnet/chain-node.ts wires them — hears a member sign two
 * different receipts, the second one after the receipt landed, and the controller slashes that member
 * on the node's own `proveEquivocation`; a later member sends nothing. Red team on chain: colluders
 * holding an honest member's real statements (of this task and of another) cannot make a proof of them.
 * Runs in `npm run test:soak` (≈ 15 CPU-s, 44 s wall at load 10–15: over the default suite's budget);
 * the same logic and red team in process, without a chain: src/node/attestation-gossip-evidence.test.ts.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { hexToBigInt, keccak256, parseEther, stringToHex, toHex, type Address, type Hex } from 'viem'
import { getContractEvents } from 'viem/actions'
import { startControllerFixture, registerActiveNodes, createDrawnTask, fakeIdentity, type ControllerFixture } from '../chain/testing/fixture.ts'
import { hardhatAccount } from '../chain/testing/hardhat-node.ts'
import { assertRefused } from '../chain/testing/assert.ts'
import { ChainTaskSource } from '../chain/task-source.ts'
import { getNode } from '../chain/actions/getNode.ts'
import { getCredits } from '../chain/actions/getCredits.ts'
import { submitReceipt } from '../chain/actions/submitReceipt.ts'
import { proveEquivocation } from '../chain/actions/proveEquivocation.ts'
import { enigmaControllerAbi } from '../chain/generated/EnigmaController.ts'
import { AttestationGossip } from '../node/attestation-gossip.ts'
import { ATTESTATION_TOPIC, encodeAttestationMessage } from '../node/attestation-gossip-codec.ts'
import { EquivocationReporter, receiptStatementOf, type EquivocationEvent } from '../node/attestation-gossip-equivocation.ts'
import { signAttestation } from '../node/attestation.ts'
import { FakePubsub } from '../node/testing/fake-pubsub.ts'
import type { Attestation } from '../node/task-source.ts'
import { chainEquivocationProver } from './chain-equivocation.ts'

let fx: ControllerFixture
/** Committees of five from five nodes (the red team runs first: the other test slashes one of them). */
const NODE_ACCOUNTS = [2, 3, 4, 5, 6]
const STAKE = parseEther('3')
const indexOf = new Map<string, number>()

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, [STAKE])
  for (const i of NODE_ACCOUNTS) indexOf.set(hardhatAccount(i).address.toLowerCase(), i)
})
after(async () => { await fx?.stop() })

async function drawnTask() {
  const r = await createDrawnTask(fx, fx.wallet(14), {
    address: fx.address, codeHash: keccak256(stringToHex('equivocation-v1')), params: {}, n: 5, t: 2, security: 'malicious', multiplications: 1n, rounds: 1,
    inputSlots: [], deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  return { taskId: r.taskId, members: r.committee.map((a) => indexOf.get(a.toLowerCase())!) }
}

const body = (taskId: Hex, k: number) => ({ taskId, outputHash: keccak256(toHex(`result ${k}`)), publicOutputs: toHex(`outputs ${k}`) })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(pred: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !(await pred()) && Date.now() < end;) await sleep(50)
}

/** An honest member's node as chain-node.ts wires it (no MPC: only what hears and proves). */
async function watcher(account: number, bus: FakePubsub[], fallbackMs: number) {
  const events: EquivocationEvent[] = []
  const source = new ChainTaskSource({ client: fx.publicClient, address: fx.address, pollingIntervalMs: 50 })
  const equivocations = new EquivocationReporter({
    account: hardhatAccount(account).address, submitter: chainEquivocationProver(fx.publicClient, fx.wallet(account), fx.address), fallbackMs, onEvent: (e) => events.push(e),
  })
  const gossip = new AttestationGossip(source, { republishMs: [0], equivocations })
  await gossip.start()
  const pubsub = new FakePubsub({ toString: () => fakeIdentity(account).peerId }, bus)
  bus.push(pubsub)
  gossip.attach(pubsub as never)
  return { gossip, events }
}

test('red team on chain: colluders holding an honest member\'s real statements (this task\'s and another task\'s) and their own forgeries cannot slash it', async () => {
  const t1 = await drawnTask()
  const t2 = await drawnTask()
  const honest = t1.members.find((i) => t2.members.includes(i))!
  const colluders = t1.members.filter((i) => i !== honest).slice(0, 2)
  const mine = receiptStatementOf(await signAttestation(hardhatAccount(honest), fx.domain, body(t1.taskId, 1)))
  const other = receiptStatementOf(await signAttestation(hardhatAccount(honest), fx.domain, body(t2.taskId, 7)))
  const forged = receiptStatementOf({ ...(await signAttestation(hardhatAccount(colluders[0]!), fx.domain, body(t1.taskId, 9))), signer: hardhatAccount(honest).address })
  const by = fx.wallet(colluders[1]!)
  // Its statement of another task, relabelled to this one: the signature recovers someone else.
  await assertRefused(proveEquivocation(by, { address: fx.address, a: mine, b: { ...other, taskId: t1.taskId } }), 'NotConflicting')
  // The same, presented under the other task: likewise.
  await assertRefused(proveEquivocation(by, { address: fx.address, a: { ...mine, taskId: t2.taskId }, b: other }), 'NotConflicting')
  // A colluder's own signature claiming to be the honest member's.
  await assertRefused(proveEquivocation(by, { address: fx.address, a: mine, b: forged }), 'NotConflicting')
  // Its one statement twice.
  await assertRefused(proveEquivocation(by, { address: fx.address, a: mine, b: mine }), 'NotConflicting')
  const node = await getNode(fx.publicClient, { address: fx.address, node: hardhatAccount(honest).address })
  assert.deepEqual([node.slashed, node.stake], [false, STAKE])
  assert.ok(hexToBigInt(t1.taskId) !== hexToBigInt(t2.taskId))
})

test('a member signs two different receipts, the second after the receipt landed: the first honest member\'s node proves it, the controller slashes it, the next member sends nothing', async () => {
  const { taskId, members } = await drawnTask()
  const [w0, w1, culprit, h3, h4] = members as [number, number, number, number, number]
  const bus: FakePubsub[] = []
  const first = await watcher(w0, bus, 1_500), second = await watcher(w1, bus, 1_500)
  const speaker = new FakePubsub({ toString: () => fakeIdentity(culprit).peerId }, bus)
  bus.push(speaker)
  const say = (a: Attestation, as = culprit) => speaker.publish(ATTESTATION_TOPIC, encodeAttestationMessage(a), { toString: () => fakeIdentity(as).peerId })
  try {
    await until(() => first.gossip.knownTasks === 1 && second.gossip.knownTasks === 1)
    // The receipt lands on three honest signatures; the culprit's first statement agrees with it.
    const right = await Promise.all([w0, w1, h3].map((i) => signAttestation(hardhatAccount(i), fx.domain, body(taskId, 1))))
    await say(await signAttestation(hardhatAccount(culprit), fx.domain, body(taskId, 1)))
    await submitReceipt(fx.wallet(w0), { address: fx.address, ...body(taskId, 1), signatures: right.map((a) => a.signature) })
    await sleep(500) // the sources poll every 50 ms: both nodes have seen TaskCompleted
    const nonceBefore = await fx.publicClient.getTransactionCount({ address: hardhatAccount(w1).address })
    const creditsBefore = await getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(w0).address })
    // Then a second, different result from the same member.
    await say(await signAttestation(hardhatAccount(culprit), fx.domain, body(taskId, 2)))
    await until(async () => (await getNode(fx.publicClient, { address: fx.address, node: hardhatAccount(culprit).address })).slashed)
    const node = await getNode(fx.publicClient, { address: fx.address, node: hardhatAccount(culprit).address })
    assert.deepEqual([node.slashed, node.stake], [true, 0n])
    assert.ok(await getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(w0).address }) > creditsBefore, 'the prover is paid the reporter reward')
    const slashes = await getContractEvents(fx.publicClient, { abi: enigmaControllerAbi, address: fx.address, eventName: 'NodeSlashed', fromBlock: 0n })
    assert.deepEqual(slashes.map((e) => (e.args.node as Address).toLowerCase()), [hardhatAccount(culprit).address.toLowerCase()])
    // The second member's turn comes 1.5 s later: it reads the chain and sends nothing.
    await until(() => second.events.length > 0, 10_000)
    assert.deepEqual(second.events.map((e) => e.kind), ['submitted'])
    assert.equal(await fx.publicClient.getTransactionCount({ address: hardhatAccount(w1).address }), nonceBefore)
    for (const i of [w0, w1, h3, h4]) assert.equal((await getNode(fx.publicClient, { address: fx.address, node: hardhatAccount(i).address })).stake, STAKE)
  } finally {
    await first.gossip.stop()
    await second.gossip.stop()
  }
})
