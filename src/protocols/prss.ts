/**
 * Pseudo-random secret sharing (PRSS) and pseudo-random zero sharing (PRZS): random sharings and
 * double sharings with no communication at all, once keys are set up (Cramer, Damgård, Ishai, "Share
 * Conversion, Pseudorandom Secret-Sharing and Applications to Secure Computation", TCC 2005, §3 (PRSS
 * for Shamir sharing) and §4 (pseudo-random sharings of zero of degree 2t); as used by MPyC's
 * `prss_shares`/`prss_zero_shares`).
 *
 * For every set A of t parties (a maximal unqualified set) the n − t parties outside A share a key K_A.
 * f_A is the degree-t polynomial with f_A(0) = 1 and f_A(x_j) = 0 for j ∈ A. With R_A the next
 * pseudo-random element of K_A's stream, party i's share of the random value r = Σ_A R_A is
 *
 *     r_i = Σ_{A ∌ i} R_A · f_A(x_i)                           (degree t, CDI05 §3)
 *
 * and its share of a degree-2t sharing of zero is
 *
 *     z_i = Σ_{A ∌ i} Σ_{j=1..t} R_{A,j} · x_i^j · f_A(x_i)       (CDI05 §4)
 *
 * so ([r]_t, [r]_t + [0]_2t) is a DN07 double sharing. Privacy against a set C of t parties: the term
 * of A = C comes from a key only honest parties hold; it makes r uniform, and the x^j·f_C(x) (j = 1..t)
 * span every degree-2t polynomial that vanishes at 0 and on C, so [0]_2t looks uniform too.
 *
 * Cost: every party holds C(n−1, t) keys; a random sharing costs that many PRG elements, a double
 * sharing (1 + t) times that. We use it for committees n = 2t + 1 with C(n, t) ≤ PRSS_MAX_SETS (n ≤ 7),
 * for every request when n = 3 and for requests up to PRSS_MAX_DRAWS PRG elements above (`suits`):
 * there the t + 1 honest parties' shares always lie on one degree-t polynomial, so a corrupt key
 * chooser that hands different keys to different parties can only add values it knows to honest
 * shares, which is what a corrupt DN07 dealer can do already (pools.ts); and the cost stays below the
 * dealing round it replaces. Larger or n ≠ 2t + 1 committees keep DN07 dealing (pools.ts).
 *
 * Keys travel in the session's one set-up round (pair-streams.ts): the lowest party outside A draws
 * K_A and sends it to the other parties outside A, all of which have higher indices.
 */
import { createHash } from 'node:crypto'
import type { Field, FieldVector, RandomSource } from '../field/types.ts'
import { bytesOf } from '../field/kernel.ts'
import { pointOf } from '../sharing/params.ts'
import { aesCtrStream } from './prg.ts'

/** Largest number of key sets C(n, t) for which PRSS replaces the dealing round (C(7, 3) = 35). */
export const PRSS_MAX_SETS = 35
/** Field elements of one key (4 · 61 ≥ 244 bits of entropy in p61). */
export const PRSS_KEY_ELEMENTS = 4
/**
 * Above n = 3, PRSS costs more computation per sharing than DN07 dealing (measured in-process, all
 * parties' CPU for 100 k doubles + 50 k randoms: n = 3 PRSS 38–57 ms vs DN07 60–75 ms; n = 5 205–224 vs
 * 141–152; n = 7 1 180–1 243 vs 247–261), so there it is used only while the PRG work it costs a party
 * (this many elements) stays below the price of the round it saves; bigger requests are dealt.
 */
export const PRSS_MAX_DRAWS = 1 << 15
/**
 * Long requests are generated in chunks of this many elements. The fused sampling (`randomAxpy`) needs
 * no temporary per chunk any more; the chunks stay because they fix the order in which a key's stream
 * is consumed when it feeds t > 1 zero-sharing terms (chunk by chunk, term by term), and every party
 * must consume it in the same order.
 */
const PRSS_CHUNK = 1 << 16

/** Zeroes a vector through a byte view (a BigUint64Array `fill(0n)` goes element by element through BigInt). */
const zeroFill = (v: FieldVector): void => { bytesOf(v).fill(0) }

function binomial(n: number, k: number): number {
  let r = 1
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i
  return Math.round(r)
}

/** Whether sessions of this committee make their random and double sharings by PRSS. */
export function usesPrss(n: number, t: number): boolean {
  return n === 2 * t + 1 && binomial(n, t) <= PRSS_MAX_SETS
}

/** Every t-subset of {0..n−1}, in lexicographic order (the order keys are sent in). */
export function prssSets(n: number, t: number): number[][] {
  const out: number[][] = []
  const walk = (start: number, acc: number[]): void => {
    if (acc.length === t) { out.push([...acc]); return }
    for (let i = start; i < n; i++) walk(i + 1, [...acc, i])
  }
  walk(0, [])
  return out
}

/** The party that draws K_A: the lowest party outside A. */
export function prssChooser(set: readonly number[], n: number): number {
  for (let i = 0; i < n; i++) if (!set.includes(i)) return i
  throw new Error('prssChooser: A covers every party')
}

