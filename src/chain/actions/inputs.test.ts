// Input batches on chain (contracts/EnigmaInputs.sol, issue #14 §5), red team with the attacker's own
// accounts: too few or foreign signatures, colluding members forging or altering a leaf, replay across
// tasks / contracts / chains, a root after the cut-off, a second root, an owner's two commitments, and
// the escape: an owner left out of the root fills her slot directly on the controller.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, toHex, isAddressEqual, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture, type DrawnTask } from '../testing/fixture.ts'
import { hardhatAccount } from '../testing/hardhat-node.ts'
import { assertRefused } from '../testing/assert.ts'
import { quoteTask } from './quoteTask.ts'
import { fillInputSlot } from './fillInputSlot.ts'
import { deployInputs } from './deployInputs.ts'
import { commitInputRoot } from './commitInputRoot.ts'
import { getInputBatch } from './getInputBatch.ts'
import { isInputIncluded } from './isInputIncluded.ts'
import { readInputs } from '../internal/inputs.ts'
import {
  envelopeCommitment, inputBatchTree, inputLeafHash, ownerInputDigest, signInputRoot, signOwnerInput, type InputLeaf,
} from '../../node/input-batch.ts'
import { InputBatchBook } from '../../node/input-batch-book.ts'
import type { ReceiptDomain } from '../../node/task-source.ts'

const NODE_ACCOUNTS = [2, 3, 4, 5, 6, 7]
const OWNER_ACCOUNTS = [10, 11, 12, 13]
const ESCAPE = 600n
let fx: ControllerFixture
let inputs: Address
let domain: ReceiptDomain
before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, [parseEther('1')])
  inputs = (await deployInputs(fx.wallet(0), { controller: fx.address, escapeWindow: ESCAPE })).address
  domain = { chainId: fx.domain.chainId, verifyingContract: inputs }
})
after(async () => { await fx?.stop() })

const owners = () => OWNER_ACCOUNTS.map((i) => fx.wallet(i).account.address)
async function drawnTask(deadlineIn = 3600n): Promise<DrawnTask> {
  const fee = await quoteTask(fx.publicClient, { address: fx.address, multiplications: 10n, rounds: 2 })
  return createDrawnTask(fx, fx.wallet(9), {
    address: fx.address, codeHash: keccak256(stringToHex('batch')), params: { bidders: 4 }, n: 5, t: 2, security: 'malicious',
    multiplications: 10n, rounds: 2, inputSlots: owners().map((owner, i) => ({ name: `bids[${i}]`, owner })),
    deadline: (await fx.now()) + deadlineIn, fee,
  })
}
/** The hardhat account of a committee member, to sign as that member. */
const memberAccount = (member: Address) => hardhatAccount(NODE_ACCOUNTS.find((i) => isAddressEqual(fx.wallet(i).account.address, member))!)
/** An owner's commitment over 5 (stand-in) envelopes, signed EIP-712 under `d`. */
async function ownerInput(task: Hex, slot: number, salt: string, d: ReceiptDomain = domain): Promise<{ commitment: Hex; signature: Hex }> {
  const commitment = envelopeCommitment(Array.from({ length: 5 }, (_, i) => keccak256(stringToHex(`${salt}:${slot}:${i}`))))
  return { commitment, signature: await signOwnerInput(hardhatAccount(OWNER_ACCOUNTS[slot]!), d, { taskId: task, slot, commitment }) }
}
/** Every member's book with the same owner inputs accepted. */
async function books(task: DrawnTask, slots: readonly number[], salt = 'v1'): Promise<{ books: InputBatchBook[]; leaves: InputLeaf[] }> {
  const all = task.committee.map(() => new InputBatchBook(task.taskId, domain, owners().map((o) => o.toLowerCase() as Hex)))
  for (const slot of slots) {
    const { commitment, signature } = await ownerInput(task.taskId, slot, salt)
    for (const b of all) assert.equal(await b.accept(slot, commitment, signature), 'held')
  }
  return { books: all, leaves: all[0]!.leaves() }
}
async function sigs(task: DrawnTask, members: readonly Address[], root: Hex, count: number, d: ReceiptDomain = domain, taskId = task.taskId): Promise<Hex[]> {
  return Promise.all(members.map(async (m) => (await signInputRoot(memberAccount(m), d, { taskId, root, count })).signature))
}

