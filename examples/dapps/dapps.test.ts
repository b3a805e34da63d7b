/**
 * The Solidity logic of the example dApps on a local chain, fast and without nodes: the real
 * controller (callbacks included), tasks created by the dApp contracts, and receipts signed by the
 * committee's own (Hardhat) keys over the outputs the plaintext references compute, exactly as the
 * nodes would sign them. Devnet runs with node processes: dapps.e2e.test.ts.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { encodeAbiParameters, keccak256, parseEther, type Abi, type Address, type Hex } from 'viem'
import { getBalance } from 'viem/actions'
import { createEnigmaClient, type EnigmaClient } from 'enigma-ts/sdk'
import { compileContract, type Compiled } from 'enigma-ts'
import { startControllerFixture, registerActiveNodes, type ControllerFixture } from '../../src/chain/testing/fixture.ts'
import { hardhatAccount } from '../../src/chain/testing/hardhat-node.ts'
import { submitReceipt } from '../../src/chain/actions/submitReceipt.ts'
import { refundTask } from '../../src/chain/actions/refundTask.ts'
import { retryCallback } from '../../src/chain/actions/retryCallback.ts'
import { drawCommittee } from '../../src/chain/actions/drawCommittee.ts'
import { getTask } from '../../src/chain/actions/getTask.ts'
import { signAttestation } from '../../src/node/attestation.ts'
import { encodePublicOutputs } from '../../src/node/typed-outputs.ts'
import { getField } from '../../src/field/create.ts'
import sealedBidAuction, { reference as auctionReference, type SealedBid } from '../sealed-bid-auction.ts'
import voting, { reference as votingReference } from '../voting.ts'
import { nftAuctionAbi } from './generated/NftAuction.ts'
import { privateDaoVoteAbi } from './generated/PrivateDaoVote.ts'
import { enigmaControllerAbi } from '../../src/chain/generated/EnigmaController.ts'
import { read, revertName, send } from './dapp-client.ts'
import {
  claim, claimable, deployDemoNft, deployNftAuction, getAuction, joinAuction, listNft, mintNft, ownerOf, setAuctionCircuit,
} from './nft-auction.ts'
import { deployDao, getBallot, isExecuted, propose, setBallotCircuit } from './dao-vote.ts'

const NODE_ACCOUNTS = [2, 3, 4, 5, 6, 7]
const HOUSE = 8
const SELLER = 9
const UNIT = 10n ** 15n
const AUCTION = nftAuctionAbi as Abi
const DAO = privateDaoVoteAbi as Abi

let fx: ControllerFixture
let auction: Address
let nft: Address
const compiledAuction = new Map<number, Compiled>()
const indexOf = new Map<string, number>()
const clients = new Map<number, EnigmaClient>()

function client(i: number): EnigmaClient {
  let c = clients.get(i)
  if (!c) clients.set(i, (c = createEnigmaClient({ rpcUrl: fx.chain.url, controller: fx.address, account: hardhatAccount(i), pollingIntervalMs: 20 })))
  return c
}
const addr = (i: number) => hardhatAccount(i).address

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, [parseEther('1')])
  for (const i of NODE_ACCOUNTS) indexOf.set(addr(i).toLowerCase(), i)
  nft = await deployDemoNft(client(HOUSE))
  auction = await deployNftAuction(client(HOUSE))
  for (const k of [2, 3, 4, 5]) {
    const c = compileContract(sealedBidAuction, { bidders: k })
    compiledAuction.set(k, c)
    await setAuctionCircuit(client(HOUSE), auction, c)
  }
})
after(async () => { await fx?.stop() })

/** Mines past the draw block and draws: what the SDK's drawCommittee does on a chain that advances by itself. */
async function draw(taskId: Hex) {
  await fx.mine(3)
  const d = await drawCommittee(fx.wallet(HOUSE), { address: fx.address, taskId })
  assert.ok(d.drawn)
}

/**
 * The committee's receipt for a result, encoded by the nodes' own encoder (raw field elements and the
 * typed part the callback receives): t + 1 = 3 members sign, a member submits; the controller calls
 * the dApp back. `result` maps output names to the values the plaintext reference computes.
 */
