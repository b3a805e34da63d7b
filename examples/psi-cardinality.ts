/**
 * Private set intersection cardinality: how many elements two parties' sets share, nothing else.
 * Every pair is tested for equality (sizeA · sizeB equality tests, all in one round); since each set
 * has distinct elements, the number of equal pairs is the size of the intersection.
 */
import { array, defineContract, reveal, sum, uint32 } from '../src/lang/index.ts'

export default defineContract({
  name: 'psi-cardinality',
  params: { sizeA: { min: 1, max: 500 }, sizeB: { min: 1, max: 500 } },
  inputs: ({ sizeA, sizeB }) => ({ setA: array(uint32, sizeA), setB: array(uint32, sizeB) }),
  compute: ({ setA, setB }) => ({
    intersection: reveal(sum(setA.flatMap((a) => setB.map((b) => a.eq(b).toInt())))),
  }),
})

/** Plaintext reference. */
export function reference({ setA, setB }: { setA: number[]; setB: number[] }) {
  const b = new Set(setB)
  return { intersection: setA.filter((a) => b.has(a)).length }
}
