// Issue #11 §3 on chain: custody hand-offs recorded by EnigmaRecords.confirmHandoff, attacked the way a
// stranger, a custodian claiming what it was not handed, a double or stale voter, or an impatient
// epoch changer would. Gas of the new calls is printed as a diagnostic (docs/state.md keeps the table).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, parseEther, stringToHex, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, type ControllerFixture, type FixtureWallet } from '../testing/fixture.ts'
import { RecordRefusedError } from '../record-errors.ts'
import { deployRecords } from './deployRecords.ts'
import { beginCustodyEpoch } from './beginCustodyEpoch.ts'
import { drawCustodyEpoch } from './drawCustodyEpoch.ts'
import { getCustodyEpoch } from './getCustodyEpoch.ts'
import { storeRecord } from './storeRecord.ts'
import { recordIdOf } from './recordIdOf.ts'
import { deleteRecord } from './deleteRecord.ts'
import { getRecord } from './getRecord.ts'
import { setActive } from './setActive.ts'
import { confirmCustodyHandoff } from './confirmCustodyHandoff.ts'
import { readRecords, writeRecords } from '../internal/records.ts'

let fx: ControllerFixture
let records: Address
const gas = new Map<string, bigint>()
const NODES = [2, 3, 4, 5, 6, 7]
const OWNER = 10
const STRANGER = 12
const SLOT = 60n
const typeHash = keccak256(stringToHex('uint32'))
const commitment = keccak256(stringToHex('envelopes'))
const w = (i: number): FixtureWallet => fx.wallet(i)
/** Hardhat account index of each node address. */
const accountOf = new Map<string, number>()
const walletOf = (a: Address): FixtureWallet => w(accountOf.get(a.toLowerCase())!)

async function refused(p: Promise<unknown>, code: string, errorName: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RecordRefusedError, `expected ${code}, got ${String(e)}`)
    assert.equal(e.code, code)
    assert.equal(e.errorName, errorName)
    return true
  })
}

async function newEpoch(): Promise<readonly Address[]> {
  const begun = await beginCustodyEpoch(w(STRANGER), { address: records })
  gas.set('beginEpoch', begun.gasUsed)
  await fx.mine(3)
  const drawn = await drawCustodyEpoch(w(STRANGER), { address: records })
  assert.ok(drawn.drawn)
  return drawn.custodians
}

async function store(salt: string): Promise<Hex> {
  const s = keccak256(stringToHex(salt))
  await storeRecord(w(OWNER), { address: records, salt: s, typeHash, commitment })
  return recordIdOf({ chainId: fx.publicClient.chain.id, address: records, owner: w(OWNER).account.address, salt: s })
}

const confirm = (who: Address, epoch: bigint, items: { recordId: Hex; attempt: number }[]) => confirmCustodyHandoff(walletOf(who), { address: records, epoch, items })

before(async () => {
  fx = await startControllerFixture()
  const addrs = await registerActiveNodes(fx, NODES, [parseEther('1')])
  addrs.forEach((a, k) => accountOf.set(a.toLowerCase(), NODES[k]!))
  records = (await deployRecords(w(0), { controller: fx.address, n: 5, t: 2, epochDuration: 3600n, handoffSlot: SLOT })).address
})
after(async () => {
  console.log(`# EnigmaRecords hand-off gas: ${[...gas].map(([k, v]) => `${k} ${v}`).join(', ')}`)
  await fx?.stop()
})

