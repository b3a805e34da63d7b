/**
 * Preprocessing: batches of random sharings and double random sharings ([r]_t, [r]_2t), produced by
 * DN07 extraction (Damgård–Nielsen 2007, §4): in one round every party deals fresh random sharings to
 * all, and each party applies the same (n−t)×n Vandermonde matrix to what it received, yielding n−t
 * outputs per dealt sharing that no t parties can predict. Cost per output per party: (n−1)/(n−t)
 * elements sent for a random sharing, twice that for a double sharing; one round for any amount.
 */
import type { FieldVector } from '../field/types.ts'
import { split } from '../sharing/shamir.ts'
import { applyMatrix, vandermondeMatrix } from '../sharing/extraction.ts'
import { exchange } from './exchange.ts'
import type { MpcSession } from './session.ts'

/** Minimum refill, so that many small requests do not each cost a round. */
const MIN_REFILL = 64

export interface PreprocessRequest {
  readonly randoms?: number
  readonly doubles?: number
}

/** Top up both pools so that at least the requested amounts are available, in one round. */
export async function preprocess(s: MpcSession, req: PreprocessRequest): Promise<void> {
  const f = s.field
  const haveR = s.randomPool ? f.len(s.randomPool.v) - s.randomPool.used : 0
  const haveD = s.doublePool ? f.len(s.doublePool.t) - s.doublePool.used : 0
  const needR = Math.max(0, (req.randoms ?? 0) - haveR)
  const needD = Math.max(0, (req.doubles ?? 0) - haveD)
  if (needR === 0 && needD === 0) return
  const k = s.n - s.t
  // Dealt sharings per dealer; each yields n − t outputs.
  const bR = needR > 0 ? Math.ceil(Math.max(needR, MIN_REFILL) / k) : 0
  const bD = needD > 0 ? Math.ceil(Math.max(needD, MIN_REFILL) / k) : 0
  const secretsR = f.random(bR, s.random)
  const secretsD = f.random(bD, s.random)
  const sharesR = split(f, secretsR, s.n, s.t, s.random)
  const sharesT = split(f, secretsD, s.n, s.t, s.random)
  const shares2T = split(f, secretsD, s.n, 2 * s.t, s.random)
  const bundle = (p: number): FieldVector => f.concat([sharesR[p]!, sharesT[p]!, shares2T[p]!])
  const width = bR + 2 * bD
  const others = s.others()
  const got = await exchange(s, 'prep', {
    send: new Map(others.map((p) => [p, bundle(p)])),
    receive: new Map(others.map((p) => [p, width])),
  })
  got.set(s.self, bundle(s.self))
  const parts = (off: number, len: number): FieldVector[] =>
    Array.from({ length: s.n }, (_, p) => f.view(got.get(p)!, off, off + len))
  const m = vandermondeMatrix(f, k, s.n)
  if (bR > 0) {
    const fresh = f.concat(applyMatrix(f, m, parts(0, bR)))
    s.randomPool = appendPool(s, s.randomPool?.v, s.randomPool?.used ?? 0, fresh)
  }
  if (bD > 0) {
    const freshT = f.concat(applyMatrix(f, m, parts(bR, bD)))
    const fresh2T = f.concat(applyMatrix(f, m, parts(bR + bD, bD)))
    const old = s.doublePool
    s.doublePool = {
      t: old ? f.concat([f.view(old.t, old.used), freshT]) : freshT,
      t2: old ? f.concat([f.view(old.t2, old.used), fresh2T]) : fresh2T,
      used: 0,
    }
  }
}

function appendPool(s: MpcSession, old: FieldVector | undefined, used: number, fresh: FieldVector) {
  const f = s.field
  return { v: old ? f.concat([f.view(old, used), fresh]) : fresh, m: undefined, used: 0 }
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
