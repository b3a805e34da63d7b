// Issue #11 §1: records and grants on chain (contracts/EnigmaRecords.sol), attacked the way a
// requester, a stranger or a replaying creator would, on a local chain. Gas of every call is
// printed as a diagnostic (docs/state.md keeps the table).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, createDrawnTask, type ControllerFixture, type FixtureWallet } from '../testing/fixture.ts'
import { assertRefused } from '../testing/assert.ts'
import { RecordRefusedError } from '../record-errors.ts'
import { createTask, type CreateTaskParameters } from './createTask.ts'
import { deployRecords } from './deployRecords.ts'
import { beginCustodyEpoch } from './beginCustodyEpoch.ts'
import { drawCustodyEpoch } from './drawCustodyEpoch.ts'
import { getCustodyEpoch } from './getCustodyEpoch.ts'
import { selectCommittee } from './selectCommittee.ts'
import { storeRecord } from './storeRecord.ts'
import { recordIdOf } from './recordIdOf.ts'
import { grantAccess } from './grantAccess.ts'
import { revokeAccess } from './revokeAccess.ts'
import { deleteRecord } from './deleteRecord.ts'
import { getRecord } from './getRecord.ts'
import { getGrant } from './getGrant.ts'
import { checkRecordUse } from './checkRecordUse.ts'
import { useRecord } from './useRecord.ts'
import { listRecords } from './listRecords.ts'
import { writeRecords } from '../internal/records.ts'

let fx: ControllerFixture
let records: Hex
const gas = new Map<string, bigint>()
const NODES = [2, 3, 4, 5, 6, 7]
const OWNER = 10
const LENDER = 11
const STRANGER = 12
const scoring = keccak256(stringToHex('credit-score'))
const other = keccak256(stringToHex('some-other-contract'))
const incomeType = keccak256(stringToHex('uint32'))
const commitment = keccak256(stringToHex('envelopes'))

/** Asserts a refusal with the stable record code (RECORD_REVOKED …) and the Solidity error name. */
async function refused(p: Promise<unknown>, code: string, errorName: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RecordRefusedError, `expected ${code}, got ${String(e)}`)
    assert.equal(e.code, code)
    assert.equal(e.errorName, errorName)
    return true
  })
}

const w = (i: number): FixtureWallet => fx.wallet(i)

async function task(creator: number, codeHash: Hex = scoring, over: Partial<CreateTaskParameters> = {}): Promise<Hex> {
  const r = await createTask(w(creator), {
    address: fx.address, codeHash, params: {}, n: 3, t: 1, security: 'malicious', multiplications: 0n, rounds: 0,
    inputSlots: [{ name: 'income', owner: w(OWNER).account.address }, { name: 'debts', owner: w(OWNER).account.address }],
    deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'), ...over,
  })
  return r.taskId
}

async function store(owner: number, salt: Hex, typeHash: Hex = incomeType): Promise<Hex> {
  const r = await storeRecord(w(owner), { address: records, salt, typeHash, commitment })
  gas.set('storeRecord', r.gasUsed)
  return recordIdOf({ chainId: fx.publicClient.chain.id, address: records, owner: w(owner).account.address, salt })
}

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODES, [parseEther('1')])
  const d = await deployRecords(w(0), { controller: fx.address, n: 5, t: 2, epochDuration: 3600n })
  records = d.address
  gas.set('deploy', d.gasUsed)
})
after(async () => {
  console.log(`# EnigmaRecords gas: ${[...gas].map(([k, v]) => `${k} ${v}`).join(', ')}`)
  await fx?.stop()
})

test('custody epochs: drawn from a later block with the controller’s selection; no store before the first; no early or double change', async () => {
  await refused(storeRecord(w(OWNER), { address: records, salt: keccak256('0x01'), typeHash: incomeType, commitment }), 'RECORD_NO_CUSTODY_EPOCH', 'NoCustodyEpoch')
  await assert.rejects(writeRecords('drawEpoch', w(STRANGER), records, 'drawEpoch', ['0x']), /NoPendingEpoch/)
  const begun = await beginCustodyEpoch(w(STRANGER), { address: records })
  gas.set('beginEpoch', begun.gasUsed)
  await assert.rejects(beginCustodyEpoch(w(OWNER), { address: records }), /EpochPending/)
  await assert.rejects(writeRecords('drawEpoch', w(STRANGER), records, 'drawEpoch', ['0x']), /DrawTooEarly/)
  await fx.mine(3)
  // A header that is not the draw block's (the caller's choice of randomness) is refused.
  await assert.rejects(writeRecords('drawEpoch', w(STRANGER), records, 'drawEpoch', ['0xc0']), /InvalidBlockHeader/)
  const drawn = await drawCustodyEpoch(w(STRANGER), { address: records })
  assert.ok(drawn.drawn)
  gas.set('drawEpoch (n=5, N=6)', drawn.gasUsed)
  const epoch = await getCustodyEpoch(fx.publicClient, { address: records })
  assert.equal(epoch.epoch, 1n)
  assert.deepEqual(epoch.custodians, drawn.custodians)
  assert.equal(new Set(epoch.custodians).size, 5)
  // Exactly the controller's rule on the epoch seed (same state: nothing staked in between).
  assert.deepEqual(await selectCommittee(fx.publicClient, { address: fx.address, seed: drawn.seed, n: 5 }), drawn.custodians)
  await assert.rejects(beginCustodyEpoch(w(STRANGER), { address: records }), /EpochTooEarly/)
})

