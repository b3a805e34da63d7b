/**
 * A credit bureau without a bureau (issue #11): people store their income and debts once in the
 * network as a secret record each (`enigma store --type '{ income: uint32, debts: uint32 }'`), and
 * grant the lender's scoring contract (by code hash, requester = the lender). The lender's task binds
 * each applicant's input to that applicant's record (`enigma submit … --record 'people[i]=0x…'`), adds
 * its own secret policy, and learns only approve / deny per applicant (`revealTo('lender', …)`): no
 * income, no debt, no score. An applicant who revokes her grant is refused for the next request.
 *
 * Rule: approved ⇔ income ≥ minIncome and 100·debts ≤ maxDebtPercent·income.
 */
import { array, defineContract, revealTo, uint32, uint, within } from 'enigma-ts'

/** The type each applicant stores (the record's type must be the slot's, field included). */
export const applicant = { income: uint32, debts: uint32 }
export const APPLICANT_TYPE = '{ income: uint32, debts: uint32 }'

export default defineContract({
  name: 'credit-bureau',
  params: { applicants: { min: 1, max: 32 } },
  inputs: ({ applicants }) => ({
    people: array(applicant, applicants),
    policy: { minIncome: uint32, maxDebtPercent: within(uint(8), 0, 100) },
  }),
  compute: ({ people, policy }) => ({
    approved: revealTo('lender', people.map((p) => p.income.ge(policy.minIncome).and(p.debts.mul(100).le(p.income.mul(policy.maxDebtPercent))))),
  }),
})

export interface Applicant { readonly income: number; readonly debts: number }
export interface Policy { readonly minIncome: number; readonly maxDebtPercent: number }

/** Plaintext reference: the lender's view (one decision per applicant, nothing else). */
export function reference({ people, policy }: { people: readonly Applicant[]; policy: Policy }): { approved: boolean[] } {
  return { approved: people.map((p) => p.income >= policy.minIncome && 100 * p.debts <= policy.maxDebtPercent * p.income) }
}
