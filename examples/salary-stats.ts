/**
 * Salary statistics without revealing any salary: mean (floor of the exact sum / employees), median
 * (ascending order, index ⌊(employees − 1)/2⌋), max, and how many earn strictly more than the mean.
 * The median and max come from one oblivious sort (Batcher's network); the mean is a division by
 * the public head count. "Above the mean" needs no division: for an integer s, s > ⌊S/n⌋ exactly
 * when s > S/n, i.e. s·n > S (public × secret is free), so those comparisons run in the first round
 * instead of waiting for the division.
 */
import { array, defineContract, reveal, sort, sum, uint32 } from 'enigma-ts'

export default defineContract({
  name: 'salary-stats',
  params: { employees: { min: 1, max: 1000 } },
  inputs: ({ employees }) => ({ salaries: array(uint32, employees) }),
  compute: ({ salaries }, { employees }) => {
    const mean = sum(salaries).div(employees)
    const sorted = sort(salaries)
    const total = sum(salaries)
    const aboveMean = sum(salaries.map((s) => s.mul(employees).gt(total).toInt()))
    return {
      mean: reveal(mean),
      median: reveal(sorted[Math.floor((employees - 1) / 2)]!),
      max: reveal(sorted[employees - 1]!),
      aboveMean: reveal(aboveMean),
    }
  },
})

/** Plaintext reference. */
export function reference({ salaries }: { salaries: number[] }) {
  const n = salaries.length
  const total = salaries.reduce((s, x) => s + BigInt(x), 0n)
  const mean = Number(total / BigInt(n))
  const sorted = [...salaries].sort((a, b) => a - b)
  return {
    mean,
    median: sorted[Math.floor((n - 1) / 2)]!,
    max: sorted[n - 1]!,
    aboveMean: salaries.filter((s) => s > mean).length,
  }
}
