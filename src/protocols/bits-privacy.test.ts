/**
 * Issue #9, defect 2: privacy before the abort. A corrupt party adds an error to the squares random
 * bits are made of (bits-attack.test-util.ts: the strongest attacker we could write, n = 3, t = 1) and
 * tries to predict lsb(x) of a secret x from the masked opening c = y + r of every protocol that masks
 * with random bits. In malicious mode it must do no better than chance (≤ 60 % over ≥ 200 lanes;
 * chance is 50 %, the attack wins ≈ 75 % when the bits are not verified before use).
 * Longer version: npm run test:adversary:bits (BITS_ATTACK_LANES=2000).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../field/index.ts'
import { bitDecompose, divSecret, eq, lt, trunc, truncPr } from './index.ts'
import { mulPublic } from './linear.ts'
import { attack, type MaskedProtocol } from './bits-attack.test-util.ts'
import { runAdversarial, type Strategy } from './testing/adversary.test-util.ts'
import { dealtShares, sharedFromDealt } from './harness.test-util.ts'
import { output } from './mac.ts'
import { isEnigmaError } from '../common/errors.ts'

const f = p61
const LANES = Number(process.env.BITS_ATTACK_LANES ?? 256)
const PER_RUN = 64
const RUNS = Math.ceil(LANES / PER_RUN)

const zero = (s: Parameters<MaskedProtocol['run']>[0], x: Parameters<MaskedProtocol['run']>[1]) => mulPublic(s, x, 0n)
const PROTOCOLS: MaskedProtocol[] = [
  { name: 'lt (compare.ts, masks 2(a − b))', shift: 1, offset: () => 0n, run: (s, x) => lt(s, x, zero(s, x), { bits: 16 }) },
  { name: 'eq (compare.ts zero test, masks a − b)', shift: 0, offset: () => 0n, run: (s, x) => eq(s, x, zero(s, x), { bits: 16 }) },
  { name: 'trunc (trunc.ts, masks a + 2^k)', shift: 0, offset: () => 1n << 16n, run: (s, x) => trunc(s, x, { bits: 16, shift: 4 }) },
  { name: 'truncPr (trunc.ts, masks a + 2^(k−1))', shift: 0, offset: () => 1n << 16n, run: (s, x) => truncPr(s, x, { bits: 17, shift: 4 }) },
  { name: 'bitDecompose (bit-decompose.ts, masks a + 2^k)', shift: 0, offset: () => 1n << 16n, run: (s, x) => bitDecompose(s, x, { bits: 16 }) },
  { name: 'divSecret (division.ts, masks a + 2^k with b + r)', xBits: 8, shift: 0, offset: () => 1n << 8n, run: (s, x) => divSecret(s, x, x, { bits: 8 }) },
]

for (const [i, proto] of PROTOCOLS.entries()) {
  test(`malicious n=3 t=1: an additive attack on the random bits of ${proto.name} predicts lsb(x) no better than chance`, async () => {
    const r = await attack(f, proto, RUNS, PER_RUN, 1000 + i)
    const rate = r.correct / r.lanes
    assert.ok(r.lanes >= 200)
    assert.ok(rate <= 0.6, `the attacker predicted ${r.correct} of ${r.lanes} secret bits (${(100 * rate).toFixed(1)} %; decided ${r.decided}, saw the masked opening in ${r.openedMasked} of ${r.runs} runs)`)
    assert.equal(r.openedMasked, 0, 'no value masked with the attacked bits was opened')
    assert.equal(r.aborted, r.runs, 'every attacked run aborts with MPC_CHEATING_DETECTED at the honest parties')
    assert.equal(r.namedHonest, 0, 'no honest party is named')
  })
}

test('malicious n=4 t=1: a dealer of inconsistent random sharings (preprocessing) makes the run abort before any masked opening', async () => {
  // n ≥ 2t + 2: the corrupt dealer gives honest party 2 (a recipient of interpolated, not seeded, shares) shares off its polynomials in every preprocessing
  // round, so every extracted random value (a, the one-time key, the coin) is shared inconsistently.
  // The checked openings of the random-bit check must stop the run before c = y + r is opened. (A guard
  // for the limit in docs/security.md, "Privacy before abort", not a defect test: it held before the fix too, stopped by
  // the checked opening of a².)
  const corrupt = 3
  let maskedFramesSeen = 0
  const strategy: Strategy = {
    name: 'inconsistent preprocessing dealer',
    onSend(fr) {
      if (!fr.step.startsWith('prep#') || fr.to !== 2) return undefined
      const v = f.decode(fr.payload)
      return f.encode(f.addScalar(v, 1n))
    },
    onReceive(fr) {
      if (fr.step.startsWith('open#')) maskedFramesSeen++
    },
  }
  const xs = Array.from({ length: 40 }, (_, j) => BigInt(j * 997))
  const dealt = dealtShares(f, f.fromBigInts(xs), 4, 1)
  const r = await runAdversarial({ field: f, n: 4, t: 1, security: 'malicious', corrupt: [corrupt], strategy }, async (s) => {
    const x = await sharedFromDealt(s, dealt)
    return f.toBigInts(await output(s, await lt(s, x, mulPublic(s, x, 0n), { bits: 16 })))
  })
  assert.ok(r.adversary.interventions > 0)
  assert.equal(maskedFramesSeen, 0, 'a value masked with the inconsistent random bits was opened')
  for (const p of [0, 1, 2]) {
    const o = r.outcomes[p]!
    assert.ok(!o.ok && isEnigmaError((o as { error: unknown }).error, 'MPC_CHEATING_DETECTED'), `honest party ${p}: ${o.ok ? 'finished' : String((o as { error: unknown }).error)}`)
  }
})
