/**
 * Preprocessing: batches of random sharings and double random sharings ([r]_t, [r]_2t). Committees
 * n = 2t + 1 up to n = 7 make them locally by PRSS (prss.ts, Cramer–Damgård–Ishai 2005), with no
 * round at all after the session's set-up round (n = 3 always; n = 5, 7 for requests small enough that
 * the PRG work is cheaper than the round); the others use DN07 extraction (Damgård–Nielsen 2007, §4): in one round every party deals fresh random sharings to
 * all, and each party applies the same (n−t)×n Vandermonde matrix to what it received, yielding n−t
 * outputs per dealt sharing that no t parties can predict.
 *
 * Share compression (pair-streams.ts): a degree-d random sharing is fixed by its secret and the shares
 * of d recipients, which dealer and recipients draw from their pairwise streams; the dealer
 * interpolates the other shares and sends only those. Per dealt sharing a party sends n−1−t elements
 * at degree t and n−1−2t at degree 2t (for n = 2t+1: t and 0), instead of n−1 each.
 */
import type { FieldVector } from '../field/types.ts'
import { lagrangeAtPoints } from '../sharing/lagrange.ts'
import { pointOf } from '../sharing/params.ts'
import { applyMatrix, vandermondeMatrix } from '../sharing/extraction.ts'
import { exchange } from './exchange.ts'
import { ensurePairStreams, pairStream } from './pair-streams.ts'
import type { MpcSession } from './session.ts'

/** Minimum refill, so that many small requests do not each cost a round. */
const MIN_REFILL = 64

export interface PreprocessRequest {
  readonly randoms?: number
  readonly doubles?: number
}

/** The recipients whose shares of dealer d's degree-`deg` sharings come from pairwise streams. */
function seededRecipients(n: number, dealer: number, deg: number): number[] {
  return Array.from({ length: deg }, (_, k) => (dealer + 1 + k) % n)
}

interface Dealing {
  readonly deg: number
  readonly len: number
}

/**
 * This dealer's shares for every party of fresh random degree-`deg` sharings of `secrets`: seeded
 * recipients' shares come from the pair streams, the others are interpolated through the points
 * (0, secret) and (x_j, seeded share j).
 */
function dealCompressed(s: MpcSession, secrets: FieldVector, deg: number): Map<number, FieldVector> {
  const f = s.field
  const len = f.len(secrets)
  const seeded = seededRecipients(s.n, s.self, deg)
  const seededShares = seeded.map((j) => f.random(len, pairStream(s, s.self, j)))
  const xs = [0n, ...seeded.map(pointOf)]
  const basis = [secrets, ...seededShares]
  const out = new Map<number, FieldVector>()
  for (let k = 0; k < s.n; k++) {
    const idx = seeded.indexOf(k)
    out.set(k, idx >= 0 ? seededShares[idx]! : f.lincomb(lagrangeAtPoints(f, xs, pointOf(k)), basis))
  }
  return out
}

/**
 * Dealt sharings per dealer in one round at most: larger requests run as several rounds, so that each
 * round's vectors stay cache-sized (one pass over a million elements was measured 3x slower per element
 * than passes over 100 k, from cache misses and first-touch page faults).
 */
export const PREP_BLOCK = 1 << 16

/** Copies src into dst starting at element `at` (through byte views: a BigUint64Array `set` goes through BigInt). */
function copyInto(s: MpcSession, dst: FieldVector, at: number, src: FieldVector): void {
  new Uint8Array(dst.buffer, dst.byteOffset + at * s.field.bytes, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength))
}

/** A pool's unused elements followed by room for `fresh` more, in one allocation; the write offset. */
function regrow(s: MpcSession, old: FieldVector | undefined, used: number, fresh: number): [FieldVector, number] {
  const f = s.field
  const keep = old ? f.len(old) - used : 0
  const out = f.zeros(keep + fresh)
  if (old && keep > 0) copyInto(s, out, 0, f.view(old, used))
  return [out, keep]
}

