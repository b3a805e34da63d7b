/**
 * The example dApps end to end on a devnet (Hardhat chain, controller, 5 node processes): the NFT
 * auction with 5 bidders (a tie and a bid above its deposit) through the devnet demo's code, the DAO
 * vote, both at once, and then an auction whose bidder never bids (the task fails, everything goes
 * back). One devnet for all cases; `npm run test:dapps` adds 50 bidders and the demo's command line.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther, type Abi, type Hex } from 'viem'
import { getBalance } from 'viem/actions'
import { compileContract, type Compiled } from 'enigma-ts'
import { waitForResult } from 'enigma-ts/sdk'
import { startDevnet, type Devnet } from '../../src/devnet/devnet.ts'
import { deployCompiled } from '../../src/devnet/contracts.ts'
import { clientFor } from '../../src/devnet/flow.ts'
import { refundTask } from '../../src/chain/actions/refundTask.ts'
import sealedBidAuction, { reference as auctionReference } from '../sealed-bid-auction.ts'
import voting from '../voting.ts'
import { runNftAuctionDemo } from './nft-auction-demo.ts'
import { finishAuction, setupAuctionHouse, startAuction } from './nft-auction-scenario.ts'
import { ownerOf } from './nft-auction.ts'
import { castVote, deployDao, getBallot, isExecuted, openBallot, propose, setBallotCircuit, waitForBallot } from './dao-vote.ts'
import { nftAuctionAbi } from './generated/NftAuction.ts'
import { hardhatTimeSkipper, send } from './dapp-client.ts'

let root: string
let devnet: Devnet | undefined
const auctionCircuits: Compiled[] = []
let ballotCircuit: Compiled

const key = (i: number): Hex => devnet!.state.accounts[i]!.privateKey
const client = (i: number) => clientFor(devnet!.state, key(i))
/** Skips a bidding period (≤ 2 minutes; every task here has 10 minutes or more). */
const advanceTime = (seconds: number) => hardhatTimeSkipper(devnet!.state.rpcUrl)(seconds)

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-dapps-e2e-'))
  devnet = await startDevnet({ dir: join(root, 'devnet'), nodes: 5, threshold: 2 })
  const deployer = clientFor(devnet.state, devnet.state.deployer.privateKey)
  // The nodes find a circuit by its code hash in the devnet's folder; the dApps book them by size.
  for (const k of [2, 3, 4, 5]) {
    const c = compileContract(sealedBidAuction, { bidders: k })
    await deployCompiled(deployer, devnet.state.circuitsDir, c)
    auctionCircuits.push(c)
  }
  ballotCircuit = compileContract(voting, { voters: 5, candidates: 3 })
  await deployCompiled(deployer, devnet.state.circuitsDir, ballotCircuit)
})

after(async () => {
  await devnet?.stop()
  await rm(root, { recursive: true, force: true })
})

