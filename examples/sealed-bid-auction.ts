/**
 * Sealed-bid second-price auction with deposits: the secret contract of the Solidity dApp
 * `examples/dapps/NftAuction.sol` (docs/dapps.md).
 *
 * Each bidder fills one slot with `{ amount, deposit }`: her sealed bid and the deposit she escrowed on
 * chain (public there, in the auction's units). A bid above its deposit could not be paid, so it is
 * invalid and counts as 0 — decided inside the MPC, so nobody learns whether a losing bid was invalid.
 * The deposits are revealed as they were entered (they are public on chain anyway, so this reveals
 * nothing an honest bidder keeps secret), and the Solidity contract checks each against its own record:
 * a bidder who claims a larger deposit than she escrowed voids the auction and forfeits her deposit.
 * That is how an on-chain public value reaches the circuit without a per-auction circuit (parameters
 * are compile-time: a deposit as a parameter would change the code hash).
 *
 * Then the Vickrey tournament of `vickrey-auction` over the valid bids: the highest wins (ties: the
 * lowest slot index), the price is the highest other valid bid (the tied bid on a tie, 0 if there is
 * no other valid bid). `sold` is false when no bid is valid and above 0; then `winner` means nothing.
 */
import { array, defineContract, reveal, select, uint32, type SInt } from 'enigma-ts'
import { secondPriceTournament } from './vickrey-auction.ts'

export default defineContract({
  name: 'sealed-bid-auction',
  params: { bidders: { min: 2, max: 1000 } },
  inputs: ({ bidders }) => ({ bids: array({ amount: uint32, deposit: uint32 }, bidders) }),
  compute: ({ bids }) => {
    // One comparison round for every bidder at once, then the tournament's log2(bidders) rounds.
    const valid = bids.map((b) => select<SInt | number>(b.amount.le(b.deposit), b.amount, 0) as SInt)
    const top = secondPriceTournament(valid)
    return {
      winner: reveal(top.index),
      price: reveal(top.second),
      sold: reveal(top.best.gt(0)),
      deposits: reveal(bids.map((b) => b.deposit)),
    }
  },
})

export interface SealedBid { readonly amount: number; readonly deposit: number }

/** Plaintext reference. */
export function reference({ bids }: { bids: readonly SealedBid[] }) {
  const valid = bids.map((b) => (b.amount <= b.deposit ? b.amount : 0))
  let winner = 0
  for (let i = 1; i < valid.length; i++) if (valid[i]! > valid[winner]!) winner = i
  const price = Math.max(0, ...valid.filter((_, i) => i !== winner))
  return { winner, price, sold: valid[winner]! > 0, deposits: bids.map((b) => b.deposit) }
}
