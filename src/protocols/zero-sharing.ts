/**
 * Fresh random degree-t sharings of zero, to re-randomise shares before they leave the committee for
 * one recipient (private outputs): the recipient sees every share, so without this it would see the
 * whole sharing polynomial of the output, whose higher coefficients depend on how the output was
 * computed (the dealers' polynomials of linear inputs, the masks of the last multiplication), which
 * together with t corrupt parties' views can say more than the output itself. After adding a fresh
 * sharing of zero the recipient sees a uniformly random degree-t polynomial through the output.
 *
 * Construction: every party d deals a random sharing [g_d] of degree t − 1 (a random vector, plus one
 * pad element for the check); party i's share of zero is x_i · Σ_d g_d(x_i). The polynomial X·g(X) has
 * degree ≤ t and is 0 at X = 0 by construction, and it is uniform among such polynomials as soon as
 * one dealer is honest (Ben-Or, Goldwasser, Wigderson 1988, the re-randomisation step of degree
 * reduction). A dealer's g must have degree ≤ t − 1, or the shares x_i·g_i would lie on no degree-t
 * polynomial and colluders could complete them to one with a non-zero secret, shifting the output. So in
 * malicious mode the parties check every dealing with the batch degree check of sharing/consistency.ts
 * and a coin tossed after the deal; a failed check aborts naming no one (a corrupt party can make an
 * honest dealer's dealing look wrong by publishing a wrong check value, so the failure is no evidence).
 * Semi-honest mode skips the check (no active attacks to stop).
 */
import type { FieldVector } from '../field/types.ts'
import { split } from '../sharing/shamir.ts'
import { pointOf } from '../sharing/params.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { maskedCombination } from '../sharing/consistency.ts'
import { InconsistentSharesError, UndeterminedSharesError } from '../sharing/errors.ts'
import { exchange, broadcastPlan } from './exchange.ts'
import { coinStream, publicCoin } from './coin.ts'
import { CheatingDetectedError } from './errors.ts'
import type { MpcSession } from './session.ts'

/** This party's shares of `len` fresh random degree-t sharings of zero. One round (three, plus preprocessing, when checked). */
export async function zeroSharing(s: MpcSession, len: number): Promise<FieldVector> {
  const f = s.field
  if (len === 0) return f.zeros(0)
  const deg = s.t - 1
  // Each dealer's vector carries one pad element at the end (consistency.ts).
  const mine = split(f, f.random(len + 1, s.random), s.n, deg, s.random)
  const others = s.others()
  const got = await exchange(s, 'zero-deal', { send: new Map(others.map((p) => [p, mine[p]!])), receive: new Map(others.map((p) => [p, len + 1])) })
  got.set(s.self, mine[s.self]!)
  const dealt = Array.from({ length: s.n }, (_, d) => got.get(d)!)
  if (s.malicious) await checkDealings(s, dealt, deg, len)
  const g = f.zeros(len)
  for (const d of dealt) f.add(g, f.view(d, 0, len), g)
  return f.scale(g, pointOf(s.self), g)
}

/** Every dealing (len values + pad) has degree ≤ deg, checked with a fresh public coin. */
async function checkDealings(s: MpcSession, dealt: readonly FieldVector[], deg: number, len: number): Promise<void> {
  const f = s.field
  const stream = coinStream(await publicCoin(s, 'zero-coin'))
  const coefficients = f.random(len, stream)
  const zs = f.fromBigInts(dealt.map((d) => maskedCombination(f, f.view(d, 0, len), coefficients, f.get(d, len))))
  const got = await exchange(s, 'zero-check', broadcastPlan(s, zs, s.n))
  got.set(s.self, zs)
  for (let d = 0; d < s.n; d++) {
    const byParty = Array.from({ length: s.n }, (_, p) => f.slice(got.get(p)!, d, d + 1))
    try {
      checkConsistent(f, byParty, deg, s.t, 'zero-check')
    } catch (e) {
      if (e instanceof InconsistentSharesError || e instanceof UndeterminedSharesError) {
        throw new CheatingDetectedError('zero-check', `the zero sharing dealt by party ${d} failed its degree check (a wrong dealing or a wrong check value: no evidence of who)`)
      }
      throw e
    }
  }
}

/** `v` plus a fresh sharing of zero: the same secrets, a fresh random polynomial. */
export async function rerandomise(s: MpcSession, v: FieldVector): Promise<FieldVector> {
  const f = s.field
  return f.add(v, await zeroSharing(s, f.len(v)))
}
