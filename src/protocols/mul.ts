/**
 * Secure multiplication by degree reduction with double random sharings (Damgård–Nielsen 2007, §5):
 * each party computes d = x·y + r (its degree-2t share of xy + r, with ([r]_t, [r]_2t) from
 * preprocessing), the value xy + r is opened, and [xy]_t = (xy + r) − [r]_t.
 *
 * Two ways to open d:
 * - rotating king (DN07): the vector is cut into n chunks, chunk k is opened to party k (the king),
 *   who reconstructs it from 2t+1 shares and sends the values back to all. Two rounds; per party
 *   ≈ 2(n−1)/n elements per multiplication, constant in n, and the load is balanced.
 * - all-to-all: every party sends d to every other: one round, n−1 elements each. Used for short
 *   vectors, where rounds matter more than bytes (comparisons are round-bound).
 *
 * Semi-honest security: the opened xy + r is uniformly masked. Malicious security: DN07 is secure up
 * to an additive attack (Genkin et al. 2014; Chida et al. 2018, §3), which the MAC check catches;
 * see mac.ts.
 */
import { check } from '../common/errors.ts'
import type { FieldVector } from '../field/types.ts'
import { reconstruct } from '../sharing/shamir.ts'
import { lagrangeCoefficients } from '../sharing/lagrange.ts'
import { exchange } from './exchange.ts'
import { takeDoubles } from './pools.ts'
import { recordForCheck } from './mac.ts'
import type { MpcSession, Shared } from './session.ts'
import { keyVector } from './linear.ts'

function chunkBounds(len: number, n: number, k: number): [number, number] {
  return [Math.floor((k * len) / n), Math.floor(((k + 1) * len) / n)]
}

/**
 * Longer vectors are multiplied in blocks of this many elements, one after another: each block's
 * preprocessing, products and frames then stay within cache and reuse freed memory, where one pass over
 * a million elements spent most of its time in cache misses and first-touch page faults (measured,
 * 3 parties on loopback: 1.5 M/s at 100 k elements in one pass, 0.76 M/s at 1 M). A few extra rounds
 * cost far less than that.
 */
export const MUL_BLOCK = 1 << 17

/** Multiply raw share vectors (degree t each) into a degree-t sharing of the product. */
export async function mulRaw(s: MpcSession, x: FieldVector, y: FieldVector): Promise<FieldVector> {
  const out = s.field.zeros(s.field.len(x))
  await mulRawInto(s, [x], [y], [out])
  return out
}

/**
 * outs[j] := xs[j]·ys[j] (raw degree-t shares; all vectors of one length) for every j in the same
 * rounds, as blocks of at most MUL_BLOCK elements over all pairs. Each block reads views of the
 * operands and writes views of the outputs: no whole-length intermediate vector (malicious mode's
 * value-and-MAC pairs were concatenated into double-length copies before, issue #14 step 3).
 */
export async function mulRawInto(s: MpcSession, xs: readonly FieldVector[], ys: readonly FieldVector[], outs: readonly FieldVector[]): Promise<void> {
  const f = s.field
  const len = f.len(xs[0]!)
  for (let j = 0; j < xs.length; j++) {
    // The message is built only on failure: one-element products are a round-bound program's hot path.
    if (!(xs[j]!.length === xs[0]!.length && ys[j]!.length === xs[0]!.length && outs[j]!.length === xs[0]!.length)) {
      check(false, 'mul', `vector lengths differ: ${f.len(xs[j]!)}, ${f.len(ys[j]!)} and ${f.len(outs[j]!)} (pair ${j}), ${len} (pair 0)`)
    }
  }
  const step = Math.max(1, Math.floor(MUL_BLOCK / xs.length))
  if (len <= step) return mulBlock(s, xs, ys, outs) // one block: the operands themselves, no views
  for (let off = 0; off < len; off += step) {
    const end = Math.min(len, off + step)
    const part = (vs: readonly FieldVector[]) => vs.map((v) => (off === 0 && end === len ? v : f.view(v, off, end)))
    await mulBlock(s, part(xs), part(ys), part(outs))
  }
}

