import { test } from 'node:test'
import assert from 'node:assert/strict'
import { referenceP61, referenceP127 } from '../field/reference.ts'
import type { Field, FieldVector } from '../field/types.ts'
import {
  split, reconstruct, reconstructChecked, checkConsistent, berlekampWelch, extractRandom, vandermondeMatrix,
  hyperInvertibleMatrix, lagrangeCoefficients, checkCommitteeParams, splitWithCoefficients, interpolateShare, evalPoly,
  maskedCombination,
} from './index.ts'

const fields: Field[] = [referenceP61, referenceP127]
const committees = [[3, 1], [5, 2], [7, 3], [4, 1], [10, 3]] as const

function edgeAndRandom(f: Field, n: number): FieldVector {
  const edges = [0n, 1n, 2n, f.p - 1n, f.p - 2n, (1n << 32n) - 1n, 1n << 32n, f.p / 2n]
  const v = f.random(n)
  edges.forEach((e, i) => { if (i < n) f.set(v, i, e) })
  return v
}

for (const f of fields) {
  test(`${f.name}: split then reconstruct from any t+1 shares gives the secrets`, () => {
    for (const [n, t] of committees) {
      const secrets = edgeAndRandom(f, 37)
      const shares = split(f, secrets, n, t)
      assert.equal(shares.length, n)
      // every window of t+1 consecutive parties, and the last t+1
      for (let start = 0; start + t < n; start++) {
        const parties = Array.from({ length: t + 1 }, (_, k) => start + k)
        assert.ok(f.equal(reconstruct(f, parties.map((p) => shares[p]!), parties, t), secrets), `n=${n} t=${t} start=${start}`)
      }
    }
  })

  test(`${f.name}: t shares reveal nothing structural (shares of equal secrets differ)`, () => {
    const secrets = f.zeros(64)
    const a = split(f, secrets, 5, 2)
    const b = split(f, secrets, 5, 2)
    assert.ok(!f.equal(a[0]!, b[0]!))
  })

  test(`${f.name}: sharing is linear (share-wise sum reconstructs to the sum)`, () => {
    const x = f.random(20)
    const y = f.random(20)
    const sx = split(f, x, 5, 2)
    const sy = split(f, y, 5, 2)
    const sum = sx.map((s, i) => f.add(s, sy[i]!))
    assert.ok(f.equal(reconstruct(f, sum.slice(2), [2, 3, 4], 2), f.add(x, y)))
    // product of degree-t shares is a degree-2t sharing of the product
    const prod = sx.map((s, i) => f.mul(s, sy[i]!))
    assert.ok(f.equal(reconstruct(f, prod, [0, 1, 2, 3, 4], 4), f.mul(x, y)))
  })

  test(`${f.name}: Lagrange coefficients at 0 sum to 1 and interpolate shares`, () => {
    const lambda = lagrangeCoefficients(f, [0, 2, 4])
    assert.equal(lambda.reduce((a, b) => f.addS(a, b), 0n), 1n)
    const secrets = f.random(9)
    const shares = split(f, secrets, 5, 2)
    assert.ok(f.equal(interpolateShare(f, [shares[0]!, shares[2]!, shares[4]!], [0, 2, 4], 2, 1), shares[1]!))
  })

  test(`${f.name}: splitWithCoefficients evaluates the given polynomial`, () => {
    const c0 = f.fromBigInts([5n]); const c1 = f.fromBigInts([3n]); const c2 = f.fromBigInts([2n])
    const shares = splitWithCoefficients(f, [c0, c1, c2], 3)
    assert.deepEqual(shares.map((s) => f.get(s, 0)), [10n, 19n, 32n]) // 5+3x+2x² at 1,2,3
    assert.equal(evalPoly(f, [5n, 3n, 2n], 4n), 49n)
  })

  test(`${f.name}: checked reconstruction detects any single altered share (n ≥ 2t+1) and corrects it only when n ≥ 2t+2 proves it`, () => {
    for (const [n, t] of committees) {
      const secrets = f.random(50)
      for (let bad = 0; bad < n; bad++) {
        const shares = split(f, secrets, n, t)
        f.set(shares[bad]!, 17, f.addS(f.get(shares[bad]!, 17), 1n))
        if (n >= 2 * t + 2) { // one wrong share is certainly correctable when n ≥ t + 1 + t + 1
          const r = reconstructChecked(f, shares, t, { t, correct: true })
          assert.ok(f.equal(r.secrets, secrets))
          assert.deepEqual(r.corrected, [bad])
        } else {
          assert.throws(() => reconstructChecked(f, shares, t, { t, correct: true }), { code: 'SHARING_INCONSISTENT' } as object)
        }
        assert.throws(() => reconstructChecked(f, shares, t, { t }), { code: 'SHARING_INCONSISTENT' } as object)
        assert.throws(() => checkConsistent(f, shares, t, t), { code: 'SHARING_INCONSISTENT' } as object)
      }
      const good = split(f, secrets, n, t)
      assert.ok(f.equal(reconstructChecked(f, good, t, { t }).secrets, secrets))
      checkConsistent(f, good, t, t)
    }
  })

  test(`${f.name}: error correction names up to t bad parties when n ≥ 3t+1, on different elements`, () => {
    const n = 10, t = 3
    const secrets = f.random(40)
    const shares = split(f, secrets, n, t)
    f.set(shares[1]!, 0, 7n)
    f.set(shares[4]!, 39, f.addS(f.get(shares[4]!, 39), 5n))
    f.set(shares[8]!, 20, 0n)
    const r = reconstructChecked(f, shares, t, { t, correct: true })
    assert.ok(f.equal(r.secrets, secrets))
    assert.deepEqual(r.corrected, [1, 4, 8])
    // one more bad share than correctable is refused, never a wrong answer
    f.set(shares[9]!, 3, f.addS(f.get(shares[9]!, 3), 1n))
    assert.throws(() => reconstructChecked(f, shares, t, { t, correct: true }), { code: 'SHARING_INCONSISTENT' } as object)
  })

  test(`${f.name}: missing shares are skipped while degree+1+t remain; fewer is a clear error, never a value`, () => {
    const secrets = f.random(5)
    const shares: (FieldVector | null)[] = split(f, secrets, 7, 2)
    shares[1] = null; shares[5] = null
    assert.ok(f.equal(reconstructChecked(f, shares, 2, { t: 2 }).secrets, secrets))
    shares[2] = null
    assert.throws(() => reconstructChecked(f, shares, 2, { t: 2 }), { code: 'SHARING_UNDETERMINED' } as object)
    shares[3] = null; shares[4] = null
    assert.throws(() => reconstructChecked(f, shares, 2, { t: 2 }), /need at least 3 shares/)
  })

  test(`${f.name}: Berlekamp–Welch decodes scalar codewords`, () => {
    const poly = [11n, 22n, 33n]
    const xs = [1n, 2n, 3n, 4n, 5n, 6n, 7n]
    const ys = xs.map((x) => evalPoly(f, poly, x))
    ys[2] = f.addS(ys[2]!, 9n)
    ys[5] = 0n
    const r = berlekampWelch(f, xs, ys, 2, 2)
    assert.ok(r)
    assert.deepEqual(r.poly, poly)
    assert.deepEqual(r.bad, [2, 5])
    ys[0] = 1n
    assert.equal(berlekampWelch(f, xs, ys, 2, 2), undefined)
  })

  test(`${f.name}: Vandermonde extraction of dealt random sharings yields valid degree-t sharings`, () => {
    const n = 5, t = 2, len = 8
    const dealtSecrets = Array.from({ length: n }, () => f.random(len))
    const dealt = dealtSecrets.map((s) => split(f, s, n, t)) // dealt[dealer][party]
    const perParty = Array.from({ length: n }, (_, p) => extractRandom(f, dealt.map((d) => d[p]!), t))
    assert.equal(f.len(perParty[0]!), (n - t) * len)
    const m = vandermondeMatrix(f, n - t, n)
    const secrets = reconstructChecked(f, perParty, t, { t }).secrets
    for (let j = 0; j < n - t; j++) {
      const expected = f.lincomb(m[j]!, dealtSecrets)
      assert.ok(f.equal(f.view(secrets, j * len, (j + 1) * len), expected))
    }
  })

  test(`${f.name}: hyper-invertible matrix maps points 1..n of a polynomial to points n+1..2n`, () => {
    const n = 4
    const poly = [3n, 1n, 4n, 1n]
    const h = hyperInvertibleMatrix(f, n)
    const ins = Array.from({ length: n }, (_, i) => evalPoly(f, poly, BigInt(i + 1)))
    h.forEach((row, j) => {
      const out = row.reduce((acc, c, i) => f.addS(acc, f.mulS(c, ins[i]!)), 0n)
      assert.equal(out, evalPoly(f, poly, BigInt(n + 1 + j)))
    })
  })

  test(`${f.name}: masked combination check accepts degree t and rejects a shifted share`, () => {
    const n = 5, t = 2
    const values = f.random(30)
    const pad = f.random(1)
    const shares = split(f, f.concat([values, pad]), n, t)
    const coeffs = f.random(30)
    const zs = shares.map((s) => maskedCombination(f, f.view(s, 0, 30), coeffs, f.get(s, 30)))
    checkConsistent(f, zs.map((z) => f.fromBigInts([z])), t, t)
    f.set(shares[3]!, 4, f.addS(f.get(shares[3]!, 4), 1n))
    const bad = shares.map((s) => maskedCombination(f, f.view(s, 0, 30), coeffs, f.get(s, 30)))
    assert.throws(() => checkConsistent(f, bad.map((z) => f.fromBigInts([z])), t, t), { code: 'SHARING_INCONSISTENT' } as object)
  })
}

test('committee parameters: n ≥ 3 and t < n/2, with clear messages', () => {
  checkCommitteeParams('x', 3, 1)
  checkCommitteeParams('x', 7, 3)
  assert.throws(() => checkCommitteeParams('x', 2, 1), /n ≥ 3/)
  assert.throws(() => checkCommitteeParams('x', 4, 2), /t < n\/2/)
  assert.throws(() => checkCommitteeParams('x', 5, 0), /t must be an integer ≥ 1/)
})

test('bad arguments to public functions are clear errors', () => {
  const f = referenceP61
  assert.throws(() => split(f, f.zeros(3), 3, 3), /degree must be/)
  assert.throws(() => reconstruct(f, [f.zeros(1)], [0], 1), /need at least 2 shares/)
  assert.throws(() => reconstructChecked(f, [f.zeros(2), f.zeros(3), f.zeros(2)], 1, { t: 1 }), /party 1 has 3 elements/)
})