test('TS twins: the contract\'s leaf and owner digest equal src/node/input-batch.ts', async () => {
  const leaf = { slot: 3, owner: owners()[1]!, commitment: keccak256(stringToHex('c')) }
  assert.equal(await readInputs('t', fx.publicClient, inputs, 'inputLeaf', [3n, leaf.owner, leaf.commitment]), inputLeafHash(leaf))
  const body = { taskId: keccak256(stringToHex('task')), slot: 3, commitment: leaf.commitment }
  assert.equal(await readInputs('t', fx.publicClient, inputs, 'inputDigest', [body.taskId, 3n, body.commitment]), ownerInputDigest(domain, body))
})

test('a root signed by n − t members lands once; every leaf verifies on chain; the owner left out fills her slot directly', async () => {
  const task = await drawnTask()
  // Slot 2's owner is left out of the batch (the committee omits her).
  const { books: all, leaves } = await books(task, [0, 1, 3])
  const tree = inputBatchTree(leaves)
  for (const b of all) assert.equal(b.review(tree.leaves), undefined)
  const signatures = await sigs(task, task.committee.slice(0, 3), tree.root, leaves.length)
  const r = await commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: leaves.length, signatures })
  console.log(`commitRoot gas (3 signatures, ${leaves.length} leaves): ${r.gasUsed}`)
  assert.ok(r.gasUsed < 150_000n, `commitRoot costs ${r.gasUsed}`)
  const batch = await getInputBatch(fx.publicClient, { address: inputs, taskId: task.taskId })
  assert.equal(batch.root, tree.root)
  assert.equal(batch.count, 3)
  assert.equal(batch.signers, 0b111)
  for (const l of tree.leaves) {
    assert.equal(await isInputIncluded(fx.publicClient, { address: inputs, taskId: task.taskId, ...l, proof: tree.proof(l.slot)! }), true)
  }
  // A leaf with another commitment, another owner or another slot is not in.
  const l0 = tree.leaves[0]!
  assert.equal(await isInputIncluded(fx.publicClient, { address: inputs, taskId: task.taskId, ...l0, commitment: keccak256('0x01'), proof: tree.proof(0)! }), false)
  assert.equal(await isInputIncluded(fx.publicClient, { address: inputs, taskId: task.taskId, ...l0, owner: owners()[2]!, proof: tree.proof(0)! }), false)
  // The escape: slot 2 is not in the root; its owner fills it on the controller before the deadline.
  const mine = await ownerInput(task.taskId, 2, 'v1')
  assert.equal(await isInputIncluded(fx.publicClient, { address: inputs, taskId: task.taskId, slot: 2, owner: owners()[2]!, commitment: mine.commitment, proof: tree.proof(1)! }), false)
  await fillInputSlot(fx.wallet(OWNER_ACCOUNTS[2]!), { address: fx.address, taskId: task.taskId, slot: 2, owners: owners(), commitment: mine.commitment })
  // A second root for the task is refused, whoever signs it.
  const again = await sigs(task, task.committee, tree.root, leaves.length)
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: 3, signatures: again }), 'RootAlreadyCommitted')
})

test('t colluding members cannot commit a root: too few signatures, non-members, one member twice', async () => {
  const task = await drawnTask()
  const { leaves } = await books(task, [0, 1, 2, 3])
  const tree = inputBatchTree(leaves)
  const colluders = task.committee.slice(0, 2)
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: 4, signatures: await sigs(task, colluders, tree.root, 4) }), 'TooFewSignatures', [2n, 3n])
  // The colluders sign twice each: duplicates are refused, they do not count.
  const twice = await sigs(task, [...colluders, colluders[0]!], tree.root, 4)
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: 4, signatures: twice }), 'DuplicateSigner', [colluders[0]!])
  // Registered, active nodes that are not on this task's committee, and plain accounts, are strangers.
  const outsider = NODE_ACCOUNTS.map((i) => fx.wallet(i).account.address).find((a) => !task.committee.some((m) => isAddressEqual(m, a)))!
  const withOutsider = [...(await sigs(task, colluders, tree.root, 4)), (await signInputRoot(memberAccount(outsider), domain, { taskId: task.taskId, root: tree.root, count: 4 })).signature]
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: 4, signatures: withOutsider }), 'NotCommitteeMember', [outsider])
  const stranger = (await signInputRoot(hardhatAccount(15), domain, { taskId: task.taskId, root: tree.root, count: 4 })).signature
  await assertRefused(commitInputRoot(fx.wallet(15), { address: inputs, taskId: task.taskId, root: tree.root, count: 4, signatures: [...await sigs(task, colluders, tree.root, 4), stranger] }), 'NotCommitteeMember')
  // More leaves than the task has slots.
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: 5, signatures: await sigs(task, task.committee, tree.root, 5) }), 'TooManyLeaves', [5, 4])
})