test('a record: the owner’s, with its epoch’s custodians; the id cannot be taken twice; strangers cannot grant, revoke or delete it', async () => {
  const salt = keccak256(stringToHex('alice income'))
  const id = await store(OWNER, salt)
  const r = await getRecord(fx.publicClient, { address: records, recordId: id })
  assert.equal(r.owner, w(OWNER).account.address)
  assert.equal(r.typeHash, incomeType)
  assert.equal(r.commitment, commitment)
  assert.equal(r.t, 2)
  assert.deepEqual(r.custodians, (await getCustodyEpoch(fx.publicClient, { address: records })).custodians)
  await refused(storeRecord(w(OWNER), { address: records, salt, typeHash: incomeType, commitment }), 'RECORD_EXISTS', 'RecordExists')
  // The same salt from another account is another record: nobody can squat or overwrite Alice's id.
  const squat = await store(STRANGER, salt)
  assert.notEqual(squat, id)
  assert.equal((await getRecord(fx.publicClient, { address: records, recordId: id })).owner, w(OWNER).account.address)
  await refused(grantAccess(w(STRANGER), { address: records, recordId: id, codeHash: scoring }), 'RECORD_NOT_OWNER', 'NotRecordOwner')
  await refused(deleteRecord(w(LENDER), { address: records, recordId: id }), 'RECORD_NOT_OWNER', 'NotRecordOwner')
  await refused(getRecord(fx.publicClient, { address: records, recordId: keccak256('0x99') }), 'RECORD_UNKNOWN', 'UnknownRecord')
  const mine = await listRecords(fx.publicClient, { address: records, owner: w(OWNER).account.address })
  assert.deepEqual(mine.map((x) => x.recordId), [id])
})

test('uses: a requester without a grant, the wrong code hash, the wrong type, someone else’s task, a replayed slot and one use too many are all refused', async () => {
  const id = await store(OWNER, keccak256(stringToHex('alice debts')))
  const lenderTask = await task(LENDER)
  const args = { address: records, recordId: id, taskId: lenderTask, slot: 0, typeHash: incomeType }
  await refused(useRecord(w(LENDER), args), 'RECORD_NOT_GRANTED', 'NotGranted')
  const g = await grantAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring, requester: w(LENDER).account.address, maxUses: 2 })
  gas.set('grantAccess', g.gasUsed)
  // A stranger's own task of the granted contract: the grant names the lender.
  await refused(useRecord(w(STRANGER), { ...args, taskId: await task(STRANGER) }), 'RECORD_NOT_GRANTED', 'NotGranted')
  // The stranger binds the lender's task: only its creator may.
  await refused(useRecord(w(STRANGER), args), 'RECORD_NOT_TASK_CREATOR', 'NotTaskCreator')
  // The lender's task of another contract (one that would reveal the value, say).
  await refused(useRecord(w(LENDER), { ...args, taskId: await task(LENDER, other) }), 'RECORD_NOT_GRANTED', 'NotGranted')
  await refused(useRecord(w(LENDER), { ...args, typeHash: keccak256(stringToHex('uint64')) }), 'RECORD_TYPE_MISMATCH', 'TypeMismatch')
  await assertRefused(useRecord(w(LENDER), { ...args, slot: 2 }), 'InvalidSlot')
  await assertRefused(useRecord(w(LENDER), { ...args, taskId: keccak256('0x1234') }), 'UnknownTask')

  const first = await useRecord(w(LENDER), args)
  gas.set('useRecord', first.gasUsed)
  assert.equal(first.used, 1)
  // Replaying the use (same task, same slot) neither binds again nor spends the grant.
  await refused(useRecord(w(LENDER), args), 'RECORD_SLOT_ALREADY_BOUND', 'SlotAlreadyBound')
  assert.equal((await getGrant(fx.publicClient, { address: records, recordId: id, codeHash: scoring, requester: w(LENDER).account.address })).used, 1)
  assert.equal((await useRecord(w(LENDER), { ...args, slot: 1 })).used, 2)
  await refused(useRecord(w(LENDER), { ...args, taskId: await task(LENDER) }), 'RECORD_USES_EXHAUSTED', 'UsesExhausted')
  await refused(checkRecordUse(fx.publicClient, { address: records, recordId: id, codeHash: scoring, requester: w(LENDER).account.address, typeHash: incomeType }), 'RECORD_USES_EXHAUSTED', 'UsesExhausted')
})

