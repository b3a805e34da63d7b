/**
 * A ballot that stays open across many tasks: each task adds one batch of votes to a secret running
 * tally kept as contract state (whitepaper: MPC.set / MPC.get); nobody — not the nodes, not the voters —
 * sees the tally until a task with `close = 1` declassifies it. Invalid votes are counted apart.
 * Each vote costs one comparison per candidate, as in voting.ts.
 */
import { array, defineContract, persist, reveal, sum, uint32, type NextState, type Output, type SInt } from '../src/lang/index.ts'

export default defineContract({
  name: 'running-ballot',
  params: { voters: { min: 1, max: 1000 }, candidates: { min: 2, max: 16 }, close: { min: 0, max: 1, default: 0 } },
  inputs: ({ voters }) => ({ votes: array(uint32, voters) }),
  state: ({ candidates }) => ({ tally: array(uint32, candidates), invalid: uint32 }),
  compute: ({ votes }, { candidates, close }, { tally, invalid }) => {
    const below = votes.map((v) => Array.from({ length: candidates }, (_, c) => v.lt(c + 1).toInt()))
    const added = Array.from({ length: candidates }, (_, c) => sum(below.map((b) => (c === 0 ? b[0]! : b[c]!.sub(b[c - 1]!)))))
    // A tally of uint32 wraps after 4 billion votes per candidate: declared, not silently widened.
    const next = tally.map((t, c) => t.add(added[c]!).wrap(32))
    const nextInvalid = invalid.add(sum(below.map((b) => b[candidates - 1]!.neg().add(1) as SInt))).wrap(32)
    const result: Record<string, Output | NextState> = { state: persist({ tally: next, invalid: nextInvalid }) }
    if (close === 1) Object.assign(result, { tally: reveal(next), invalid: reveal(nextInvalid) })
    return result
  },
})

/** Plaintext reference: one task on `state` (zeros before the first). */
export function reference(
  { votes }: { votes: number[] },
  { candidates, close }: { candidates: number; close: number },
  state: { tally: number[]; invalid: number } = { tally: new Array<number>(candidates).fill(0), invalid: 0 },
) {
  const tally = [...state.tally]
  let invalid = state.invalid
  for (const v of votes) {
    if (v < candidates) tally[v] = (tally[v]! + 1) % 2 ** 32
    else invalid = (invalid + 1) % 2 ** 32
  }
  return { outputs: close === 1 ? { tally, invalid } : {}, state: { tally, invalid } }
}