async function deliver(taskId: Hex, circuit: Compiled['circuit'], result: Record<string, number | boolean | readonly number[]>) {
  const field = (v: number | boolean) => BigInt(typeof v === 'boolean' ? Number(v) : v)
  const values = new Map(Object.entries(result).map(([k, v]) => [k, Array.isArray(v) ? v.map(field) : [field(v as number | boolean)]]))
  return deliverRaw(taskId, encodePublicOutputs(circuit.outputs, values, getField(circuit.field).p))
}

/** A receipt over any `publicOutputs` bytes (for outputs no honest committee would sign). */
async function deliverRaw(taskId: Hex, publicOutputs: Hex) {
  const task = await getTask(fx.publicClient, { address: fx.address, taskId })
  const members = task.committee.map((a) => indexOf.get(a.toLowerCase())!)
  const outputHash = keccak256(publicOutputs)
  const signatures = await Promise.all(members.slice(0, 3).map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, { taskId, outputHash, publicOutputs })).signature))
  const sent = await submitReceipt(fx.wallet(members[0]!), { address: fx.address, taskId, outputHash, publicOutputs, signatures })
  return { ...sent, outputHash, publicOutputs }
}

const auctionCircuit = (k: number) => compiledAuction.get(k)!.circuit

interface Bidder { readonly account: number; readonly amount: number; readonly deposit: number; readonly claimed?: number }

/** Lists a fresh token, the bidders join; returns the auction id and token id (bidding not closed). */
async function listAndJoin(bidders: readonly Bidder[]) {
  const tokenId = await mintNft(client(HOUSE), nft, addr(SELLER))
  const id = await listNft(client(SELLER), { auction, nft, tokenId, unit: UNIT, biddingSeconds: 60, submitSeconds: 600 })
  for (const b of bidders) await joinAuction(client(b.account), auction, id, BigInt(b.deposit) * UNIT)
  await fx.advance(61n)
  return { id, tokenId }
}

async function closeAndDraw(id: bigint, closer = SELLER): Promise<Hex> {
  const fee = await read<bigint>(client(closer), auction, AUCTION, 'closeFee', [id])
  await send(client(closer), auction, AUCTION, 'close', [id], fee)
  const { taskId } = await getAuction(client(closer), auction, id)
  await draw(taskId)
  return taskId
}

const credits = (a: Address) => read<bigint>(client(HOUSE), fx.address, enigmaControllerAbi as Abi, 'credits', [a])

/**
 * Claims for every account: each gets what `claimable` said, and exactly that leaves the auction
 * (its balance plus its controller credits: a fee refund is pulled from the controller first).
 */
async function claimAll(id: bigint, accounts: readonly number[]): Promise<Map<number, bigint>> {
  const got = new Map<number, bigint>()
  for (const i of accounts) {
    const held = async () => (await getBalance(fx.publicClient, { address: auction })) + (await credits(auction))
    const before = await held()
    const owed = await claimable(client(i), auction, id, addr(i))
    const { amount } = await claim(client(i), auction, id)
    assert.equal(amount, owed)
    assert.equal(before - (await held()), amount)
    assert.equal(await claimable(client(i), auction, id, addr(i)), 0n)
    got.set(i, amount)
  }
  return got
}

test('five bidders: a tie goes to the lower slot at the tied bid, a bid above its deposit counts as 0; the callback hands over the token; everyone pulls what is owed', async () => {
  const bidders: Bidder[] = [
    { account: 20, amount: 300, deposit: 400 },
    { account: 21, amount: 500, deposit: 550 }, // ties with 23 and wins (lower slot)
    { account: 22, amount: 700, deposit: 600 }, // above her deposit: counts as 0
    { account: 23, amount: 500, deposit: 900 },
    { account: 24, amount: 100, deposit: 150 },
  ]
  const { id, tokenId } = await listAndJoin(bidders)
  const taskId = await closeAndDraw(id)
  assert.equal((await getAuction(client(HOUSE), auction, id)).phase, 'sealed')
  assert.equal(await ownerOf(client(HOUSE), nft, tokenId), auction)
  const want = auctionReference({ bids: bidders.map((b): SealedBid => ({ amount: b.amount, deposit: b.deposit })) })
  assert.deepEqual([want.winner, want.price, want.sold], [1, 500, true])
  const receipt = await deliver(taskId, auctionCircuit(5), want)
  const a = await getAuction(client(HOUSE), auction, id)
  assert.equal(a.phase, 'sold')
  assert.equal(a.winner, addr(21))
  assert.equal(a.price, 500)
  assert.equal(await ownerOf(client(HOUSE), nft, tokenId), addr(21))
  const got = await claimAll(id, [20, 21, 22, 23, 24])
  assert.deepEqual([...got.values()], [400n, 50n, 600n, 900n, 150n].map((u) => u * UNIT))
  // The seller gets the second price and, as the closer, the callback gas escrow the submitter did not use.
  const unusedGas = (250_000n + 12_000n * 5n) * (10_000_000_000n - receipt.receipt.effectiveGasPrice)
  assert.deepEqual(await claimAll(id, [SELLER]), new Map([[SELLER, 500n * UNIT + unusedGas]]))
  await assert.rejects(send(client(21), auction, AUCTION, 'claim', [id]), (e) => revertName(e) === 'NothingToClaim')
  await assert.rejects(deliver(taskId, auctionCircuit(5), want), /TaskNotOpen|reverted/)
})

