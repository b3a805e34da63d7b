/**
 * Secret ballot: each voter casts a candidate number; only the tally is published.
 *
 * For each vote v we compute the bits [v < c] for c = 1…candidates (all in one comparison round);
 * then [v == c] = [v < c+1] − [v < c] and the invalid flag is 1 − [v < candidates]: one comparison per
 * candidate and voter, no equality tests, and the tally is a sum (free).
 */
import { array, defineContract, reveal, sum, uint32, type SInt } from 'enigma-ts'

export default defineContract({
  name: 'voting',
  params: { voters: { min: 1, max: 1000 }, candidates: { min: 2, max: 16 } },
  inputs: ({ voters }) => ({ votes: array(uint32, voters) }),
  compute: ({ votes }, { candidates }) => {
    const below = votes.map((v) => Array.from({ length: candidates }, (_, c) => v.lt(c + 1).toInt()))
    const tally = Array.from({ length: candidates }, (_, c) =>
      sum(below.map((b) => (c === 0 ? b[0]! : b[c]!.sub(b[c - 1]!)))))
    const invalid = sum(below.map((b) => b[candidates - 1]!.neg().add(1) as SInt))
    return { tally: reveal(tally), invalid: reveal(invalid) }
  },
})

/** Plaintext reference. */
export function reference({ votes }: { votes: number[] }, { candidates }: { candidates: number }) {
  const tally = new Array<number>(candidates).fill(0)
  let invalid = 0
  for (const v of votes) {
    if (v < candidates) tally[v]!++
    else invalid++
  }
  return { tally, invalid }
}
