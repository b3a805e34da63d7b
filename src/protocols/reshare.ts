/**
 * Re-sharing between committees (Desmedt–Jajodia redistribution, checked as in CHURP's hand-off,
 * Maram et al. CCS 2019 §4; the algebra is in sharing/redistribute.ts). Moves a shared vector from an
 * old committee (n_old, t_old) to a new one (n_new, t_new) — of any size, overlapping or identical (a
 * proactive refresh: same committee, new random polynomials) — without ever reconstructing it.
 *
 * Runs over one transport that connects the union of both committees (`oldMembers`, `newMembers` are
 * indices of that transport; a party in both plays both roles). Rounds:
 * 1. deal: every old member deals its share (plus a pad) with a fresh degree-t_new polynomial;
 * 2. agree: new members exchange which dealings they received, and keep the dealers that all of them
 *    received (D). A crashed or silent old member is simply left out. Malicious mode requires D to hold
 *    t_old + 1 honest dealings whatever the adversary does (`requiredDealers`: 2·t_old + 1 less the
 *    dealers proven faulty), so that the honest dealings fix the polynomial and any change by the corrupt
 *    ones shows — the rule "uniquely determined despite t corrupt shares" of every opening; semi-honest
 *    mode needs t_old + 1. Corrupt new members can only shrink D (a denial of service: the old committee
 *    keeps its shares until the hand-off is recorded, so a retry loses nothing), never move the value;
 * 3. check (malicious only): a public coin drawn after the dealing gives coefficients ρ; the new committee
 *    opens, with the checked opening of open.ts, per dealer a padded ρ-combination of its sub-shares (the
 *    batch degree-t_new check of a dealing, as for client inputs) and the ρ-combined syndrome of the dealt
 *    constants (must be 0: the dealt constants are one degree-t_old sharing, i.e. the new sharing
 *    reconstructs to the same value as the old one). A wrong dealing passes with probability ≤ 1/p.
 * 4. combine: new member j's share is Σ_{i∈S} λ_i·sub_i(j) for the first t_old + 1 dealers S of D.
 *
 * Blame: a failed check proves that an old member dealt wrongly *or* a new member lied about its check
 * value, and which one is not evident from messages the culprit itself signed; the run aborts with
 * MPC_CHEATING_DETECTED naming nobody (DESIGN.md §2: an honest party is never named). A new member that
 * sends a malformed "received" bitmap is named: that message is its own.
 */
import { EnigmaError, check } from '../common/errors.ts'
import type { Field, FieldVector, RandomSource } from '../field/types.ts'
import { checkSharingParams } from '../sharing/params.ts'
import { checkValues, combinationWeights, combineSubShares, dealSubShares, parityCheckRows } from '../sharing/redistribute.ts'
import { coinStream, publicCoin } from './coin.ts'
import { committeeView } from './committee-view.ts'
import { CheatingDetectedError } from './errors.ts'
import { broadcastPlan, exchange } from './exchange.ts'
import { openRaw } from './open.ts'
import { createSession, type SecurityMode } from './session.ts'
import type { Transport } from './transport.ts'

export interface ReshareOptions {
  readonly field: Field
  /** Connects every party of both committees. */
  readonly transport: Transport
  readonly security: SecurityMode
  /** Transport indices of the old committee, in the order of its sharing (old party k holds P(k + 1)). */
  readonly oldMembers: readonly number[]
  readonly oldT: number
  /** Transport indices of the new committee, in the order of the new sharing. */
  readonly newMembers: readonly number[]
  readonly newT: number
  /**
   * This party's old share when it is an old member. An old member without one (it missed the
   * hand-off that made this sharing: a custodian killed mid-hand-off, issue #11 §3) passes null and
   * deals nothing: to the new members it is a dealer that crashed, missed by all of them.
   */
  readonly share?: FieldVector | null
  /** Number of shared elements (public). */
  readonly length: number
  /** Per-receive deadline in ms (default 30 000). A dealer silent past it is left out of D. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  readonly random?: RandomSource
  /**
   * Randomness of this party's own dealing (default `random`). A party that may deal again after a
   * restart under the same session passes a PRF of its key and the session, so the second dealing is
   * identical to the first and members that got either agree (src/node/dealing-random.ts).
   */
  readonly dealRandom?: RandomSource
  /** Distinguishes concurrent or successive hand-offs over one transport (e.g. the epoch and record id). */
  readonly labelPrefix?: string
  /**
   * Positions (indices into `oldMembers`) of old members known to be faulty, e.g. suspended on chain (a
   * task's re-run, issue #12): they keep their evaluation points, but nobody waits for their dealing and
   * a dealing from them is ignored, so every honest new member reports it missing and it counts as
   * proven faulty (step 2). Every party must pass the same list.
   */
  readonly excludedOld?: readonly number[]
}

/** Too few old members delivered a dealing to every new member: the value cannot be moved safely. */
export class ReshareQuorumError extends EnigmaError {
  override name = 'ReshareQuorumError'
  constructor(present: number, needed: number, missing: readonly number[]) {
    super('MPC_RESHARE_QUORUM', `re-sharing needs dealings from ${needed} old members, every new member received only ${present}`, {
      details: `old members (by position) whose dealing did not reach every new member: ${missing.join(', ') || 'none'}`,
      meta: { present, needed, parties: [...missing] },
    })
  }
}

