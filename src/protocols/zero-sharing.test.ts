/**
 * Private outputs are re-randomised with a fresh sharing of zero before they leave a party (issue #9,
 * defect 7): the recipient of `outputTo`, who sees every share, must see a fresh random polynomial
 * through the value, not the sharing the computation produced. And a dealer whose zero sharing is not
 * of degree t − 1 must not be able to shift the output.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../field/index.ts'
import type { FieldVector } from '../field/types.ts'
import { split } from '../sharing/shamir.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { reconstruct } from '../sharing/shamir.ts'
import { runParties, runPartiesSettled } from './harness.test-util.ts'
import { outputTo, zeroSharing } from './index.ts'
import { isEnigmaError } from '../common/errors.ts'

const f = p61

for (const security of ['semi-honest', 'malicious'] as const) {
  for (const [n, t] of [[3, 1], [5, 2], [7, 3]] as const) {
    test(`${security} n=${n} t=${t}: zeroSharing gives fresh degree-t sharings of zero`, async () => {
      const shares = await runParties({ field: f, n, t, security }, (s) => zeroSharing(s, 6))
      checkConsistent(f, shares, t, t)
      const all = Array.from({ length: n }, (_, i) => i)
      assert.deepEqual(f.toBigInts(reconstruct(f, shares, all, t)), [0n, 0n, 0n, 0n, 0n, 0n])
      assert.ok(!shares.every((v) => f.equal(v, f.zeros(6))), 'not the trivial sharing')
    })
  }

  test(`${security}: the recipient of outputTo sees a fresh polynomial, not the computation's`, async () => {
    const n = 5, t = 2
    const secret = f.fromBigInts([11n, 22n, 33n])
    const dealt = split(f, secret, n, t) // the polynomial the recipient must not see
    const seen: (FieldVector | null)[] = Array.from({ length: n }, () => null)
    const out = await runParties({
      field: f, n, t, security,
      tamper: (from, to, label, payload) => {
        if (to === 0 && label.startsWith('outputTo')) seen[from] = f.decode(payload)
        return undefined
      },
    }, async (s) => {
      // The dealt shares as a Shared (the MAC is not needed: outputTo only opens v after verify).
      const r = await outputTo(s, 0, { v: dealt[s.self]!, m: security === 'malicious' ? f.zeros(3) : undefined })
      return r && f.toBigInts(r)
    })
    assert.deepEqual(out[0], [11n, 22n, 33n])
    for (let p = 1; p < n; p++) assert.ok(!f.equal(seen[p]!, dealt[p]!), `party ${p} sent its share unchanged`)
  })
}

test('malicious: a dealer whose zero sharing is off degree t−1 is caught before any share leaves', async () => {
  const n = 5, t = 2
  const results = await runPartiesSettled({
    field: f, n, t, security: 'malicious', timeoutMs: 4000,
    // Party 4 deals party 1 a share off its degree-(t−1) polynomial.
    tamper: (from, to, label, payload) => {
      if (from !== 4 || to !== 1 || !label.startsWith('zero-deal')) return undefined
      const v = f.decode(payload)
      f.set(v, 0, f.addS(f.get(v, 0), 1n))
      return f.encode(v)
    },
  }, (s) => zeroSharing(s, 4))
  for (const [p, r] of results.entries()) {
    if (p === 4) continue
    assert.equal(r.status, 'rejected')
    const e = (r as PromiseRejectedResult).reason
    assert.ok(isEnigmaError(e, 'MPC_CHEATING_DETECTED') || isEnigmaError(e, 'MPC_PEER_DISCONNECTED'), String(e))
    if (isEnigmaError(e, 'MPC_CHEATING_DETECTED')) assert.deepEqual(e.meta.parties, [])
  }
})
