/**
 * Opening shared values.
 * - Semi-honest: party j needs t+1 shares, so each party sends its share to the t parties "before"
 *   it (j = i−1 … i−t mod n): one round, t elements per party per value. Only t parties then wait on
 *   any one party's share, so a silent party has t first-hand witnesses; when a share misses its
 *   deadline the waiting party complains to everyone and every party waits, with its own deadline, for
 *   the accused's answer (complaints.ts, the complaint phase of VSS/DKG): all honest parties witness
 *   the silence, as in the all-to-all malicious opening, at no cost while nobody is silent.
 * - Malicious: every party sends its share to every other, and each accepts the value only when it is
 *   determined despite t corrupt shares (sharing/reconstruct-checked.ts): all n ≥ 2t+1 shares on one
 *   degree-t polynomial. The t+1 honest shares fix the polynomial, so any altered share is detected,
 *   always (not with some probability). Detection aborts the run (security with abort).
 *
 * Who is named (DESIGN.md §2: "an honest node is never named"). A share off the polynomial is evidence
 * against its sender only if the honest parties' shares agree among themselves. Before the MAC check
 * they need not: a party that equivocated in a multiplication (different degree-2t shares, or as king
 * different values, to different peers) or dealt an inconsistent preprocessing sharing leaves honest
 * parties with shares off any common polynomial, and decoding would then "correct" an honest party.
 * The MAC check (mac.ts, Chida et al. 2018 §4) opens a random combination of every logged value with
 * this same checked opening, so once it has passed, the honest shares of every verified value agree
 * (except with probability ~1/p). Hence culprits are named only in the openings of verified outputs
 * (`output`, `outputTo` after `verify`), and only those whose shares the redundancy proves wrong
 * (within the decoding radius for t corruptions); everywhere else MPC_CHEATING_DETECTED names no one.
 */
import type { FieldVector } from '../field/types.ts'
import { reconstruct } from '../sharing/shamir.ts'
import { reconstructChecked } from '../sharing/reconstruct-checked.ts'
import { InconsistentSharesError, UndeterminedSharesError } from '../sharing/errors.ts'
import { check } from '../common/errors.ts'
import { exchange } from './exchange.ts'
import { CheatingDetectedError } from './errors.ts'
import type { MpcSession, Shared } from './session.ts'
import { rerandomise } from './zero-sharing.ts'

/** Tags of the openings that reveal verified outputs (see the module comment for why only these name). */
const VERIFIED_OUTPUT_TAGS: ReadonlySet<string> = new Set(['output', 'outputTo'])

/** Whether a wrong share in this opening is evidence against its sender. */
function sharesAreEvidence(s: MpcSession, tag: string): boolean {
  return s.malicious && s.verified && s.macLog.length === 0 && VERIFIED_OUTPUT_TAGS.has(tag)
}

/**
 * Reconstruct with full checking: the value is returned only when t corrupt shares cannot have chosen
 * it, and any wrong share aborts the run. `evidence` says whether shares proven wrong may be named.
 */
export function reconstructOrAbort(s: MpcSession, byParty: (FieldVector | null)[], degree: number, step: string, evidence = false): FieldVector {
  let r
  try {
    r = reconstructChecked(s.field, byParty, degree, { t: s.t, correct: evidence, fn: step })
  } catch (e) {
    if (e instanceof InconsistentSharesError || e instanceof UndeterminedSharesError) {
      throw new CheatingDetectedError(step, `shares are inconsistent (${e.code})`, [])
    }
    throw e
  }
  if (r.corrected.length > 0) throw new CheatingDetectedError(step, 'shares off the polynomial of the verified output', r.corrected)
  return r.secrets
}

