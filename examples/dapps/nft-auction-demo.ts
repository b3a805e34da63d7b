/**
 * `enigma devnet demo --contract nft-auction`: the NFT auction dApp on a running devnet, printed step
 * by step. src/devnet/demo.ts starts the devnet, registers the secret contract and calls
 * `runNftAuctionDemo` (loaded at run time: src/ does not import examples/).
 */
import { randomInt } from 'node:crypto'
import { formatEther, type Address, type Hex } from 'viem'
import type { EnigmaClient } from 'enigma-ts/sdk'
import { compileContract, type Compiled } from 'enigma-ts'
import sealedBidAuction, { reference } from '../sealed-bid-auction.ts'
import { finishAuction, setupAuctionHouse, startAuction, type ScenarioBidder } from './nft-auction-scenario.ts'

export interface NftAuctionDemoContext {
  /** A client of the devnet for a funded private key. */
  clientFor(privateKey: Hex): EnigmaClient
  /** Funded accounts: the first is the seller, the next `bidders` bid; `house` deploys. */
  readonly house: Hex
  readonly accounts: readonly { readonly address: Address; readonly privateKey: Hex }[]
  /** sealed-bid-auction compiled for `bidders` bidders, registered on the controller and published. */
  readonly compiled: Compiled
  readonly out: (line: string) => void
  /** Skips the bidding period on a devnet (`evm_increaseTime`); without it the demo waits for it. */
  readonly advanceTime?: (seconds: number) => Promise<void>
  /** Bids and deposits in units, one per bidder (default: made up, the last bidder above her deposit). */
  readonly plan?: readonly { readonly amount: number; readonly depositUnits: number }[]
}

export interface NftAuctionDemoResult {
  readonly auction: Address
  readonly nft: Address
  readonly tokenId: bigint
  readonly taskId: Hex
  readonly ownerBefore: Address
  readonly ownerAfter: Address
  readonly winner: Address
  readonly priceWei: bigint
  readonly refunds: readonly bigint[]
  readonly sellerProceeds: bigint
  /** Winner and price equal the plaintext reference over the same bids. */
  readonly matchesReference: boolean
  readonly closeMs: number
  readonly bidsMs: number
  readonly settleMs: number
  /** Gas of the close transaction (task creation included) and of the bidders' slot fills. */
  readonly gas: { readonly close: bigint; readonly bids: bigint }
  readonly commitments: readonly { readonly slot: string; readonly owner: Address; readonly commitment: Hex }[]
}

/** Made-up bids; the last bidder bids above her deposit (her bid then counts as 0), the rest escrow more than they bid. */
function madeUpBids(bidders: number): { amount: number; depositUnits: number }[] {
  return Array.from({ length: bidders }, (_, i) => {
    const amount = randomInt(100, 2_000)
    return { amount, depositUnits: i === bidders - 1 ? amount - randomInt(1, 50) : amount + randomInt(0, 500) }
  })
}

const UNIT = 10n ** 15n // 0.001 ETH per bid unit
const short = (h: string) => `${h.slice(0, 8)}…${h.slice(-4)}`
const eth = (units: number | bigint) => `${formatEther(BigInt(units) * UNIT)} ETH`