/**
 * Top up both pools so that at least the requested amounts are available: one round, or one per
 * PREP_BLOCK dealt sharings for very large requests. The new pools are allocated once at their final
 * size and every block is copied into place as it is made (issue #14 step 3: collecting the blocks and
 * concatenating them held every element twice, the peak that ran n = 5 out of memory).
 */
export async function preprocess(s: MpcSession, req: PreprocessRequest): Promise<void> {
  const f = s.field
  const haveR = s.randomPool ? f.len(s.randomPool.v) - s.randomPool.used : 0
  const haveD = s.doublePool ? f.len(s.doublePool.t) - s.doublePool.used : 0
  const needR = Math.max(0, (req.randoms ?? 0) - haveR)
  const needD = Math.max(0, (req.doubles ?? 0) - haveD)
  if (needR === 0 && needD === 0) return
  await ensurePairStreams(s)
  const k = s.n - s.t
  // The blocks, as (randoms, doubles) made per step; PRSS (prss.ts, CDI05) makes the same sharings
  // without a dealing round, at least MIN_REFILL at a time, so that a chain of one-element operations
  // does not pay the PRG's per-call cost each time.
  const prss = s.prss?.suits(needR, needD) ? s.prss : undefined
  const steps: [number, number][] = []
  if (prss) {
    const r = needR > 0 ? Math.max(needR, MIN_REFILL) : 0
    const d = needD > 0 ? Math.max(needD, MIN_REFILL) : 0
    for (let off = 0; off < Math.max(r, d); off += PREP_BLOCK) steps.push([Math.max(0, Math.min(PREP_BLOCK, r - off)), Math.max(0, Math.min(PREP_BLOCK, d - off))])
  } else {
    for (let r = needR, d = needD; r > 0 || d > 0; r -= Math.min(r, PREP_BLOCK * k), d -= Math.min(d, PREP_BLOCK * k)) {
      steps.push([Math.min(r, PREP_BLOCK * k), Math.min(d, PREP_BLOCK * k)])
    }
  }
  // What each step yields: PRSS exactly its request, a dealing round whole dealings of k outputs.
  const yieldOf = (want: number): number => (want === 0 ? 0 : prss ? want : k * dealtPerParty(want, k))
  const freshR = steps.reduce((a, [r]) => a + yieldOf(r), 0)
  const freshD = steps.reduce((a, [, d]) => a + yieldOf(d), 0)
  let rv: FieldVector | undefined, rAt = 0
  let tv: FieldVector | undefined, t2v: FieldVector | undefined, dAt = 0
  if (freshR > 0) [rv, rAt] = regrow(s, s.randomPool?.v, s.randomPool?.used ?? 0, freshR)
  if (freshD > 0) {
    [tv, dAt] = regrow(s, s.doublePool?.t, s.doublePool?.used ?? 0, freshD)
    t2v = regrow(s, s.doublePool?.t2, s.doublePool?.used ?? 0, freshD)[0]
  }
  for (const [r, d] of steps) {
    if (prss) {
      // PRSS writes straight into the pools' fresh room: no block vectors to allocate and copy.
      if (r > 0) { prss.randomInto(f.view(rv!, rAt, rAt + r)); rAt += r }
      if (d > 0) { prss.doubleInto(f.view(tv!, dAt, dAt + d), f.view(t2v!, dAt, dAt + d)); dAt += d }
      continue
    }
    const out = await preprocessRound(s, r, d)
    if (out.r) { copyInto(s, rv!, rAt, out.r); rAt += f.len(out.r) }
    if (out.t) { copyInto(s, tv!, dAt, out.t); copyInto(s, t2v!, dAt, out.t2!); dAt += f.len(out.t) }
  }
  if (rv) s.randomPool = { v: rv, m: undefined, used: 0 }
  if (tv) s.doublePool = { t: tv, t2: t2v!, used: 0 }
}