test('hand-off: n − t confirmations of one attempt move a record (custodians become the new committee); strangers, claims of records not handed, doubles, past epochs, future and stale attempts are refused', async () => {
  const first = await newEpoch()
  assert.equal(await readRecords<number>('t', fx.publicClient, records, 'handoffQuorum', []), 3)
  const a = await store('a'), b = await store('b'), c = await store('c')
  // Everyone is active: no early epoch change.
  await assert.rejects(beginCustodyEpoch(w(STRANGER), { address: records }), /EpochTooEarly/)
  // Nothing was handed to epoch 1: its records came from the owner.
  await refused(confirm(first[0]!, 1n, [{ recordId: a, attempt: 0 }]), 'RECORD_NOT_HANDED_OFF', 'NotHandedOff')

  // A custodian leaves (setActive false): its duty must move, so the epoch may change at once.
  const leaver = first[1]!
  await setActive(walletOf(leaver), { address: fx.address, active: false })
  assert.equal(await readRecords<boolean>('t', fx.publicClient, records, 'custodianLeft', []), true)
  const second = await newEpoch()
  assert.ok(!second.map((x) => x.toLowerCase()).includes(leaver.toLowerCase()), 'the node that left is not drawn again')
  const stranger = [...accountOf.keys()].find((x) => !second.map((s) => s.toLowerCase()).includes(x))! as Address

  // The attacker's attempts.
  await refused(confirm(stranger, 2n, [{ recordId: a, attempt: 0 }]), 'RECORD_NOT_CUSTODIAN', 'NotCustodian')
  await refused(confirmCustodyHandoff(w(STRANGER), { address: records, epoch: 2n, items: [{ recordId: a, attempt: 0 }] }), 'RECORD_NOT_CUSTODIAN', 'NotCustodian')
  await refused(confirm(first[0]!, 1n, [{ recordId: a, attempt: 0 }]), 'RECORD_EPOCH_NOT_CURRENT', 'EpochNotCurrent')
  await refused(confirm(second[0]!, 1n, [{ recordId: a, attempt: 0 }]), 'RECORD_EPOCH_NOT_CURRENT', 'EpochNotCurrent')
  await refused(confirm(second[0]!, 2n, [{ recordId: a, attempt: 5 }]), 'RECORD_FUTURE_ATTEMPT', 'FutureAttempt')
  await refused(confirm(second[0]!, 2n, [{ recordId: keccak256('0x99'), attempt: 0 }]), 'RECORD_UNKNOWN', 'UnknownRecord')
  await refused(writeLengthMismatch(second[0]!, a), 'RECORD_LENGTH_MISMATCH', 'LengthMismatch')

  // Two confirmations: not yet moved (the custodians are still epoch 1's, who keep their shares).
  const c0 = await confirm(second[0]!, 2n, [{ recordId: a, attempt: 0 }])
  gas.set('confirmHandoff (1 record, first vote)', c0.gasUsed)
  await refused(confirm(second[0]!, 2n, [{ recordId: a, attempt: 0 }]), 'RECORD_ALREADY_CONFIRMED', 'AlreadyConfirmed')
  await confirm(second[1]!, 2n, [{ recordId: a, attempt: 0 }])
  let r = await getRecord(fx.publicClient, { address: records, recordId: a })
  assert.equal(r.epoch, 1n)
  assert.deepEqual(r.custodians, first)
  // The third completes the quorum n − t = 3: the record's custodians are now epoch 2's.
  const c2 = await confirm(second[2]!, 2n, [{ recordId: a, attempt: 0 }])
  gas.set('confirmHandoff (1 record, quorum vote: moves it)', c2.gasUsed)
  assert.deepEqual(c2.moved, [a])
  r = await getRecord(fx.publicClient, { address: records, recordId: a })
  assert.equal(r.epoch, 2n)
  assert.deepEqual(r.custodians, second)
  assert.equal(r.handoffEpoch, 2n)
  assert.equal(r.handoffVotes, 0b111)
  // A late holder is counted (its bit names it a holder); another attempt for a moved record is not.
  await confirm(second[3]!, 2n, [{ recordId: a, attempt: 0 }])
  assert.equal((await getRecord(fx.publicClient, { address: records, recordId: a })).handoffVotes, 0b1111)
  await fx.advance(SLOT)
  await fx.mine(1)
  await refused(confirm(second[4]!, 2n, [{ recordId: a, attempt: 1 }]), 'RECORD_STALE_ATTEMPT', 'StaleAttempt')

  // Record b: attempt 0 got one vote, attempt 1 restarts the tally; attempt 0 is stale from then on.
  await confirm(second[0]!, 2n, [{ recordId: b, attempt: 0 }])
  await confirm(second[1]!, 2n, [{ recordId: b, attempt: 1 }])
  await refused(confirm(second[2]!, 2n, [{ recordId: b, attempt: 0 }]), 'RECORD_STALE_ATTEMPT', 'StaleAttempt')
  r = await getRecord(fx.publicClient, { address: records, recordId: b })
  assert.equal(r.handoffAttempt, 1)
  assert.equal(r.handoffVotes, 1 << 1)
  // Batched: b's votes for attempt 1 and the deleted c (skipped: deletion wins) in one call per custodian.
  await deleteRecord(w(OWNER), { address: records, recordId: c })
  await confirm(second[0]!, 2n, [{ recordId: b, attempt: 1 }, { recordId: c, attempt: 1 }])
  const moved = await confirm(second[2]!, 2n, [{ recordId: b, attempt: 1 }, { recordId: c, attempt: 1 }])
  gas.set('confirmHandoff (2 records, one deleted)', moved.gasUsed)
  assert.deepEqual(moved.moved, [b])
  assert.equal((await getRecord(fx.publicClient, { address: records, recordId: c })).epoch, 1n)

  // A record stored in epoch 2 was handed to nobody.
  const d = await store('d')
  await refused(confirm(second[0]!, 2n, [{ recordId: d, attempt: 1 }]), 'RECORD_NOT_HANDED_OFF', 'NotHandedOff')
  assert.deepEqual((await getCustodyEpoch(fx.publicClient, { address: records })).custodians, second)
})

function writeLengthMismatch(who: Address, id: Hex): Promise<unknown> {
  return writeRecords('confirmHandoff', walletOf(who), records, 'confirmHandoff', [2n, [id], []])
}

test('duty hand-over: a custodian that deactivates (to withdraw its stake) opens an early epoch change and is not drawn again', async () => {
  // After the previous test, epoch 2's custodians are all active: early change refused.
  await assert.rejects(beginCustodyEpoch(w(STRANGER), { address: records }), /EpochTooEarly/)
  const e = await getCustodyEpoch(fx.publicClient, { address: records })
  // The node that left in the first test comes back (a 6th active node to draw from).
  const back = [...accountOf.keys()].find((x) => !e.custodians.map((c) => c.toLowerCase()).includes(x))! as Address
  await setActive(walletOf(back), { address: fx.address, active: true })
  // One of them deactivates (the first step of withdrawing its stake): the early change opens.
  await setActive(walletOf(e.custodians[0]!), { address: fx.address, active: false })
  const begun = await beginCustodyEpoch(w(STRANGER), { address: records })
  gas.set('beginEpoch (early, a custodian left)', begun.gasUsed)
  await fx.mine(3)
  const third = await drawCustodyEpoch(w(STRANGER), { address: records })
  assert.ok(third.drawn && !third.custodians.map((x) => x.toLowerCase()).includes(e.custodians[0]!.toLowerCase()))
})
