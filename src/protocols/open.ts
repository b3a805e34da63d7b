/**
 * Opening shared values.
 * - Semi-honest: party j needs t+1 shares, so each party sends its share to the t parties "before"
 *   it (j = i−1 … i−t mod n): one round, t elements per party per value.
 * - Malicious: every party sends its share to every other, and each checks that all n shares lie on
 *   one degree-t polynomial. With t < n/2 the t+1 honest shares fix the polynomial, so any altered
 *   share is detected, always (not with some probability). When n ≥ t+3 Berlekamp–Welch names the
 *   altered parties. Detection aborts the run (security with abort).
 */
import type { FieldVector } from '../field/types.ts'
import { reconstruct } from '../sharing/shamir.ts'
import { reconstructChecked } from '../sharing/reconstruct-checked.ts'
import { InconsistentSharesError } from '../sharing/errors.ts'
import { exchange } from './exchange.ts'
import { CheatingDetectedError } from './errors.ts'
import type { MpcSession, Shared } from './session.ts'

/** Reconstruct with full checking; turns an inconsistency into a cheating error naming the step and, if known, the parties. */
export function reconstructOrAbort(s: MpcSession, byParty: (FieldVector | null)[], degree: number, step: string): FieldVector {
  try {
    const r = reconstructChecked(s.field, byParty, degree, { correct: true, fn: step })
    if (r.corrected.length > 0) throw new CheatingDetectedError(step, 'altered shares', r.corrected)
    return r.secrets
  } catch (e) {
    if (e instanceof InconsistentSharesError) {
      throw new CheatingDetectedError(step, 'shares are inconsistent', (e.meta.parties as number[] | undefined) ?? [])
    }
    throw e
  }
}

/** Open raw degree-`degree` share vectors to every party. */
export async function openRaw(s: MpcSession, v: FieldVector, degree: number, tag = 'open'): Promise<FieldVector> {
  const f = s.field
  const len = f.len(v)
  s.stats.opened += len
  if (s.malicious || degree !== s.t) {
    // All-to-all: needed for checking, and for degree 2t (which needs 2t+1 shares).
    const others = s.others()
    const got = await exchange(s, tag, { send: new Map(others.map((p) => [p, v])), receive: new Map(others.map((p) => [p, len])) })
    const byParty: (FieldVector | null)[] = Array.from({ length: s.n }, (_, p) => (p === s.self ? v : got.get(p) ?? null))
    if (s.malicious) return reconstructOrAbort(s, byParty, degree, `${tag}(degree ${degree})`)
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

/**
 * Open to everyone. In malicious mode this does not run the MAC check: use it only for masked
 * intermediate values (Chida et al.: openings of random-masked values are safe before verification);
 * outputs go through `output`.
 */
export async function open(s: MpcSession, a: Shared): Promise<FieldVector> {
  return openRaw(s, a.v, s.t)
}

/** Open to one party only: every other party sends it its share. Returns null at the other parties. */
export async function openToRaw(s: MpcSession, party: number, v: FieldVector, tag = 'openTo'): Promise<FieldVector | null> {
  const f = s.field
  const len = f.len(v)
  if (s.self !== party) {
    await exchange(s, tag, { send: new Map([[party, v]]), receive: new Map() })
    return null
  }
  const others = s.others()
  const got = await exchange(s, tag, { send: new Map(), receive: new Map(others.map((p) => [p, len])) })
  const byParty: (FieldVector | null)[] = Array.from({ length: s.n }, (_, p) => (p === s.self ? v : got.get(p) ?? null))
  return reconstructOrAbort(s, byParty, s.t, tag)
}