test('a bidder who enters a larger deposit than she escrowed voids the auction: her deposit goes to the seller, the token and every other deposit go back', async () => {
  const bidders: Bidder[] = [{ account: 25, amount: 900, deposit: 100, claimed: 1000 }, { account: 26, amount: 400, deposit: 500 }]
  const { id, tokenId } = await listAndJoin(bidders)
  const taskId = await closeAndDraw(id)
  // In the MPC her bid is valid against the deposit she entered (1000), so she would win at 400.
  const want = auctionReference({ bids: bidders.map((b) => ({ amount: b.amount, deposit: b.claimed ?? b.deposit })) })
  assert.deepEqual([want.winner, want.price], [0, 400])
  await deliver(taskId, auctionCircuit(2), want)
  const a = await getAuction(client(HOUSE), auction, id)
  assert.equal(a.phase, 'voided')
  assert.equal(a.forfeited, 100n * UNIT)
  assert.equal(await ownerOf(client(HOUSE), nft, tokenId), addr(SELLER))
  const got = await claimAll(id, [25, 26])
  assert.deepEqual([got.get(25), got.get(26)], [0n, 500n * UNIT])
  assert.ok((await claimAll(id, [SELLER])).get(SELLER)! >= 100n * UNIT)
})

test('no valid bid: unsold, the token and the deposits go back', async () => {
  const bidders: Bidder[] = [{ account: 27, amount: 0, deposit: 10 }, { account: 28, amount: 11, deposit: 10 }]
  const { id, tokenId } = await listAndJoin(bidders)
  const taskId = await closeAndDraw(id)
  const want = auctionReference({ bids: bidders.map((b) => ({ amount: b.amount, deposit: b.deposit })) })
  assert.equal(want.sold, false)
  await deliver(taskId, auctionCircuit(2), want)
  assert.equal((await getAuction(client(HOUSE), auction, id)).phase, 'unsold')
  assert.equal(await ownerOf(client(HOUSE), nft, tokenId), addr(SELLER))
  assert.deepEqual([...(await claimAll(id, [27, 28])).values()], [10n * UNIT, 10n * UNIT])
})

test('one bidder or none: closing opens no task and costs nothing; the auction is unsold', async () => {
  for (const bidders of [[], [{ account: 29, amount: 5, deposit: 5 }]] as Bidder[][]) {
    const { id, tokenId } = await listAndJoin(bidders)
    await assert.rejects(send(client(SELLER), auction, AUCTION, 'close', [id], 1n), (e) => revertName(e) === 'BadAuctionParams')
    await send(client(SELLER), auction, AUCTION, 'close', [id])
    const a = await getAuction(client(HOUSE), auction, id)
    assert.equal(a.phase, 'unsold')
    assert.equal(a.taskId, `0x${'0'.repeat(64)}`)
    assert.equal(await ownerOf(client(HOUSE), nft, tokenId), addr(SELLER))
    if (bidders.length) assert.deepEqual([...(await claimAll(id, [29])).values()], [5n * UNIT])
  }
})

