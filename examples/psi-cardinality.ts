/**
 * Private set intersection cardinality: how many elements two parties' sets share, nothing else.
 * Each set has distinct elements, so two circuits give the size of the intersection, and the params
 * (public) pick the one with fewer comparisons:
 * - pairwise: test every pair for equality and count (sizeA · sizeB tests, all in one round);
 * - sort: sort A ∪ B obliviously; a common element then appears exactly twice, side by side, so count
 *   the equal neighbours (a Batcher network of ≈ n·log²n/4 comparators plus n − 1 tests, more rounds).
 */
import { array, defineContract, reveal, sort, sortingNetwork, sum, uint32 } from 'enigma-ts'

export default defineContract({
  name: 'psi-cardinality',
  params: { sizeA: { min: 1, max: 500 }, sizeB: { min: 1, max: 500 } },
  inputs: ({ sizeA, sizeB }) => ({ setA: array(uint32, sizeA), setB: array(uint32, sizeB) }),
  compute: ({ setA, setB }, { sizeA, sizeB }) => {
    const n = sizeA + sizeB
    if (sizeA * sizeB <= sortingNetwork(n).length + n - 1) {
      return { intersection: reveal(sum(setA.flatMap((a) => setB.map((b) => a.eq(b).toInt())))) }
    }
    const merged = sort([...setA, ...setB])
    return { intersection: reveal(sum(merged.slice(1).map((x, i) => x.eq(merged[i]!).toInt()))) }
  },
})

/** Plaintext reference. */
export function reference({ setA, setB }: { setA: number[]; setB: number[] }) {
  const b = new Set(setB)
  return { intersection: setA.filter((a) => b.has(a)).length }
}
