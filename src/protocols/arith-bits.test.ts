/**
 * Privacy of the random bits every masked protocol (comparisons, bit decomposition, truncation,
 * division) is built on. randomBits (bits.ts, Damgård et al. 2006 §3) opens a² for a random shared a.
 * If the opened sharing of a² is the raw local product f(x)² of a's sharing polynomial f, then one
 * party that sees all n shares interpolates h = f², gets f up to sign, fixes the sign with its own
 * share f(x_i), and so learns a and the bit b = (a/√(a²) + 1)/2. The opened sharing must be
 * re-randomised (DN07: a² + [ρ]_2t − [ρ]_t) so that it reveals a² only.
 *
 * This test plays a semi-honest party 0 (n = 3, t = 1): from its own view only (its shares, the
 * frames it receives, the opened squares) it predicts the bits. It must be right about half the
 * time, not always.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../field/index.ts'
import { runParties } from './harness.test-util.ts'
import { randomBits, output, preprocess } from './index.ts'

test('semi-honest randomBits: one party cannot predict the bits from its view (opened squares are re-randomised)', async () => {
  const f = p61
  const count = 64
  const seen = new Map<number, bigint[]>() // x-coordinate → the shares of a² party 0 received
  const results = await runParties({
    field: f, n: 3, t: 1, security: 'semi-honest',
    tamper: (from, to, label, payload) => {
      if (to === 0 && label.includes('bits#')) seen.set(from + 1, f.toBigInts(f.decode(payload)))
      return undefined
    },
  }, async (s) => {
    await preprocess(s, { randoms: count, doubles: count })
    const pool = s.randomPool!
    const ownA = f.toBigInts(f.slice(pool.v, pool.used, pool.used + count)) // the shares randomBits will take
    const b = await randomBits(s, count)
    return { ownA, bits: f.toBigInts(await output(s, b)) }
  })
  assert.equal(seen.size, 2, 'party 0 received the square shares of parties 1 and 2')
  const half = f.invS(2n)
  const sqrt = (x: bigint) => f.powS(x, (f.p + 1n) / 4n)
  const { ownA, bits } = results[0]!
  let right = 0
  for (let j = 0; j < count; j++) {
    const a1 = ownA[j]! // f(1), party 0's share of a
    const y1 = f.mulS(a1, a1)
    const y2 = seen.get(2)![j]!
    const y3 = seen.get(3)![j]!
    // h(x) = h0 + h1·x + h2·x² through (1, y1), (2, y2), (3, y3); for the raw product h = f², f = a + c·x.
    const h2 = f.mulS(f.addS(f.subS(y1, f.mulS(2n, y2)), y3), half)
    const h1 = f.subS(f.subS(y2, y1), f.mulS(3n, h2))
    const h0 = f.subS(f.subS(y1, h1), h2) // the opened a²
    const root = sqrt(h0)
    let predicted: bigint | undefined
    for (const c of [sqrt(h2), f.negS(sqrt(h2))]) {
      if (c === 0n) continue
      const a = f.mulS(h1, f.invS(f.mulS(2n, c)))
      if (f.addS(a, c) === a1) predicted = f.mulS(f.addS(f.mulS(a, f.invS(root)), 1n), half)
    }
    if (predicted === bits[j]) right++
  }
  assert.ok(right < count * 0.8, `party 0 predicted ${right} of ${count} random bits from its own view`)
})