test('colluding members forging a leaf or altering a commitment: every honest member refuses, and t signatures are not enough', async () => {
  const task = await drawnTask()
  const { books: all, leaves } = await books(task, [0, 1, 2, 3])
  const honest = all.slice(2)
  // (a) A commitment the owner never signed, for her slot.
  const altered = leaves.map((l) => (l.slot === 1 ? { ...l, commitment: keccak256(stringToHex('forged')) } : l))
  // (b) A slot given to a colluder's account (slot ownership).
  const stolen = leaves.map((l) => (l.slot === 3 ? { ...l, owner: fx.wallet(15).account.address.toLowerCase() as Hex } : l))
  // (c) A leaf for an owner who never submitted anything.
  const { leaves: partial } = await books(task, [0, 1])
  const ghost = [...partial, { slot: 2, owner: owners()[2]!.toLowerCase() as Hex, commitment: keccak256(stringToHex('ghost')) }]
  const honestBooks = task.committee.map(() => new InputBatchBook(task.taskId, domain, owners().map((o) => o.toLowerCase() as Hex)))
  for (const slot of [0, 1]) {
    const { commitment, signature } = await ownerInput(task.taskId, slot, 'v1')
    for (const b of honestBooks) await b.accept(slot, commitment, signature)
  }
  for (const b of honest) {
    assert.deepEqual(b.review(altered), { kind: 'different-commitment', slot: 1 })
    assert.deepEqual(b.review(stolen), { kind: 'wrong-owner', slot: 3 })
  }
  assert.deepEqual(honestBooks[4]!.review(ghost), { kind: 'not-held', slot: 2 })
  // A colluder cannot get a forged commitment accepted either: the owner's signature is checked on entry.
  const forgedSig = await signOwnerInput(hardhatAccount(15), domain, { taskId: task.taskId, slot: 1, commitment: altered[1]!.commitment })
  await assert.rejects(honest[0]!.accept(1, altered[1]!.commitment, forgedSig), /not signed by its owner/)
  // The two colluders sign the altered root anyway: refused on chain.
  for (const bad of [altered, stolen, ghost]) {
    const tree = inputBatchTree(bad)
    await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: bad.length, signatures: await sigs(task, task.committee.slice(0, 2), tree.root, bad.length) }), 'TooFewSignatures')
  }
})

test('replay: root signatures of another task, another inputs contract or another chain are strangers\' signatures', async () => {
  const a = await drawnTask()
  const b = await drawnTask()
  const { leaves } = await books(b, [0, 1, 2, 3])
  const tree = inputBatchTree(leaves)
  const other = (await deployInputs(fx.wallet(0), { controller: fx.address, escapeWindow: ESCAPE })).address
  const replays: Record<string, Hex[]> = {
    'other task': await sigs(b, b.committee.slice(0, 3), tree.root, 4, domain, a.taskId),
    'other contract': await sigs(b, b.committee.slice(0, 3), tree.root, 4, { ...domain, verifyingContract: other }),
    'other chain': await sigs(b, b.committee.slice(0, 3), tree.root, 4, { ...domain, chainId: 1 }),
  }
  for (const [what, signatures] of Object.entries(replays)) {
    await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: b.taskId, root: tree.root, count: 4, signatures }), 'NotCommitteeMember').catch((e) => { throw new Error(`${what}: ${e}`) })
  }
  // Owners' signatures do not replay either: a member refuses one made for another task, contract or chain.
  const book = new InputBatchBook(b.taskId, domain, owners().map((o) => o.toLowerCase() as Hex))
  const fromTaskA = await ownerInput(a.taskId, 0, 'v1')
  await assert.rejects(book.accept(0, fromTaskA.commitment, fromTaskA.signature), /not signed by its owner/)
  const fromOtherContract = await ownerInput(b.taskId, 0, 'v1', { ...domain, verifyingContract: other })
  await assert.rejects(book.accept(0, fromOtherContract.commitment, fromOtherContract.signature), /not signed by its owner/)
  const fromOtherChain = await ownerInput(b.taskId, 0, 'v1', { ...domain, chainId: 1 })
  await assert.rejects(book.accept(0, fromOtherChain.commitment, fromOtherChain.signature), /not signed by its owner/)
  // Another slot of the same owner's task: slot 0's signature does not cover slot 1.
  const slot0 = await ownerInput(b.taskId, 0, 'v1')
  const bookAll = new InputBatchBook(b.taskId, domain, [owners()[0]!, owners()[0]!].map((o) => o.toLowerCase() as Hex))
  await assert.rejects(bookAll.accept(1, slot0.commitment, slot0.signature), /not signed by its owner/)
})