/** Open raw degree-`degree` share vectors to every party. */
export async function openRaw(s: MpcSession, v: FieldVector, degree: number, tag = 'open'): Promise<FieldVector> {
  const f = s.field
  const len = f.len(v)
  s.stats.opened += len
  // Malicious openings are checked, which needs degree + 1 + t shares: only degree t fits n ≥ 2t+1.
  check(!s.malicious || degree === s.t, 'openRaw', `malicious mode opens degree-t sharings only (got degree ${degree}); degree 2t cannot be checked with n < 3t+1`)
  if (s.malicious || degree !== s.t) {
    // All-to-all: needed for checking, and for degree 2t (which needs 2t+1 shares).
    const others = s.others()
    const got = await exchange(s, tag, { send: new Map(others.map((p) => [p, v])), receive: new Map(others.map((p) => [p, len])) })
    const byParty: (FieldVector | null)[] = Array.from({ length: s.n }, (_, p) => (p === s.self ? v : got.get(p) ?? null))
    if (s.malicious) return reconstructOrAbort(s, byParty, degree, `${tag}(degree ${degree})`, sharesAreEvidence(s, tag))
    const parties = byParty.flatMap((x, p) => (x ? [p] : [])).slice(0, degree + 1)
    return reconstruct(f, parties.map((p) => byParty[p]!), parties, degree)
  }
  const ring = (k: number) => (((s.self + k) % s.n) + s.n) % s.n
  const sendTo = Array.from({ length: s.t }, (_, k) => ring(-(k + 1)))
  const recvFrom = Array.from({ length: s.t }, (_, k) => ring(k + 1))
  const got = await exchange(s, tag, { send: new Map(sendTo.map((p) => [p, v])), receive: new Map(recvFrom.map((p) => [p, len])) })
  const parties = [s.self, ...recvFrom]
  return reconstruct(f, parties.map((p) => (p === s.self ? v : got.get(p)!)), parties, degree)
}

declare const maskedBrand: unique symbol

/**
 * A shared value that may be opened before the MAC check: x + r where r is preprocessed randomness
 * nobody knows (uniform, or 2^κ-statistically hiding x). Only `mask` makes one.
 */
export type Masked = Shared & { readonly [maskedBrand]: true }

/**
 * x + r as a value that `openMasked` accepts. The caller vouches that r hides x (a fresh random
 * sharing, or Σ 2^i·b_i over enough random bits): that is the whole point of the type.
 */
export function mask(s: MpcSession, x: Shared, r: Shared): Masked {
  const f = s.field
  check(x.v.length === r.v.length, 'mask', `vector lengths differ: ${f.len(x.v)} and ${f.len(r.v)}`)
  return { v: f.add(x.v, r.v), m: x.m && r.m ? f.add(x.m, r.m) : undefined } as Masked
}

/**
 * Open a masked value to everyone. In malicious mode the opening is checked (a wrong share aborts)
 * but the MAC check does NOT run: an additive attack on earlier multiplications can still shift the
 * value. That is safe for masked values only (Chida et al. 2018, §4: openings of random-masked values
 * before verification reveal nothing), and the final `verify` catches the shift before any output.
 * Outputs go through `output` / `outputTo` (mac.ts), never through this.
 */
export async function openMasked(s: MpcSession, a: Masked): Promise<FieldVector> {
  return openRaw(s, a.v, s.t)
}

/**
 * Open to one party only: every other party sends it its share, re-randomised first with a fresh
 * sharing of zero (zero-sharing.ts) so that the recipient, who sees every share, learns the value and
 * nothing about how it was computed. Returns null at the other parties.
 */
export async function openToRaw(s: MpcSession, party: number, v: FieldVector, tag = 'openTo'): Promise<FieldVector | null> {
  const f = s.field
  const len = f.len(v)
  const fresh = await rerandomise(s, v)
  if (s.self !== party) {
    await exchange(s, tag, { send: new Map([[party, fresh]]), receive: new Map() })
    return null
  }
  const others = s.others()
  const got = await exchange(s, tag, { send: new Map(), receive: new Map(others.map((p) => [p, len])) })
  const byParty: (FieldVector | null)[] = Array.from({ length: s.n }, (_, p) => (p === s.self ? fresh : got.get(p) ?? null))
  return reconstructOrAbort(s, byParty, s.t, tag, sharesAreEvidence(s, tag))
}