test('a bidder who never sends her bid: no receipt by the deadline, the controller refunds the task, enigmaTaskFailed ends the auction as failed and everything goes back (the closer gets the refunded fee)', async () => {
  const bidders: Bidder[] = [{ account: 30, amount: 50, deposit: 60 }, { account: 31, amount: 70, deposit: 70 }, { account: 32, amount: 10, deposit: 10 }]
  const { id, tokenId } = await listAndJoin(bidders)
  const CLOSER = 33
  const taskId = await closeAndDraw(id, CLOSER)
  // Too early: the task may still deliver.
  await assert.rejects(send(client(HOUSE), auction, AUCTION, 'enigmaTaskFailed', [taskId]), (e) => revertName(e) === 'RequestNotFailed')
  await fx.advance(601n)
  await refundTask(fx.wallet(HOUSE), { address: fx.address, taskId })
  await send(client(HOUSE), auction, AUCTION, 'enigmaTaskFailed', [taskId]) // anyone
  const a = await getAuction(client(HOUSE), auction, id)
  assert.equal(a.phase, 'failed')
  assert.equal(await ownerOf(client(HOUSE), nft, tokenId), addr(SELLER))
  const task = await getTask(fx.publicClient, { address: fx.address, taskId })
  const got = await claimAll(id, [30, 31, 32, CLOSER])
  assert.deepEqual([got.get(30), got.get(31), got.get(32)], [60n * UNIT, 70n * UNIT, 10n * UNIT])
  const callbackEscrow = (250_000n + 12_000n * 3n) * 10_000_000_000n
  assert.equal(got.get(CLOSER), task.fee + callbackEscrow)
  await assert.rejects(send(client(HOUSE), auction, AUCTION, 'enigmaTaskFailed', [taskId]), (e) => revertName(e) === 'NotPendingRequest')
})

test('a result the auction cannot read: the callback fails, its one retry fails, and enigmaTaskFailed then gives everything back (the receipt and the fee stand)', async () => {
  const bidders: Bidder[] = [{ account: 30, amount: 5, deposit: 6 }, { account: 31, amount: 7, deposit: 7 }]
  const { id, tokenId } = await listAndJoin(bidders)
  const taskId = await closeAndDraw(id)
  // Outputs of another shape (one word: no deposits array): EnigmaOutputs reverts inside the hook.
  const bad = encodeAbiParameters([{ type: 'string[]' }, { type: 'uint256[][]' }, { type: 'bytes' }], [[], [], encodeAbiParameters([{ type: 'uint256' }], [1n])])
  const receipt = await deliverRaw(taskId, bad)
  assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId })).status, 'completed')
  assert.equal((await getAuction(client(HOUSE), auction, id)).phase, 'sealed')
  await assert.rejects(send(client(HOUSE), auction, AUCTION, 'enigmaTaskFailed', [taskId]), (e) => revertName(e) === 'RequestNotFailed')
  const retried = await retryCallback(fx.wallet(HOUSE), { address: fx.address, taskId, outputHash: receipt.outputHash, publicOutputs: receipt.publicOutputs })
  assert.equal(retried.status, 'retry-failed')
  await send(client(HOUSE), auction, AUCTION, 'enigmaTaskFailed', [taskId])
  assert.equal((await getAuction(client(HOUSE), auction, id)).phase, 'failed')
  assert.equal(await ownerOf(client(HOUSE), nft, tokenId), addr(SELLER))
  const got = await claimAll(id, [30, 31])
  assert.deepEqual([got.get(30), got.get(31)], [6n * UNIT, 7n * UNIT])
})

test('only the controller, for a task this auction created, can end a sealed auction: a direct call is refused', async () => {
  const bidders: Bidder[] = [{ account: 34, amount: 1, deposit: 1 }, { account: 35, amount: 2, deposit: 2 }]
  const { id } = await listAndJoin(bidders)
  const taskId = await closeAndDraw(id)
  const forged = encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'bool' }, { type: 'uint256[]' }], [0n, 0n, true, [1n, 2n]])
  await assert.rejects(send(client(34), auction, AUCTION, 'enigmaCallback', [taskId, forged]), (e) => revertName(e) === 'OnlyEnigmaController')
  assert.equal((await getAuction(client(HOUSE), auction, id)).phase, 'sealed')
})

