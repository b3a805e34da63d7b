/**
 * Team salaries: the total and the highest salary of a team, without anyone seeing a single salary.
 * Each salary is secret-shared among the committee; only the two results are revealed.
 */
import { array, defineContract, max, reveal, sum, uint32 } from 'enigma-ts'

export default defineContract({
  name: 'team-salaries',
  params: { members: { min: 2, max: 100 } },
  inputs: ({ members }) => ({ salaries: array(uint32, members) }),
  compute: ({ salaries }) => ({
    total: reveal(sum(salaries)),
    highest: reveal(max(salaries)),
  }),
})

/** Plaintext reference: what the contract must compute (the test checks it on random inputs). */
export function reference({ salaries }: { salaries: number[] }) {
  return { total: salaries.reduce((a, b) => a + b, 0), highest: Math.max(...salaries) }
}