export async function runNftAuctionDemo(ctx: NftAuctionDemoContext): Promise<NftAuctionDemoResult> {
  const out = ctx.out
  const bidders = ctx.compiled.circuit.params.bidders!
  if (ctx.accounts.length < bidders + 1) throw new Error(`the demo needs ${bidders + 1} funded accounts, the devnet has ${ctx.accounts.length}`)
  const house = ctx.clientFor(ctx.house)
  const seller = ctx.clientFor(ctx.accounts[0]!.privateKey)
  const plan: ScenarioBidder[] = (ctx.plan ?? madeUpBids(bidders)).map((b, i) => ({ ...b, client: ctx.clientFor(ctx.accounts[1 + i]!.privateKey) }))
  if (plan.length !== bidders) throw new Error(`the plan has ${plan.length} bidders, the circuit ${bidders}`)
  // The auction accepts a bidder only while its book has a circuit for one more: book 2…bidders
  // (only the last one runs, so only it had to be published to the nodes).
  const book = Array.from({ length: bidders - 1 }, (_, i) => (i + 2 === bidders ? ctx.compiled : compileContract(sealedBidAuction, { bidders: i + 2 })))
  const h = await setupAuctionHouse(house, book)
  const gas = { close: 0n, bids: 0n }
  const commitments: { slot: string; owner: Address; commitment: Hex }[] = []
  out(`      auction house ${short(h.auction)} (NftAuction.sol on EnigmaConsumer) and ERC-721 ${short(h.nft)} deployed`)
  const started = await startAuction(h, {
    house, seller, bidders: plan, compiled: ctx.compiled, unit: UNIT, advanceTime: ctx.advanceTime,
    onEvent: (e) => {
      switch (e.kind) {
        case 'listed':
          return out(`      seller ${short(e.owner)} lists token #${e.tokenId} (escrowed by the auction); bidders join with public deposits:`)
        case 'joined':
          return out(`      ${short(e.bidder)} deposits ${eth(e.depositUnits)}`)
        case 'closed':
          gas.close = e.gasUsed
          return out(`      bidding closed: the auction contract opened task ${short(e.taskId)} with one input slot per bidder (gas ${e.gasUsed}); sealed bids go to the committee as shares:`)
        case 'bid':
          gas.bids += e.gasUsed
          commitments.push({ slot: e.slot, owner: e.bidder, commitment: e.commitment })
          return out(`      ${short(e.bidder)} sent ${e.slot.padEnd(8)} commitment ${short(e.commitment)} (the amount is not on chain)`)
      }
    },
  })
  const t0 = Date.now()
  out(`      waiting for the committee's receipt and the controller's callback into the auction…`)
  const ended = await finishAuction(h, { house, seller, bidders: plan, unit: UNIT }, started)
  const settleMs = Date.now() - t0
  const ref = reference({ bids: plan.map((b) => ({ amount: b.amount, deposit: b.depositUnits })) })
  const winner = ended.view.winner
  const priceWei = BigInt(ended.view.price) * UNIT
  const matches = ended.view.phase === 'sold' && winner === plan[ref.winner]!.client.account!.address && ended.view.price === ref.price
  out('')
  out(`Token #${started.tokenId}: owner before ${short(started.ownerBefore)} (seller), after ${short(ended.ownerAfter)}${ended.ownerAfter === winner ? ' (the winner)' : ''}.`)
  out(`Winner: bidder ${plan.findIndex((b) => b.client.account!.address === winner)} ${short(winner)}; price paid ${formatEther(priceWei)} ETH, the second-highest valid bid.`)
  plan.forEach((b, i) => out(`  bidder ${i} bid ${eth(b.amount).padEnd(10)} deposit ${eth(b.depositUnits).padEnd(10)}${b.amount > b.depositUnits ? ' (above deposit: counts as 0)' : ''} → refunded ${formatEther(ended.refunds[i]!)} ETH`))
  out(`  seller received ${formatEther(ended.sellerProceeds)} ETH`)
  out(matches ? 'Check: winner and price equal the plaintext reference computed by this demo (which alone saw the bids).' : 'Check: DIFFERS from the plaintext reference!')
  out('On chain: the deposits, each slot\'s commitment, the winner and the price. The losing bids were never reconstructed by anyone.')
  return {
    auction: h.auction, nft: h.nft, tokenId: started.tokenId, taskId: started.taskId, ownerBefore: started.ownerBefore, ownerAfter: ended.ownerAfter,
    winner, priceWei, refunds: ended.refunds, sellerProceeds: ended.sellerProceeds, matchesReference: matches,
    closeMs: started.closeMs, bidsMs: started.bidsMs, settleMs, gas,
    commitments: commitments.sort((a, b) => a.slot.localeCompare(b.slot, 'en', { numeric: true })),
  }
}