/** One block: outs[j] := xs[j]·ys[j], all parts of equal length m, opened together. */
async function mulBlock(s: MpcSession, xs: readonly FieldVector[], ys: readonly FieldVector[], outs: readonly FieldVector[]): Promise<void> {
  const f = s.field
  const m = f.len(xs[0]!)
  const len = m * xs.length
  if (len === 0) return
  const r = await takeDoubles(s, len)
  // d = x·y + r (degree 2t), written part by part into one vector (the frames send it whole).
  const d = xs.length === 1 ? f.muladd(xs[0]!, ys[0]!, r.t2) : f.zeros(len)
  if (xs.length > 1) xs.forEach((x, j) => f.muladd(x, ys[j]!, f.view(r.t2, j * m, (j + 1) * m), f.view(d, j * m, (j + 1) * m)))
  const deg = 2 * s.t
  let opened: FieldVector
  if (len < s.kingThreshold) {
    const send = new Map<number, FieldVector>()
    const receive = new Map<number, number>()
    for (const p of s.others()) { send.set(p, d); receive.set(p, len) }
    const got = await exchange(s, 'mul', { send, receive })
    got.set(s.self, d)
    // Parties 0..2t always answer here (the exchange returns every sender or throws): their Lagrange
    // vector is computed once per session, which matters for the many one-element products of a
    // round-bound program (a per-call lookup was ~8 % of a one-element round's CPU, issue #14).
    const coeffs = (s.productLagrange ??= lagrangeCoefficients(f, Array.from({ length: deg + 1 }, (_, i) => i)))
    const shares: FieldVector[] = []
    for (let p = 0; p <= deg; p++) shares.push(got.get(p)!)
    opened = f.lincomb(coeffs, shares, xs.length === 1 ? outs[0] : undefined)
  } else {
    const others = s.others()
    const [myStart, myEnd] = chunkBounds(len, s.n, s.self)
    const toKing = await exchange(s, 'mul-king', {
      send: new Map(others.map((k) => { const [a, b] = chunkBounds(len, s.n, k); return [k, f.view(d, a, b)] })),
      receive: new Map(others.map((p) => [p, myEnd - myStart])),
    })
    toKing.set(s.self, f.view(d, myStart, myEnd))
    const parties = [...toKing.keys()].sort((a, b) => a - b).slice(0, deg + 1)
    const mine = reconstruct(f, parties.map((p) => toKing.get(p)!), parties, deg)
    const fromKings = await exchange(s, 'mul-back', {
      send: new Map(others.map((p) => [p, mine])),
      receive: new Map(others.map((k) => { const [a, b] = chunkBounds(len, s.n, k); return [k, b - a] })),
    })
    fromKings.set(s.self, mine)
    opened = f.concat(Array.from({ length: s.n }, (_, k) => fromKings.get(k)!))
  }
  s.stats.multiplications += len
  // [xy]_t = (xy + r) − [r]_t, straight into the outputs.
  if (xs.length === 1) f.sub(opened, r.t, outs[0])
  else outs.forEach((o, j) => f.sub(f.view(opened, j * m, (j + 1) * m), f.view(r.t, j * m, (j + 1) * m), o))
}

/**
 * [x·y] for shared vectors. In malicious mode the same degree reduction also computes
 * [r·x·y] = [r·x]·[y] in the same rounds, and logs the pair for the final check.
 */
export async function mul(s: MpcSession, a: Shared, b: Shared): Promise<Shared> {
  const f = s.field
  if (!s.malicious) return { v: await mulRaw(s, a.v, b.v), m: undefined }
  check(a.m !== undefined && b.m !== undefined, 'mul', 'malicious mode needs MAC shares on both operands')
  const len = f.len(a.v)
  const out = { v: f.zeros(len), m: f.zeros(len) }
  await mulRawInto(s, [a.v, a.m], [b.v, b.v], [out.v, out.m])
  recordForCheck(s, out)
  return out
}

/** Square: [x²] (one multiplication). */
export function square(s: MpcSession, a: Shared): Promise<Shared> {
  return mul(s, a, a)
}

/** MAC shares for raw degree-t share vectors: [r·x] = [r]·[x]; logs the pair (malicious mode only). */
export async function authenticate(s: MpcSession, v: FieldVector): Promise<Shared> {
  if (!s.malicious) return { v, m: undefined }
  const m = await mulRaw(s, keyVector(s, s.field.len(v)), v)
  const out = { v, m }
  recordForCheck(s, out)
  return out
}
