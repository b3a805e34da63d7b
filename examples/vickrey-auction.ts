/**
 * Sealed-bid second-price (Vickrey) auction. The highest bidder wins and pays the highest bid among
 * the others; nobody learns any other bid.
 *
 * One tournament of ⌈log2 bidders⌉ levels carries (best, second best, index of best) up a tree.
 * Merging two halves: the right half wins only if strictly higher (ties go to the lower index); the
 * new second best is max(the loser's best, the winner's second) — and since the loser's second is no
 * larger than the loser's best, max(min(bestL, bestR), max(secondL, secondR)) is the same thing, with
 * the inner max independent of the first comparison, so it shares that comparison's round.
 */
import { array, defineContract, reveal, select, uint32, type SInt } from 'enigma-ts'

export default defineContract({
  name: 'vickrey-auction',
  params: { bidders: { min: 2, max: 1000 } },
  inputs: ({ bidders }) => ({ bids: array(uint32, bidders) }),
  compute: ({ bids }) => {
    const top = secondPriceTournament(bids)
    return { winner: reveal(top.index), price: reveal(top.second) }
  },
})

/** The tournament's result: the highest bid, the highest among the others, and the winner's index. */
export interface TournamentResult { readonly best: SInt; readonly second: SInt | number; readonly index: SInt | number }

/**
 * The tournament above over any list of secret bids (also used by `sealed-bid-auction`): ties go to
 * the lower index, and then the price is the tied bid.
 */
export function secondPriceTournament(bids: readonly SInt[]): TournamentResult {
  type Node = { best: SInt; second: SInt | number; index: SInt | number }
  let layer: Node[] = bids.map((best, index) => ({ best, second: 0, index }))
  while (layer.length > 1) {
    const next: Node[] = []
    for (let i = 0; i + 1 < layer.length; i += 2) {
      const l = layer[i]!
      const r = layer[i + 1]!
      const rightWins = r.best.gt(l.best)
      const best = select(rightWins, r.best, l.best)
      const loser = select(rightWins, l.best, r.best) // min(bestL, bestR): same round as `best`
      const seconds = maxOf(l.second, r.second)
      next.push({ best, second: loser.max(seconds), index: select(rightWins, r.index, l.index) })
    }
    if (layer.length % 2 === 1) next.push(layer[layer.length - 1]!)
    layer = next
  }
  return layer[0]!
}

/** max of two values that may be public (the leaves' "second best" is a public 0). */
function maxOf(a: SInt | number, b: SInt | number): SInt | number {
  if (typeof a === 'number') return typeof b === 'number' ? Math.max(a, b) : b.max(a)
  return a.max(b)
}

/** Plaintext reference. */
export function reference({ bids }: { bids: number[] }) {
  let winner = 0
  for (let i = 1; i < bids.length; i++) if (bids[i]! > bids[winner]!) winner = i
  const price = Math.max(...bids.filter((_, i) => i !== winner))
  return { winner, price }
}