test('cut-off: no root before the draw, none after deadline − escape window; the direct fill still works until the deadline', async () => {
  const fee = await quoteTask(fx.publicClient, { address: fx.address, multiplications: 10n, rounds: 2 })
  const { createTask } = await import('./createTask.ts')
  const pending = await createTask(fx.wallet(9), {
    address: fx.address, codeHash: keccak256(stringToHex('batch')), params: { bidders: 4 }, n: 5, t: 2, security: 'malicious',
    multiplications: 10n, rounds: 2, inputSlots: owners().map((owner, i) => ({ name: `bids[${i}]`, owner })), deadline: (await fx.now()) + 3600n, fee,
  })
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: pending.taskId, root: keccak256('0x01'), count: 1, signatures: [] }), 'TaskNotOpen', [pending.taskId])
  const task = await drawnTask(3600n)
  const { leaves } = await books(task, [0, 1, 2])
  const tree = inputBatchTree(leaves)
  const signatures = await sigs(task, task.committee, tree.root, 3)
  const { cutoff } = await getInputBatch(fx.publicClient, { address: inputs, taskId: task.taskId })
  await fx.advance(cutoff - (await fx.now()) + 1n)
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: 3, signatures }), 'CutoffPassed', [cutoff])
  // Past the cut-off, before the deadline: every owner can still fill directly.
  const late = await ownerInput(task.taskId, 3, 'v1')
  await fillInputSlot(fx.wallet(OWNER_ACCOUNTS[3]!), { address: fx.address, taskId: task.taskId, slot: 3, owners: owners(), commitment: late.commitment })
  await assertRefused(commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: toHex(0, { size: 32 }), count: 0, signatures }), 'EmptyBatch')
})

test('an owner who signs two different commitments for her slot is in no root an honest member signs (both signatures kept as evidence)', async () => {
  const task = await drawnTask()
  const { books: all } = await books(task, [0, 1, 2, 3])
  const second = await ownerInput(task.taskId, 2, 'v2')
  for (const b of all) assert.equal(await b.accept(2, second.commitment, second.signature), 'equivocated')
  const first = await ownerInput(task.taskId, 2, 'v1')
  const withFirst = inputBatchTree([...all[0]!.leaves(), { slot: 2, owner: owners()[2]!.toLowerCase() as Hex, commitment: first.commitment }])
  const withSecond = inputBatchTree([...all[0]!.leaves(), { slot: 2, owner: owners()[2]!.toLowerCase() as Hex, commitment: second.commitment }])
  for (const b of all) {
    assert.deepEqual(b.review(withFirst.leaves), { kind: 'equivocated', slot: 2 })
    assert.deepEqual(b.review(withSecond.leaves), { kind: 'equivocated', slot: 2 })
    assert.deepEqual(b.leaves().map((l) => l.slot), [0, 1, 3])
    assert.deepEqual(b.equivocation(2)?.map((e) => e.commitment), [first.commitment, second.commitment])
  }
  // The root of the other slots lands; her way in is the direct fill (the one the nodes use).
  const tree = inputBatchTree(all[0]!.leaves())
  await commitInputRoot(fx.wallet(9), { address: inputs, taskId: task.taskId, root: tree.root, count: 3, signatures: await sigs(task, task.committee.slice(1, 4), tree.root, 3) })
  await fillInputSlot(fx.wallet(OWNER_ACCOUNTS[2]!), { address: fx.address, taskId: task.taskId, slot: 2, owners: owners(), commitment: second.commitment })
})