test('join refuses what the auction could not settle: a deposit that is not whole units or too large, a second join, a late join, a size without a circuit', async () => {
  const tokenId = await mintNft(client(HOUSE), nft, addr(SELLER))
  const id = await listNft(client(SELLER), { auction, nft, tokenId, unit: UNIT, biddingSeconds: 60, submitSeconds: 600 })
  const refused = async (account: number, value: bigint, name: string) =>
    assert.rejects(joinAuction(client(account), auction, id, value), (e) => revertName(e) === name)
  await refused(36, UNIT + 1n, 'BadDeposit')
  await refused(36, 0n, 'BadDeposit')
  await refused(36, (1n << 32n) * UNIT, 'BadDeposit')
  await joinAuction(client(36), auction, id, UNIT)
  await refused(36, UNIT, 'AlreadyJoined')
  for (const i of [37, 38, 39, 18]) await joinAuction(client(i), auction, id, UNIT)
  await refused(19, UNIT, 'NoCircuit') // the book has circuits for 2…5 bidders
  await fx.advance(61n)
  await refused(10, UNIT, 'BiddingOver')
})

test('DAO: the callback executes the proposal with the most votes; ties and a missed quorum execute nothing; a winning call that fails can be run again', async () => {
  const members = [10, 11, 12, 13, 14]
  const dao = await deployDao(client(HOUSE), members.map(addr))
  const votingCircuits = new Map<number, Compiled['circuit']>()
  for (const candidates of [2, 3]) {
    const c = compileContract(voting, { voters: 5, candidates })
    votingCircuits.set(candidates, c.circuit)
    await setBallotCircuit(client(HOUSE), dao, c)
  }
  await send(client(HOUSE), dao, DAO, 'setCircuit', [0n, keccak256('0x01'), 1n, 1]) // unrelated entry, ignored
  const recipients = [addr(15), addr(16), addr(17)]
  const pay = async (to: Address, eth: string) => propose(client(10), dao, { target: to, value: parseEther(eth), description: `pay ${eth} ETH to ${to}` })
  const p = [await pay(recipients[0]!, '1'), await pay(recipients[1]!, '2'), await pay(recipients[2]!, '3')]
  await client(HOUSE).wallet!.sendTransaction({ to: dao, value: parseEther('1'), account: client(HOUSE).wallet!.account, chain: client(HOUSE).wallet!.chain })

  const ballot = async (proposals: bigint[], votes: number[]) => {
    const fee = await read<bigint>(client(11), dao, DAO, 'ballotFee', [BigInt(proposals.length)])
    await send(client(11), dao, DAO, 'openBallot', [proposals, 600], fee)
    const b = (await read<bigint>(client(11), dao, DAO, 'ballotCount')) - 1n
    const { taskId } = await getBallot(client(11), dao, b)
    await draw(taskId)
    await deliver(taskId, votingCircuits.get(proposals.length)!, votingReference({ votes }, { candidates: proposals.length }))
    return getBallot(client(11), dao, b)
  }
  // A tie (2–2, one invalid vote) and a missed quorum (only 2 valid votes of 5) execute nothing.
  assert.equal((await ballot([p[0]!, p[1]!], [0, 1, 0, 1, 9])).status, 'tie')
  assert.equal((await ballot([p[0]!, p[1]!], [0, 7, 8, 9, 0])).status, 'no-quorum')
  assert.equal(await isExecuted(client(10), dao, p[0]!), false)
  // Proposal 1 (2 ETH) wins 3–1–1 but the DAO holds 1 ETH: decided, the call fails, nothing is lost.
  const before1 = await getBalance(fx.publicClient, { address: recipients[1]! })
  const b = await ballot([p[0]!, p[1]!, p[2]!], [1, 1, 0, 2, 1])
  assert.equal(b.status, 'decided')
  assert.deepEqual(b.tally, [1n, 3n, 1n])
  assert.equal(await isExecuted(client(10), dao, p[1]!), false)
  // Funded, anyone runs it again; a second run is refused.
  await client(HOUSE).wallet!.sendTransaction({ to: dao, value: parseEther('1'), account: client(HOUSE).wallet!.account, chain: client(HOUSE).wallet!.chain })
  const ballotIndex = (await read<bigint>(client(11), dao, DAO, 'ballotCount')) - 1n
  await send(client(19), dao, DAO, 'execute', [ballotIndex])
  assert.equal(await isExecuted(client(10), dao, p[1]!), true)
  assert.equal(await getBalance(fx.publicClient, { address: recipients[1]! }) - before1, parseEther('2'))
  await assert.rejects(send(client(19), dao, DAO, 'execute', [ballotIndex]), (e) => revertName(e) === 'NotExecutable')
  // Only members propose and open ballots.
  await assert.rejects(propose(client(19), dao, { target: addr(19), description: 'x' }), (e) => revertName(e) === 'NotMember')
})