test('revocation takes effect from its block; an expired grant pays nothing; a task past its deadline takes no record', async () => {
  const id = await store(OWNER, keccak256(stringToHex('bob income')))
  const lender = w(LENDER).account.address
  await grantAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring, requester: lender })
  const check = () => checkRecordUse(fx.publicClient, { address: records, recordId: id, codeHash: scoring, requester: lender, typeHash: incomeType })
  await check()
  await useRecord(w(LENDER), { address: records, recordId: id, taskId: await task(LENDER), slot: 0, typeHash: incomeType })
  const rv = await revokeAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring, requester: lender })
  gas.set('revokeAccess', rv.gasUsed)
  await refused(useRecord(w(LENDER), { address: records, recordId: id, taskId: await task(LENDER), slot: 0, typeHash: incomeType }), 'RECORD_REVOKED', 'GrantRevoked')
  await refused(check(), 'RECORD_REVOKED', 'GrantRevoked')
  // The state before the revocation's block still allowed it: the revocation counts from its block on.
  await assert.doesNotReject(checkRecordUse(fx.publicClient, { address: records, recordId: id, codeHash: scoring, requester: lender, typeHash: incomeType, blockNumber: rv.receipt.blockNumber - 1n }))
  await refused(revokeAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring, requester: lender }), 'RECORD_REVOKED', 'GrantRevoked')
  await refused(revokeAccess(w(OWNER), { address: records, recordId: id, codeHash: other }), 'RECORD_NOT_GRANTED', 'NotGranted')

  // An open grant (anyone) that expires.
  const expiry = (await fx.now()) + 600n
  await refused(grantAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring, expiry: (await fx.now()) - 1n }), 'RECORD_INVALID_EXPIRY', 'InvalidExpiry')
  await grantAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring, expiry })
  const open = await task(STRANGER)
  await useRecord(w(STRANGER), { address: records, recordId: id, taskId: open, slot: 0, typeHash: incomeType })
  const late = await task(STRANGER, scoring, { deadline: (await fx.now()) + 700n })
  await fx.advance(601n)
  await refused(useRecord(w(STRANGER), { address: records, recordId: id, taskId: late, slot: 0, typeHash: incomeType }), 'RECORD_EXPIRED', 'GrantExpired')
  // A re-grant lifts the lender's revocation; a task past its deadline is closed to records.
  await grantAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring, requester: lender })
  const closing = await task(LENDER, scoring, { deadline: (await fx.now()) + 60n })
  await fx.advance(61n)
  await assert.rejects(useRecord(w(LENDER), { address: records, recordId: id, taskId: closing, slot: 0, typeHash: incomeType }), /TaskNotOpen/)
  // A task whose committee is drawn is still open for inputs.
  const drawn = await createDrawnTask(fx, w(LENDER), {
    address: fx.address, codeHash: scoring, params: {}, n: 3, t: 1, security: 'malicious', multiplications: 0n, rounds: 0,
    inputSlots: [{ name: 'income', owner: lender }], deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  await useRecord(w(LENDER), { address: records, recordId: id, taskId: drawn.taskId, slot: 0, typeHash: incomeType })
})

test('deletion: no grant, use or revocation afterwards, the record reads as deleted, and its id is never reused', async () => {
  const salt = keccak256(stringToHex('carol income'))
  const id = await store(OWNER, salt)
  await grantAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring })
  const t1 = await task(LENDER)
  const del = await deleteRecord(w(OWNER), { address: records, recordId: id })
  gas.set('deleteRecord', del.gasUsed)
  assert.equal((await getRecord(fx.publicClient, { address: records, recordId: id })).deletedAt, del.receipt.blockNumber)
  await refused(useRecord(w(LENDER), { address: records, recordId: id, taskId: t1, slot: 0, typeHash: incomeType }), 'RECORD_DELETED', 'RecordIsDeleted')
  await refused(grantAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring }), 'RECORD_DELETED', 'RecordIsDeleted')
  await refused(revokeAccess(w(OWNER), { address: records, recordId: id, codeHash: scoring }), 'RECORD_DELETED', 'RecordIsDeleted')
  await refused(deleteRecord(w(OWNER), { address: records, recordId: id }), 'RECORD_DELETED', 'RecordIsDeleted')
  await refused(storeRecord(w(OWNER), { address: records, salt, typeHash: incomeType, commitment }), 'RECORD_EXISTS', 'RecordExists')
})