/** Sharings each party deals in one round for `want` outputs (each dealt sharing yields k). */
function dealtPerParty(want: number, k: number): number {
  return Math.ceil(Math.max(want, MIN_REFILL) / k)
}

/** One dealing round producing at least `needR` random and `needD` double sharings (if non-zero). */
async function preprocessRound(s: MpcSession, needR: number, needD: number): Promise<{ r?: FieldVector; t?: FieldVector; t2?: FieldVector }> {
  const f = s.field
  const k = s.n - s.t
  // Dealt sharings per dealer; each yields n − t outputs.
  const bR = needR > 0 ? dealtPerParty(needR, k) : 0
  const bD = needD > 0 ? dealtPerParty(needD, k) : 0
  const dealings: Dealing[] = [{ deg: s.t, len: bR }, { deg: s.t, len: bD }, { deg: 2 * s.t, len: bD }]
  const secretsD = f.random(bD, s.random)
  // The stream draws below must happen in the same order at dealer and recipient: per dealing, in order.
  const mine = [dealCompressed(s, f.random(bR, s.random), s.t), dealCompressed(s, secretsD, s.t), dealCompressed(s, secretsD, 2 * s.t)]
  const sendTo = (p: number) => dealings.flatMap((d, i) => (seededRecipients(s.n, s.self, d.deg).includes(p) ? [] : [mine[i]!.get(p)!]))
  const expectFrom = (d: number) => dealings.reduce((a, x) => a + (seededRecipients(s.n, d, x.deg).includes(s.self) ? 0 : x.len), 0)
  const others = s.others()
  const got = await exchange(s, 'prep', {
    send: new Map(others.flatMap((p) => { const parts = sendTo(p); return parts.length > 0 ? [[p, f.concat(parts)] as const] : [] })),
    receive: new Map(others.flatMap((d) => (expectFrom(d) > 0 ? [[d, expectFrom(d)] as const] : []))),
  })
  // This party's share of each dealer's dealings.
  const received: FieldVector[][] = dealings.map(() => [])
  for (let d = 0; d < s.n; d++) {
    let off = 0
    dealings.forEach((x, i) => {
      let share: FieldVector
      if (d === s.self) share = mine[i]!.get(s.self)!
      else if (seededRecipients(s.n, d, x.deg).includes(s.self)) share = f.random(x.len, pairStream(s, d, s.self))
      else {
        share = f.view(got.get(d)!, off, off + x.len)
        off += x.len
      }
      received[i]![d] = share
    })
  }
  const m = vandermondeMatrix(f, k, s.n)
  return {
    ...(bR > 0 ? { r: f.concat(applyMatrix(f, m, received[0]!)) } : {}),
    ...(bD > 0 ? { t: f.concat(applyMatrix(f, m, received[1]!)), t2: f.concat(applyMatrix(f, m, received[2]!)) } : {}),
  }
}

/** This party's shares of `count` fresh random values (degree t, no MAC). */
export async function takeRandom(s: MpcSession, count: number): Promise<FieldVector> {
  const f = s.field
  if (!s.randomPool || f.len(s.randomPool.v) - s.randomPool.used < count) await preprocess(s, { randoms: count })
  const pool = s.randomPool!
  const out = f.view(pool.v, pool.used, pool.used + count)
  pool.used += count
  return out
}

/** This party's shares of `count` double sharings ([r]_t, [r]_2t). */
export async function takeDoubles(s: MpcSession, count: number): Promise<{ t: FieldVector; t2: FieldVector }> {
  const f = s.field
  if (!s.doublePool || f.len(s.doublePool.t) - s.doublePool.used < count) await preprocess(s, { doubles: count })
  const pool = s.doublePool!
  const out = { t: f.view(pool.t, pool.used, pool.used + count), t2: f.view(pool.t2, pool.used, pool.used + count) }
  pool.used += count
  return out
}
