/**
 * Private credit scoring with a logistic model: the applicant's features x and the lender's weights
 * w stay secret; only the decision and the score are revealed.
 * approved = w·x + bias > 0; score = σ(w·x + bias) (piecewise-linear sigmoid, error < 0.01).
 */
import { array, defineContract, dot, fixed, reveal, sigmoid, within } from 'enigma-ts'

/** The input domain; declaring it keeps every value within 64 bits. */
const feature = within(fixed, -100, 100)

export default defineContract({
  name: 'credit-score',
  params: { features: { min: 1, max: 64 } },
  inputs: ({ features }) => ({ x: array(feature, features), w: array(feature, features), bias: feature }),
  compute: ({ x, w, bias }) => {
    const z = dot(w, x).add(bias)
    return { approved: reveal(z.gt(0)), score: reveal(sigmoid(z)) }
  },
})

/** Plaintext reference (score to within 0.01; approved exact unless |z| is within 2^−15 of 0). */
export function reference({ x, w, bias }: { x: number[]; w: number[]; bias: number }) {
  const z = x.reduce((s, xi, i) => s + xi * w[i]!, bias)
  return { approved: z > 0, score: 1 / (1 + Math.exp(-z)), z }
}