/** The PRG stream of key K_A (every holder derives the same). */
export function prssStream(key: Uint8Array, set: readonly number[]): RandomSource {
  return aesCtrStream(createHash('sha256').update(key).update(`enigma-prss-v1:${set.join(',')}`).digest())
}

/** f_A(x_i) = Π_{j ∈ A} (x_j − x_i) / x_j: 1 at 0, 0 on A (CDI05 §3). */
export function prssCoefficient(field: Field, set: readonly number[], party: number): bigint {
  const x = pointOf(party)
  let coef = 1n
  for (const j of set) coef = field.mulS(coef, field.mulS(field.subS(pointOf(j), x), field.invS(pointOf(j))))
  return coef
}

/**
 * Indices (in prssSets order) of the key sets whose key `chooser` sends to `to` in the set-up round:
 * the sets whose lowest outsider is `chooser` and which do not contain `to`.
 */
export function prssKeysSent(n: number, t: number, chooser: number, to: number): number[] {
  if (!usesPrss(n, t)) return []
  return prssSets(n, t).flatMap((set, k) => (prssChooser(set, n) === chooser && !set.includes(to) ? [k] : []))
}

interface PrssKey {
  readonly stream: RandomSource
  /** f_A(x_self). */
  readonly coef: bigint
  /** x_self^j · f_A(x_self) for j = 1..t: the coefficients of its PRZS terms (CDI05 §4). */
  readonly zeroCoefs: readonly bigint[]
}

/** One party's PRSS keys for one session. */
export class PrssState {
  readonly #field: Field
  readonly #t: number
  readonly #keys: PrssKey[]

  /** `keys` maps the index of each set A ∌ self (in prssSets order) to its key bytes. */
  constructor(field: Field, n: number, t: number, self: number, keys: ReadonlyMap<number, Uint8Array>) {
    this.#field = field
    this.#t = t
    const x = pointOf(self)
    const powers = Array.from({ length: t }, (_, j) => field.powS(x, BigInt(j + 1)))
    this.#keys = prssSets(n, t).flatMap((set, k) => {
      if (set.includes(self)) return []
      const key = keys.get(k)
      if (key === undefined) throw new Error(`PrssState: no key for set ${k}`)
      const coef = prssCoefficient(field, set, self)
      return [{ stream: prssStream(key, set), coef, zeroCoefs: powers.map((pw) => field.mulS(pw, coef)) }]
    })
  }

  /**
   * Whether to make this request by PRSS (else by a DN07 dealing round): always for t = 1, where it is
   * also the cheaper computation, else while it costs at most PRSS_MAX_DRAWS PRG elements. Depends only
   * on public values, so every party decides alike.
   */
  suits(randoms: number, doubles: number): boolean {
    return this.#t === 1 || this.#keys.length * (randoms + (1 + this.#t) * doubles) <= PRSS_MAX_DRAWS
  }

  /** This party's shares of `len` fresh random degree-t sharings. */
  random(len: number): FieldVector {
    const out = this.#field.zeros(len)
    this.randomInto(out)
    return out
  }

  /** As `random(len(out))`, written into `out` (e.g. straight into a preprocessing pool). */
  randomInto(out: FieldVector): void {
    zeroFill(out)
    this.#accumulate(out, (k) => [k.coef])
  }

  /** This party's shares of `len` double sharings ([r]_t, [r]_2t). */
  double(len: number): { t: FieldVector; t2: FieldVector } {
    const d = { t: this.#field.zeros(len), t2: this.#field.zeros(len) }
    this.doubleInto(d.t, d.t2)
    return d
  }

  /**
   * As `double(len(t))`, written into `t` and `t2`. [r]_2t = [r]_t + [0]_2t, with the zero sharing's
   * terms added straight onto a copy of [r]_t. The zero sharing takes t stream elements per key per
   * sharing, as in CDI05 §4 and MPyC's `pseudorandom_share_zero` (n·d PRF outputs per key, d = t):
   * fewer do not suffice, since the term of the key K_C that the t corrupt parties lack must be
   * uniform over the t-dimensional space of degree-2t polynomials that vanish at 0 and on C.
   */
  doubleInto(t: FieldVector, t2: FieldVector): void {
    this.randomInto(t)
    bytesOf(t2).set(bytesOf(t))
    this.#accumulate(t2, (k) => k.zeroCoefs)
  }

  /**
   * acc += Σ over keys, in order, of Σ_j coefs(key)[j] · (next stream vector), chunk by chunk
   * (PRSS_CHUNK). Each stream vector is sampled and multiplied into acc in one pass (`randomAxpy`,
   * which consumes the stream exactly as `random` does), with no intermediate vector.
   */
  #accumulate(acc: FieldVector, coefs: (k: PrssKey) => readonly bigint[]): void {
    const f = this.#field
    const len = f.len(acc)
    for (let off = 0; off < len; off += PRSS_CHUNK) {
      const part = f.view(acc, off, Math.min(len, off + PRSS_CHUNK))
      for (const k of this.#keys) for (const c of coefs(k)) f.randomAxpy(c, part, k.stream)
    }
  }
}