/**
 * Minimum number of dealers whose sub-shares every new member must hold. Malicious: the dealers kept must
 * include t_old + 1 honest ones whatever the adversary does, so that ≤ t_old corrupt dealings cannot move
 * the value unnoticed; of the t_old faults allowed, `provenFaulty` are already outside the set (dealings
 * that an honest new member missed), hence 2·t_old + 1 − provenFaulty. A dealer that only corrupt new
 * members claim to miss is dropped too, but never lowers the bar. Semi-honest: t_old + 1 reconstruct.
 */
export function requiredDealers(security: SecurityMode, oldT: number, provenFaulty: number): number {
  return security === 'malicious' ? Math.max(oldT + 1, 2 * oldT + 1 - Math.min(provenFaulty, oldT)) : oldT + 1
}

/**
 * Runs this party's side of a hand-off. Resolves with its new share (a vector of `length` elements)
 * when it is a new member, or null when it is only an old member (which may erase its old share once the
 * new committee reports completion: the caller's duty, after the hand-off is recorded).
 */
export async function reshare(o: ReshareOptions): Promise<FieldVector | null> {
  const f = o.field
  const fn = 'reshare'
  checkSharingParams(fn, o.oldMembers.length, o.oldT)
  checkSharingParams(fn, o.newMembers.length, o.newT)
  check(2 * o.newT < o.newMembers.length, fn, `the new committee needs an honest majority: t = ${o.newT}, n = ${o.newMembers.length}`)
  check(Number.isInteger(o.length) && o.length >= 1, fn, `length must be a positive integer, got ${o.length}`)
  const prefix = `${o.labelPrefix ?? ''}reshare/`
  const timeoutMs = o.timeoutMs ?? 30_000
  const oldPos = o.oldMembers.indexOf(o.transport.self)
  const newPos = o.newMembers.indexOf(o.transport.self)
  check(oldPos >= 0 || newPos >= 0, fn, `party ${o.transport.self} is in neither committee`)

  const excluded = new Set(o.excludedOld ?? [])
  // 1. Deal (an excluded old member deals nothing: its dealing would be ignored).
  let own: FieldVector | undefined
  if (oldPos >= 0 && !excluded.has(oldPos) && o.share == null) {
    // Without a share it deals an empty frame: the new members count it missing at once instead of
    // waiting out the receive deadline (the same outcome as a crashed dealer, sooner).
    for (const to of o.newMembers) if (to !== o.transport.self) o.transport.send(to, `${prefix}deal`, new Uint8Array(0))
  } else if (oldPos >= 0 && !excluded.has(oldPos) && o.share != null) {
    check(f.len(o.share) === o.length, fn, `an old member's share must have ${o.length} elements`)
    const dealt = dealSubShares(f, o.share, o.newMembers.length, o.newT, o.dealRandom ?? o.random)
    o.newMembers.forEach((to, j) => {
      if (to === o.transport.self) own = dealt[j]
      else o.transport.send(to, `${prefix}deal`, f.encode(dealt[j]!))
    })
  }
  if (newPos < 0) return null

  // What each dealer sent this new member; null when it was silent or malformed.
  const received = await Promise.all(o.oldMembers.map(async (from, k): Promise<FieldVector | null> => {
    if (excluded.has(k)) return null
    if (from === o.transport.self) return own ?? null
    try {
      const v = f.decode(await o.transport.receive(from, `${prefix}deal`, { timeoutMs, signal: o.signal }))
      return f.len(v) === o.length + 1 ? v : null
    } catch (e) {
      if (o.signal?.aborted) throw e
      return null
    }
  }))

  // 2. Agree on the dealers every new member holds.
  const session = createSession({
    field: f, n: o.newMembers.length, t: o.newT, transport: committeeView(o.transport, o.newMembers),
    security: o.security, timeoutMs, signal: o.signal, random: o.random, labelPrefix: prefix,
  })
  const mine = f.fromBigInts(received.map((v) => (v ? 1n : 0n)))
  const bitmaps = await exchange(session, 'present', broadcastPlan(session, mine, o.oldMembers.length))
  bitmaps.set(session.self, mine)
  const missingVotes = o.oldMembers.map((_, k) => {
    let votes = 0
    for (const [who, bits] of bitmaps) {
      const b = f.get(bits, k)
      if (b > 1n) throw new CheatingDetectedError(`${prefix}present`, 'a malformed list of received dealings', [who])
      if (b === 0n) votes++
    }
    return votes
  })
  const dealers = o.oldMembers.map((_, k) => k).filter((k) => missingVotes[k] === 0)
  // A dealing that more than t_new new members miss was missed by an honest one: its dealer is faulty
  // (crashed or corrupt) and no longer counts against the corruption budget of the remaining dealers.
  const provenFaulty = missingVotes.filter((v) => v > o.newT).length
  const needed = requiredDealers(o.security, o.oldT, provenFaulty)
  if (dealers.length < needed) {
    throw new ReshareQuorumError(dealers.length, needed, o.oldMembers.map((_, k) => k).filter((k) => !dealers.includes(k)))
  }
  const subShares = dealers.map((k) => received[k]!)

  // 3. Check (malicious): every dealing of degree t_new, and the dealt constants one degree-t_old sharing.
  if (o.security === 'malicious') {
    const rho = f.random(o.length, coinStream(await publicCoin(session, 'coin')))
    const parity = parityCheckRows(f, dealers, o.oldT)
    const opened = await openRaw(session, checkValues(f, subShares, rho, parity), o.newT, 'check')
    if (!f.isZero(f.view(opened, dealers.length))) {
      throw new CheatingDetectedError(`${prefix}check`, 'the dealt shares are not one sharing of the old value (an old member dealt a wrong share)')
    }
  }

  // 4. Combine.
  return combineSubShares(f, subShares, combinationWeights(f, dealers, o.oldT))
}
