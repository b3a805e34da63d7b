/**
 * Client side of the NFT auction dApp (examples/dapps/NftAuction.sol, docs/dapps.md): what a seller,
 * a bidder and the auction house run, through the Enigma SDK and viem. The bid amount leaves the
 * bidder's machine only as Shamir shares encrypted to the committee (`submitInput`); the chain sees
 * the deposit, the slot's commitment and, at the end, the winner and the second price.
 */
import type { Abi, Address, Hex } from 'viem'
import { drawCommittee, type EnigmaClient } from 'enigma-ts/sdk'
import type { Compiled } from 'enigma-ts'
import { nftAuctionAbi, nftAuctionBytecode } from './generated/NftAuction.ts'
import { demoNftAbi, demoNftBytecode } from './generated/DemoNft.ts'
import { deploy, read, send, submitWithRetry, until, type Submitted, type Sent } from './dapp-client.ts'

const AUCTION = nftAuctionAbi as Abi
const NFT = demoNftAbi as Abi

/** NftAuction.Phase, by index. */
export const PHASES = ['none', 'bidding', 'sealed', 'sold', 'unsold', 'voided', 'failed'] as const
export type Phase = (typeof PHASES)[number]

export interface AuctionView {
  readonly seller: Address
  readonly biddingEnds: bigint
  readonly phase: Phase
  readonly tokenReleased: boolean
  readonly token: Address
  readonly tokenId: bigint
  readonly unit: bigint
  /** Second price in units (valid when sold). */
  readonly price: number
  readonly winner: Address
  readonly taskId: Hex
  readonly forfeited: bigint
  readonly bidders: readonly Address[]
}

export async function deployNftAuction(owner: EnigmaClient): Promise<Address> {
  return deploy(owner, AUCTION, nftAuctionBytecode, [owner.controller, owner.account!.address])
}

export async function deployDemoNft(owner: EnigmaClient): Promise<Address> {
  return deploy(owner, NFT, demoNftBytecode, [owner.account!.address])
}

export async function mintNft(owner: EnigmaClient, nft: Address, to: Address): Promise<bigint> {
  const before = await read<bigint>(owner, nft, NFT, 'minted')
  await send(owner, nft, NFT, 'mint', [to])
  return before + 1n
}

export async function ownerOf(client: EnigmaClient, nft: Address, tokenId: bigint): Promise<Address> {
  return read<Address>(client, nft, NFT, 'ownerOf', [tokenId])
}

/** The auction house's owner records which circuit serves auctions of `compiled.circuit.params.bidders` bidders. */
export async function setAuctionCircuit(owner: EnigmaClient, auction: Address, compiled: Compiled): Promise<Sent> {
  const bidders = compiled.circuit.params.bidders
  if (bidders === undefined) throw new Error('setAuctionCircuit: not a sealed-bid-auction circuit (no bidders parameter)')
  return send(owner, auction, AUCTION, 'setCircuit', [BigInt(bidders), compiled.codeHash, BigInt(compiled.cost.totalMultiplications), compiled.cost.rounds])
}

export interface ListParameters {
  readonly auction: Address
  readonly nft: Address
  readonly tokenId: bigint
  /** Wei per bid unit: bids and deposits are whole numbers of units below 2^32. */
  readonly unit: bigint
  readonly biddingSeconds: number
  readonly submitSeconds: number
}

/** Approves the auction for the token and lists it; returns the auction id. */
export async function listNft(seller: EnigmaClient, p: ListParameters): Promise<bigint> {
  await send(seller, p.nft, NFT, 'approve', [p.auction, p.tokenId])
  await send(seller, p.auction, AUCTION, 'list', [p.nft, p.tokenId, p.unit, BigInt(p.biddingSeconds), p.submitSeconds])
  return read<bigint>(seller, p.auction, AUCTION, 'auctionCount')
}

export async function joinAuction(bidder: EnigmaClient, auction: Address, id: bigint, depositWei: bigint): Promise<Sent> {
  return send(bidder, auction, AUCTION, 'join', [id], depositWei)
}

export async function getAuction(client: EnigmaClient, auction: Address, id: bigint): Promise<AuctionView> {
  const a = await read<Omit<AuctionView, 'phase' | 'price'> & { phase: number; price: number }>(client, auction, AUCTION, 'getAuction', [id])
  return { ...a, phase: PHASES[a.phase]!, price: Number(a.price) }
}

/** The fee `close` must pay for this auction's task (the controller's quote plus the callback's gas). */
export async function closeFee(client: EnigmaClient, auction: Address, id: bigint): Promise<bigint> {
  return read<bigint>(client, auction, AUCTION, 'closeFee', [id])
}

/**
 * Ends bidding: with two or more bidders the auction opens its task (paying the quoted fee) and the
 * committee is drawn; returns the task id (0x00… when the auction ended unsold).
 */
export async function closeAuction(caller: EnigmaClient, auction: Address, id: bigint): Promise<{ taskId: Hex; gasUsed: bigint }> {
  const a = await getAuction(caller, auction, id)
  const fee = a.bidders.length >= 2 ? await closeFee(caller, auction, id) : 0n
  const sent = await send(caller, auction, AUCTION, 'close', [id], fee)
  const after = await getAuction(caller, auction, id)
  // Step 2 of a task a contract created: anyone may draw; the committee does not depend on who.
  if (after.phase === 'sealed') await drawCommittee(caller, { taskId: after.taskId })
  return { taskId: after.taskId, gasUsed: sent.gasUsed }
}

/**
 * A bidder's sealed bid: `{ amount, deposit }` into her slot `bids[i]`, the deposit as she escrowed
 * it (in units; the contract checks the echoed value against its record). `amount` never goes on chain.
 */
export async function submitSealedBid(bidder: EnigmaClient, auction: Address, id: bigint, amount: number, circuit: Compiled['circuit'], opts: { depositUnits?: number } = {}): Promise<Submitted> {
  const me = bidder.account!.address
  const a = await getAuction(bidder, auction, id)
  const slot = a.bidders.findIndex((b) => b.toLowerCase() === me.toLowerCase())
  if (slot < 0) throw new Error(`${me} has not joined auction ${id}`)
  const deposit = opts.depositUnits ?? Number((await read<bigint>(bidder, auction, AUCTION, 'depositOf', [id, me])) / a.unit)
  return submitWithRetry(bidder, { taskId: a.taskId, slot: `bids[${slot}]`, value: { amount, deposit }, circuit })
}

/** Waits until the auction has left the sealed phase (the result callback, or a failure report). */
export async function waitForEnd(client: EnigmaClient, auction: Address, id: bigint, timeoutMs = 300_000): Promise<AuctionView> {
  return until(`auction ${id} to end`, async () => {
    const a = await getAuction(client, auction, id)
    return a.phase === 'bidding' || a.phase === 'sealed' ? undefined : a
  }, timeoutMs)
}

/** Takes what `account` is owed by an ended auction; returns the amount (0 when nothing). */
export async function claim(account: EnigmaClient, auction: Address, id: bigint): Promise<{ amount: bigint; gasUsed: bigint }> {
  const owed = await claimable(account, auction, id, account.account!.address)
  if (owed === 0n) return { amount: 0n, gasUsed: 0n }
  const sent = await send(account, auction, AUCTION, 'claim', [id])
  return { amount: owed, gasUsed: sent.gasUsed }
}

export async function claimable(client: EnigmaClient, auction: Address, id: bigint, account: Address): Promise<bigint> {
  return read<bigint>(client, auction, AUCTION, 'claimable', [id, account])
}
