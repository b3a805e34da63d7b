/**
 * PRSS / PRZS (prss.ts, Cramer–Damgård–Ishai 2005): random and double sharings without a dealing
 * round. Equivalence: the shares are consistent sharings of the right degree, the double sharing's two
 * halves share one secret, and no round is spent after the set-up round. Red team: t colluding
 * parties who pool every key they hold or saw on the wire know every key but K_C, and cannot compute
 * the random values; with K_C added (positive control) the same computation gives them exactly.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61, p127 } from '../field/index.ts'
import type { Field, FieldVector } from '../field/types.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { reconstruct } from '../sharing/shamir.ts'
import { runParties } from './harness.test-util.ts'
import { preprocess, takeDoubles, takeRandom } from './pools.ts'
import { SEED_ELEMENTS } from './pair-streams.ts'
import { PRSS_KEY_ELEMENTS, PrssState, prssCoefficient, prssKeysSent, prssSets, prssStream, usesPrss } from './prss.ts'
import { pointOf } from '../sharing/params.ts'

const all = (n: number) => Array.from({ length: n }, (_, i) => i)

for (const f of [p61, p127] as Field[]) {
  for (const [n, t] of [[3, 1], [5, 2], [7, 3]] as const) {
    test(`${f.name} n=${n} t=${t}: PRSS random and double sharings are consistent, share one secret per pair, and cost no round`, async () => {
      assert.ok(usesPrss(n, t))
      const N = 300
      const out = await runParties({ field: f, n, t, security: 'semi-honest' }, async (s) => {
        await preprocess(s, { randoms: 1 }) // the set-up round
        const before = s.stats.rounds
        const r = await takeRandom(s, N)
        const d = await takeDoubles(s, N)
        return { r: f.slice(r, 0), t1: f.slice(d.t, 0), t2: f.slice(d.t2, 0), rounds: s.stats.rounds - before }
      })
      for (const o of out) assert.equal(o.rounds, 0, 'no round after set-up')
      checkConsistent(f, out.map((o) => o.r), t, t)
      checkConsistent(f, out.map((o) => o.t1), t, t)
      const r = reconstruct(f, out.map((o) => o.r), all(n), t)
      const s1 = reconstruct(f, out.map((o) => o.t1), all(n), t)
      const s2 = reconstruct(f, out.map((o) => o.t2), all(n), 2 * t)
      assert.ok(f.equal(s1, s2), 'both halves of every double sharing hold the same secret')
      // Degree 2t exactly where it must be: with n = 2t + 1 every share is needed; a degree-t
      // reconstruction from t + 1 of them gives another value (the zero sharing is not degree t).
      assert.ok(!f.equal(reconstruct(f, out.map((o) => o.t2).slice(0, t + 1), all(t + 1), t), s1), 'the degree-2t half is not a degree-t sharing')
      // Random-looking: distinct values, not the trivial sharing.
      assert.equal(new Set(f.toBigInts(r)).size, N)
      assert.equal(new Set(f.toBigInts(s1)).size, N)
    })
  }
}

test('n=5: a request too large for PRSS to pay off is dealt by DN07 in one round, still consistent; n=3 never deals', async () => {
  const f = p61
  for (const [n, t, rounds] of [[5, 2, 1], [3, 1, 0]] as const) {
    const N = 20_000
    const out = await runParties({ field: f, n, t, security: 'semi-honest' }, async (s) => {
      await preprocess(s, { randoms: 1 })
      const before = s.stats.rounds
      const d = await takeDoubles(s, N)
      return { t1: f.slice(d.t, 0), t2: f.slice(d.t2, 0), rounds: s.stats.rounds - before }
    })
    for (const o of out) assert.equal(o.rounds, rounds)
    checkConsistent(f, out.map((o) => o.t1), t, t)
    assert.ok(f.equal(reconstruct(f, out.map((o) => o.t1), all(n), t), reconstruct(f, out.map((o) => o.t2), all(n), 2 * t)))
  }
})

test('committees that are not n = 2t + 1, or too large, keep DN07 dealing', () => {
  assert.equal(usesPrss(4, 1), false)
  assert.equal(usesPrss(9, 4), false)
  assert.equal(usesPrss(7, 2), false)
  assert.equal(usesPrss(7, 3), true)
})

/** Keys K_A party `c` holds or sees: in every set-up frame to or from it, by set index. */
function keysSeenBy(f: Field, n: number, t: number, frames: { from: number; to: number; payload: FieldVector }[], who: (from: number, to: number) => boolean) {
  const keys = new Map<number, Uint8Array>()
  for (const fr of frames) {
    if (!who(fr.from, fr.to)) continue
    prssKeysSent(n, t, fr.from, fr.to).forEach((k, i) => {
      const off = SEED_ELEMENTS + i * PRSS_KEY_ELEMENTS
      keys.set(k, f.encode(f.view(fr.payload, off, off + PRSS_KEY_ELEMENTS)))
    })
  }
  return keys
}

