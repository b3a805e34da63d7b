/**
 * `npm run test:dapps`: the NFT auction with 50 bidders on a devnet (chain + 5 node processes), each
 * bidder with her own freshly funded account: random bids with ties, several bids above their
 * deposits; the callback must hand the token to the reference's winner at the reference's price, and
 * every claim must match.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { waitForTransactionReceipt } from 'viem/actions'
import { compileContract, type Compiled } from 'enigma-ts'
import { startDevnet, type Devnet } from '../../src/devnet/devnet.ts'
import { deployCompiled } from '../../src/devnet/contracts.ts'
import { clientFor } from '../../src/devnet/flow.ts'
import sealedBidAuction, { reference } from '../sealed-bid-auction.ts'
import { finishAuction, setupAuctionHouse, startAuction, type ScenarioBidder } from './nft-auction-scenario.ts'
import { hardhatTimeSkipper } from './dapp-client.ts'

const BIDDERS = 50
let root: string
let devnet: Devnet | undefined

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-dapps-50-'))
  devnet = await startDevnet({ dir: join(root, 'devnet'), nodes: 5, threshold: 2 })
})
after(async () => {
  await devnet?.stop()
  await rm(root, { recursive: true, force: true })
})

test(`NFT auction with ${BIDDERS} bidders: ties and bids above their deposits; the token goes to the reference's winner at its price`, async () => {
  const state = devnet!.state
  const house = clientFor(state, state.deployer.privateKey)
  // The auction accepts a bidder only while its book has a circuit for one more: book 2…50.
  const circuits: Compiled[] = []
  for (let k = 2; k <= BIDDERS; k++) circuits.push(compileContract(sealedBidAuction, { bidders: k }))
  const used = circuits[circuits.length - 1]!
  await deployCompiled(house, state.circuitsDir, used)
  const h = await setupAuctionHouse(house, circuits)

  // Fresh accounts, funded one after another from one devnet account (its nonces in order).
  const funder = clientFor(state, state.accounts[37]!.privateKey)
  const keys: Hex[] = Array.from({ length: BIDDERS }, () => generatePrivateKey())
  for (const k of keys) {
    const hash = await funder.wallet!.sendTransaction({ to: privateKeyToAccount(k).address, value: parseEther('20'), account: funder.wallet!.account, chain: funder.wallet!.chain })
    await waitForTransactionReceipt(funder.public, { hash })
  }
  // Bids from a small range (ties are likely); every 7th bidder bids above her deposit.
  const bidders: ScenarioBidder[] = keys.map((k, i) => {
    const amount = randomInt(1, 40) * 10
    return { client: clientFor(state, k), amount, depositUnits: i % 7 === 3 ? amount - 5 : amount + randomInt(0, 100) }
  })
  // The two highest valid bids tie somewhere: force one tie at the top.
  const top = Math.max(...bidders.filter((b) => b.amount <= b.depositUnits).map((b) => b.amount)) + 10
  bidders[11] = { ...bidders[11]!, amount: top, depositUnits: top }
  bidders[29] = { ...bidders[29]!, amount: top, depositUnits: top + 50 }
  const unit = 10n ** 15n
  const advanceTime = hardhatTimeSkipper(state.rpcUrl)
  const o = { house, seller: clientFor(state, state.accounts[36]!.privateKey), bidders, compiled: used, unit, submitSeconds: 1800, timeoutMs: 900_000, advanceTime }
  const started = await startAuction(h, o)
  const ended = await finishAuction(h, o, started)
  const want = reference({ bids: bidders.map((b) => ({ amount: b.amount, deposit: b.depositUnits })) })
  assert.deepEqual([want.winner, want.price], [11, top])
  assert.equal(ended.view.phase, 'sold')
  assert.equal(ended.view.winner, bidders[11]!.client.account!.address)
  assert.equal(ended.view.price, top)
  assert.equal(ended.ownerAfter, ended.view.winner)
  assert.deepEqual(ended.refunds, bidders.map((b, i) => (BigInt(b.depositUnits) - (i === 11 ? BigInt(top) : 0n)) * unit))
  assert.ok(ended.sellerProceeds >= BigInt(top) * unit)
})
