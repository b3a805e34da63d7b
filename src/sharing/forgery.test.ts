/**
 * Issue #9, defect 1 (forged private outputs): with n = 5, t = 2, two colluding parties send shares on
 * a degree-2 polynomial g through two honest shares with g(0) chosen by them. Four of five shares then
 * lie on g; a decoder whose budget ignores t "corrects" the third honest share and returns g(0). A
 * value may be accepted only when t corrupt shares cannot have chosen it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { referenceP61, p61 } from '../field/index.ts'
import type { FieldVector } from '../field/types.ts'
import { forgeShares } from './forge.test-util.ts'
import { split } from './shamir.ts'
import { reconstructChecked, correctableErrors, minSharesToDetermine } from './reconstruct-checked.ts'

for (const [kind, f] of [['reference', referenceP61], ['kernel', p61]] as const) {
  test(`${f.name} (${kind}): n=5 t=2 — two colluders on a polynomial through two honest shares cannot forge the value`, () => {
    const n = 5, t = 2
    const secret = f.fromBigInts([1234n, 99n, 0n])
    for (const [through, colluders] of [[[0, 1], [3, 4]], [[2, 4], [0, 1]], [[1, 3], [2, 4]]] as const) {
      const shares = split(f, secret, n, t)
      const forged = forgeShares(f, shares, through, colluders, 666n)
      const sent: (FieldVector | null)[] = shares.map((s, p) => forged.get(p) ?? s)
      for (const correct of [true, false]) {
        assert.throws(() => reconstructChecked(f, sent, t, { t, correct }), { code: 'SHARING_INCONSISTENT' },
          `colluders ${colluders} through ${through} (correct: ${correct}) must not be accepted`)
      }
    }
  })

  test(`${f.name} (${kind}): with fewer than degree+1+t shares nothing is accepted, even if they agree`, () => {
    const n = 5, t = 2
    const shares = split(f, f.fromBigInts([7n]), n, t)
    const forged = forgeShares(f, shares, [0], [3, 4], 666n) // degree 2 through honest share 0
    // Only parties 0, 3, 4 answer (t+1 = 3 shares): they lie on one degree-2 polynomial with secret 666.
    const sent = [shares[0]!, null, null, forged.get(3)!, forged.get(4)!]
    assert.throws(() => reconstructChecked(f, sent, t, { t, correct: true }), { code: 'SHARING_UNDETERMINED' })
    assert.throws(() => reconstructChecked(f, [...shares.slice(0, 4), null], t, { t }), { code: 'SHARING_UNDETERMINED' })
  })
}

test('the correction budget follows t: P ≥ d + 1 + t + e', () => {
  assert.equal(minSharesToDetermine(2, 2), 5)
  assert.equal(minSharesToDetermine(4, 2), 7) // degree 2t needs 3t + 1 shares
  assert.equal(correctableErrors(5, 2, 2), 0)
  assert.equal(correctableErrors(6, 2, 2), 1)
  assert.equal(correctableErrors(7, 2, 2), 2)
  assert.equal(correctableErrors(4, 1, 1), 1)
  assert.equal(correctableErrors(10, 3, 3), 3)
  assert.equal(correctableErrors(13, 3, 3), 3) // never more than t
})

test('n=4 t=1: one wrong share is corrected and named (4 ≥ 3t + 1), two are refused', () => {
  const f = p61
  const secret = f.fromBigInts([5n, 6n])
  const shares = split(f, secret, 4, 1)
  const sent = shares.map((s) => f.slice(s, 0))
  f.set(sent[2]!, 1, 77n)
  const r = reconstructChecked(f, sent, 1, { t: 1, correct: true })
  assert.ok(f.equal(r.secrets, secret))
  assert.deepEqual(r.corrected, [2])
  // A second wrong share on another element: more than t wrong parties, refused.
  f.set(sent[0]!, 0, 1n)
  assert.throws(() => reconstructChecked(f, sent, 1, { t: 1, correct: true }), { code: 'SHARING_INCONSISTENT' })
})