for (const [n, t] of [[3, 1], [5, 2]] as const) {
  test(`red team n=${n} t=${t}: colluders pooling every key they see know all keys but K_C and cannot compute the random values`, async () => {
    const f = p61
    const N = 64
    const frames: { from: number; to: number; payload: FieldVector }[] = []
    const out = await runParties({
      field: f, n, t, security: 'semi-honest',
      tamper: (from, to, label, payload) => {
        if (label.startsWith('pair-seeds')) frames.push({ from, to, payload: f.decode(payload) })
        return undefined
      },
    }, async (s) => f.slice(await takeRandom(s, N), 0))
    const r = reconstruct(f, out, all(n), t)
    const sets = prssSets(n, t)
    for (const [ci, C] of sets.entries()) {
      const known = keysSeenBy(f, n, t, frames, (from, to) => C.includes(from) || C.includes(to))
      const expected = sets.flatMap((A, k) => (A.every((a) => C.includes(a)) && A.length === C.length ? [] : [k]))
      assert.deepEqual([...known.keys()].sort((a, b) => a - b), expected, `colluders ${C} know exactly the keys of the sets other than their own`)
      // Their best estimate of r: Σ R_A over the keys they know (f_A(0) = 1). The missing R_C hides r.
      const partial = f.zeros(N)
      for (const [k, key] of known) f.add(partial, f.random(N, prssStream(key, sets[k]!)), partial)
      for (let j = 0; j < N; j++) assert.notEqual(f.get(partial, j), f.get(r, j), `colluders ${C} computed random value ${j}`)
      // Positive control: with K_C (from a frame between honest parties) the same sum is r exactly.
      const withC = keysSeenBy(f, n, t, frames, () => true)
      assert.ok(withC.has(ci))
      const full = f.add(partial, f.random(N, prssStream(withC.get(ci)!, C)))
      assert.ok(f.equal(full, r), 'all keys together give every random value')
    }
  })
}

/**
 * The sampling before the fused kernel (a fresh `random` vector per key and term, added with `axpy`,
 * chunks of 2^16 concatenated), kept here as the oracle: PrssState with `randomAxpy` must give every
 * party bit-identical sharings, or parties of mixed versions (and the consistency of PRSS itself,
 * which needs every holder of a key to draw the same values) would break.
 */
function unfusedPrss(f: Field, n: number, t: number, self: number, keys: ReadonlyMap<number, Uint8Array>) {
  const CHUNK = 1 << 16
  const held = prssSets(n, t).flatMap((set, k) => (set.includes(self) ? [] : [{ stream: prssStream(keys.get(k)!, set), coef: prssCoefficient(f, set, self) }]))
  const powers = Array.from({ length: t }, (_, j) => f.powS(pointOf(self), BigInt(j + 1)))
  const combine = (m: number, coefs: (k: (typeof held)[number]) => bigint[]): FieldVector => {
    const acc = f.zeros(m)
    for (const k of held) for (const c of coefs(k)) f.axpy(c, f.random(m, k.stream), acc)
    return acc
  }
  const chunked = (len: number, make: (m: number) => FieldVector): FieldVector => {
    if (len <= CHUNK) return make(len)
    const parts: FieldVector[] = []
    for (let off = 0; off < len; off += CHUNK) parts.push(make(Math.min(CHUNK, len - off)))
    return f.concat(parts)
  }
  const random = (len: number): FieldVector => chunked(len, (m) => combine(m, (k) => [k.coef]))
  return {
    random,
    double: (len: number) => {
      const r = random(len)
      const zero = chunked(len, (m) => combine(m, (k) => powers.map((pw) => f.mulS(pw, k.coef))))
      return { t: r, t2: f.add(r, zero, zero) }
    },
  }
}

for (const f of [p61, p127] as Field[]) {
  test(`${f.name}: fused PRSS sampling gives bit-identical sharings to the unfused path (n = 3, 5; chunk-crossing lengths)`, () => {
    for (const [n, t] of [[3, 1], [5, 2]] as const) {
      const keys = new Map(prssSets(n, t).map((_, k) => [k, new Uint8Array(32).fill(k + 1).map((b, i) => b ^ (i * 37))] as const))
      for (const self of [0, n - 1]) {
        const fused = new PrssState(f, n, t, self, keys)
        const plain = unfusedPrss(f, n, t, self, keys)
        // Interleaved requests of many sizes: every later request depends on where each stream stopped.
        for (const [kind, len] of [['double', 300], ['random', 1], ['random', 0], ['double', 17], ['double', (1 << 16) + 5], ['random', 70_000], ['double', 1]] as const) {
          // Odd lengths go through the *Into forms, into views of a buffer holding stale values (as a
          // pool's room may): they must overwrite, not add to, what is there.
          const into = len % 2 === 1
          const stale = (): FieldVector => f.fill(len + 3, f.p - 1n)
          if (kind === 'random') {
            let got: FieldVector
            if (into) { got = f.view(stale(), 2, 2 + len); fused.randomInto(got) } else got = fused.random(len)
            assert.ok(f.equal(got, plain.random(len)), `${n}/${self}: random(${len})`)
          } else {
            let a: { t: FieldVector; t2: FieldVector }
            if (into) { a = { t: f.view(stale(), 1, 1 + len), t2: f.view(stale(), 3, 3 + len) }; fused.doubleInto(a.t, a.t2) } else a = fused.double(len)
            const b = plain.double(len)
            assert.ok(f.equal(a.t, b.t) && f.equal(a.t2, b.t2), `${n}/${self}: double(${len})`)
          }
        }
      }
    }
  })
}