test('NFT auction with 5 bidders (tie, a bid above its deposit) and a DAO vote, at once: the callbacks move the NFT and execute the proposal', async () => {
  const auction = (async () => {
    const lines: string[] = []
    // accounts 0 (seller) and 1…5 (bidders); the auction house is the devnet's deployer.
    const plan = [
      { amount: 300, depositUnits: 400 },
      { amount: 500, depositUnits: 550 }, // ties with bidder 3 and wins: the lower slot
      { amount: 700, depositUnits: 600 }, // above her deposit: counts as 0
      { amount: 500, depositUnits: 900 },
      { amount: 100, depositUnits: 150 },
    ]
    const r = await runNftAuctionDemo({
      clientFor: (k) => clientFor(devnet!.state, k), house: devnet!.state.deployer.privateKey, accounts: devnet!.state.accounts,
      compiled: auctionCircuits[3]!, out: (l) => lines.push(l), plan, advanceTime,
    })
    const want = auctionReference({ bids: plan.map((b) => ({ amount: b.amount, deposit: b.depositUnits })) })
    assert.deepEqual([want.winner, want.price], [1, 500])
    assert.equal(r.matchesReference, true, lines.join('\n'))
    assert.equal(r.winner, devnet!.state.accounts[2]!.address)
    assert.equal(r.ownerBefore, devnet!.state.accounts[0]!.address)
    assert.equal(r.ownerAfter, r.winner)
    const unit = 10n ** 15n
    assert.equal(r.priceWei, 500n * unit)
    assert.deepEqual(r.refunds, [400n, 50n, 600n, 900n, 150n].map((u) => u * unit))
    assert.ok(r.sellerProceeds >= 500n * unit, 'the seller gets the price (and, as closer, the unused callback gas)')
    assert.ok(lines.some((l) => /owner before .* after .*\(the winner\)/.test(l)), lines.join('\n'))
    // The SDK sees the task end to end: its receipt, and the callback that ended the auction.
    const result = await waitForResult(client(0), { taskId: r.taskId, circuit: auctionCircuits[3]!.circuit, timeoutMs: 60_000 })
    assert.equal(result.callback?.status, 'succeeded')
    assert.deepEqual(result.outputs, { ...want, deposits: plan.map((b) => b.depositUnits) })
  })()

  const dao = (async () => {
    const members = [20, 21, 22, 23, 24].map(client)
    const house = client(30)
    const daoAddress = await deployDao(house, members.map((m) => m.account!.address))
    await setBallotCircuit(house, daoAddress, ballotCircuit)
    await house.wallet!.sendTransaction({ to: daoAddress, value: parseEther('3'), account: house.wallet!.account, chain: house.wallet!.chain })
    const recipients = [25, 26, 27].map((i) => devnet!.state.accounts[i]!.address)
    const proposals = []
    for (const [i, to] of recipients.entries()) proposals.push(await propose(members[0]!, daoAddress, { target: to, value: parseEther(String(i + 1)), description: `grant ${i + 1} ETH` }))
    const before = await getBalance(house.public, { address: recipients[1]! })
    const ballot = await openBallot(members[1]!, daoAddress, proposals, 1800)
    const choices = [1, 1, 0, 2, 1]
    await Promise.all(members.map((m, i) => castVote(m, daoAddress, ballot, choices[i]!, ballotCircuit.circuit)))
    const b = await waitForBallot(house, daoAddress, ballot)
    assert.equal(b.status, 'decided')
    assert.deepEqual(b.tally, [1n, 3n, 1n])
    assert.equal(await isExecuted(house, daoAddress, proposals[1]!), true)
    assert.equal(await getBalance(house.public, { address: recipients[1]! }) - before, parseEther('2'))
    assert.equal((await getBallot(house, daoAddress, ballot)).proposals.length, 3)
  })()
  const settled = await Promise.allSettled([auction, dao])
  for (const s of settled) if (s.status === 'rejected') throw s.reason
})

test('a bidder who never sends her bid: the task cannot complete, is refunded after its deadline, and the auction gives everything back', async () => {
  const house = client(31)
  const h = await setupAuctionHouse(house, auctionCircuits)
  const unit = 10n ** 15n
  const bidders = [
    { client: client(10), amount: 50, depositUnits: 60 },
    { client: client(11), amount: 70, depositUnits: 70 },
    { client: client(12), amount: 10, depositUnits: 10, submits: false },
  ]
  const o = { house, seller: client(13), bidders, compiled: auctionCircuits[1]!, unit, submitSeconds: 600, advanceTime }
  const started = await startAuction(h, o)
  assert.equal(await ownerOf(house, h.nft, started.tokenId), h.auction)
  // No receipt can come; past the deadline anyone refunds the task, and anyone ends the auction.
  await advanceTime(601)
  await refundTask(client(14).wallet!, { address: devnet!.state.controller, taskId: started.taskId })
  await send(client(14), h.auction, nftAuctionAbi as Abi, 'enigmaTaskFailed', [started.taskId])
  const ended = await finishAuction(h, o, started)
  assert.equal(ended.view.phase, 'failed')
  assert.equal(ended.ownerAfter, client(13).account!.address)
  assert.deepEqual(ended.refunds, [60n, 70n, 10n].map((u) => u * unit))
  assert.ok(ended.sellerProceeds > 0n, 'the seller closed the auction: the refunded fee is hers')
})
