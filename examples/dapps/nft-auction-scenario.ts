/**
 * One NFT auction from listing to claims, as its participants run it (the devnet demo and the
 * end-to-end tests): mint, list, join with deposits, close (the task and its committee), every bidder
 * sends her sealed bid through the SDK, the result callback ends the auction, everyone claims.
 */
import type { Address, Hex } from 'viem'
import { getBlock } from 'viem/actions'
import type { EnigmaClient } from 'enigma-ts/sdk'
import type { Compiled } from 'enigma-ts'
import {
  claim, closeAuction, deployDemoNft, deployNftAuction, getAuction, joinAuction, listNft, mintNft, ownerOf, setAuctionCircuit,
  submitSealedBid, waitForEnd, type AuctionView,
} from './nft-auction.ts'
import { until } from './dapp-client.ts'

export interface AuctionHouse {
  readonly auction: Address
  readonly nft: Address
}

/** Deploys the token and the auction contract, and books the sealed-bid-auction circuit of each size. */
export async function setupAuctionHouse(house: EnigmaClient, circuits: readonly Compiled[]): Promise<AuctionHouse> {
  const nft = await deployDemoNft(house)
  const auction = await deployNftAuction(house)
  for (const c of circuits) await setAuctionCircuit(house, auction, c)
  return { auction, nft }
}

export interface ScenarioBidder {
  readonly client: EnigmaClient
  /** The sealed bid, in units. */
  readonly amount: number
  /** The deposit escrowed on chain, in units. */
  readonly depositUnits: number
  /** The deposit she enters into the secret contract (default: the escrowed one); larger = a false claim. */
  readonly claimedUnits?: number
  /** false: joins but never sends her bid (the task cannot complete). */
  readonly submits?: boolean
}

export interface ScenarioOptions {
  readonly house: EnigmaClient
  readonly seller: EnigmaClient
  readonly bidders: readonly ScenarioBidder[]
  /** The circuit for this many bidders (booked by `setupAuctionHouse`). */
  readonly compiled?: Compiled
  readonly unit: bigint
  /** Bidding period (default 120 s, skipped with `advanceTime`; without it, waited for). */
  readonly biddingSeconds?: number
  readonly submitSeconds?: number
  /**
   * Moves chain time forward (a devnet: `evm_increaseTime`), so the bidding period ends as soon as
   * everyone joined instead of after waiting for it.
   */
  readonly advanceTime?: (seconds: number) => Promise<void>
  readonly onEvent?: (e: ScenarioEvent) => void
  readonly timeoutMs?: number
}

export type ScenarioEvent =
  | { kind: 'listed'; id: bigint; tokenId: bigint; owner: Address }
  | { kind: 'joined'; bidder: Address; depositUnits: number }
  | { kind: 'closed'; taskId: Hex; gasUsed: bigint }
  | { kind: 'bid'; bidder: Address; slot: string; commitment: Hex; gasUsed: bigint }

export interface ScenarioStarted {
  readonly id: bigint
  readonly tokenId: bigint
  readonly ownerBefore: Address
  readonly taskId: Hex
  /** Wall time of the sealed phase so far (ms): close, draw and the bids. */
  readonly closeMs: number
  readonly bidsMs: number
}

/** Lists, joins, closes and sends the bids of everyone who submits; does not wait for the result. */
export async function startAuction(h: AuctionHouse, o: ScenarioOptions): Promise<ScenarioStarted> {
  const tokenId = await mintNft(o.house, h.nft, o.seller.account!.address)
  const ownerBefore = await ownerOf(o.house, h.nft, tokenId)
  const biddingSeconds = o.biddingSeconds ?? 120
  const id = await listNft(o.seller, { auction: h.auction, nft: h.nft, tokenId, unit: o.unit, biddingSeconds, submitSeconds: o.submitSeconds ?? 600 })
  o.onEvent?.({ kind: 'listed', id, tokenId, owner: ownerBefore })
  // One after another: slot i is the i-th to join, and ties go to the lower slot.
  for (const b of o.bidders) {
    await joinAuction(b.client, h.auction, id, BigInt(b.depositUnits) * o.unit)
    o.onEvent?.({ kind: 'joined', bidder: b.client.account!.address, depositUnits: b.depositUnits })
  }
  const { biddingEnds } = await getAuction(o.house, h.auction, id)
  const left = Number(biddingEnds - (await getBlock(o.house.public, { blockTag: 'latest' })).timestamp)
  if (o.advanceTime && left >= 0) await o.advanceTime(left + 1)
  await until('the end of the bidding period', async () => ((await getBlock(o.house.public, { blockTag: 'latest' })).timestamp >= biddingEnds ? true : undefined), 120_000)
  const t0 = Date.now()
  const closed = await closeAuction(o.seller, h.auction, id)
  o.onEvent?.({ kind: 'closed', taskId: closed.taskId, gasUsed: closed.gasUsed })
  const closeMs = Date.now() - t0
  const t1 = Date.now()
  if (o.compiled && closed.taskId !== `0x${'0'.repeat(64)}`) {
    await Promise.all(o.bidders.filter((b) => b.submits !== false).map(async (b) => {
      const r = await submitSealedBid(b.client, h.auction, id, b.amount, o.compiled!.circuit, { depositUnits: b.claimedUnits ?? b.depositUnits })
      const slot = (await getAuction(o.house, h.auction, id)).bidders.findIndex((x) => x === b.client.account!.address)
      o.onEvent?.({ kind: 'bid', bidder: b.client.account!.address, slot: `bids[${slot}]`, commitment: r.commitment, gasUsed: r.gasUsed })
    }))
  }
  return { id, tokenId, ownerBefore, taskId: closed.taskId, closeMs, bidsMs: Date.now() - t1 }
}

export interface ScenarioEnded {
  readonly view: AuctionView
  readonly ownerAfter: Address
  /** What each bidder got back by `claim` (wei), in bidder order, and what the seller got. */
  readonly refunds: readonly bigint[]
  readonly sellerProceeds: bigint
}

/** Waits for the auction to end, then everyone claims. */
export async function finishAuction(h: AuctionHouse, o: ScenarioOptions, started: ScenarioStarted): Promise<ScenarioEnded> {
  const view = await waitForEnd(o.house, h.auction, started.id, o.timeoutMs ?? 300_000)
  const ownerAfter = await ownerOf(o.house, h.nft, started.tokenId)
  const refunds = await Promise.all(o.bidders.map(async (b) => (await claim(b.client, h.auction, started.id)).amount))
  const sellerProceeds = (await claim(o.seller, h.auction, started.id)).amount
  return { view, ownerAfter, refunds, sellerProceeds }
}
