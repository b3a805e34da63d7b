/**
 * Committee parameters and evaluation points. Party i (0-based) holds the evaluation of the sharing
 * polynomial at x = i + 1, so the secret sits at x = 0 (Shamir 1979).
 */
import { check } from '../common/errors.ts'

/** Validates 1 ≤ t < n for plain sharing. */
export function checkSharingParams(fn: string, n: number, t: number): void {
  check(Number.isInteger(n) && n >= 1, fn, `n must be a positive integer, got ${n}`)
  check(Number.isInteger(t) && t >= 1 && t < n, fn, `t must be an integer with 1 ≤ t < n (n = ${n}), got ${t}`)
}

/** Validates an honest-majority committee: n ≥ 3 and 1 ≤ t < n/2 (DESIGN.md §2). */
export function checkCommitteeParams(fn: string, n: number, t: number): void {
  check(Number.isInteger(n) && n >= 3, fn, `a committee needs n ≥ 3 parties, got n = ${n}`)
  check(Number.isInteger(t) && t >= 1, fn, `t must be an integer ≥ 1, got ${t}`)
  check(2 * t < n, fn, `honest majority needs t < n/2, got t = ${t} with n = ${n}`)
}

/** The evaluation point of party i: i + 1. */
export function pointOf(party: number): bigint {
  return BigInt(party + 1)
}
