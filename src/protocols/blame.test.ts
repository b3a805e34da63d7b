/**
 * Issue #9, defect 3 (honest parties blamed): a party that sends different multiplication shares to
 * different peers, or a king that sends different values back, leaves an honest party's shares off the
 * common polynomial; a later checked opening must then abort WITHOUT naming that honest party. Only a
 * share of a verified output that the redundancy proves wrong names its sender.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../field/index.ts'
import { input, inputMany, mul, output, outputTo } from './index.ts'
import type { MpcSession } from './session.ts'
import { runAdversarial } from './testing/adversary.test-util.ts'
import { colludingOutputForgery, equivocatingKing, equivocatingOpening } from './testing/strategies.test-util.ts'
import { assertCorrectOrAbort, sameBigInts } from './testing/verdict.test-util.ts'

const f = p61
const xs = [3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]
const ys = [11n, 12n, 13n, 14n, 15n, 16n, 17n, 18n]
const want = xs.map((x, i) => x * ys[i]!)

async function program(s: MpcSession): Promise<{ all: bigint[]; toZero: bigint[] | null }> {
  const [x, y] = await inputMany(s, [
    { dealer: 0, values: s.self === 0 ? f.fromBigInts(xs) : null, length: xs.length },
    { dealer: 1, values: s.self === 1 ? f.fromBigInts(ys) : null, length: ys.length },
  ])
  const z = await mul(s, x!, y!)
  const all = f.toBigInts(await output(s, z))
  const toZero = await outputTo(s, 0, z)
  return { all, toZero: toZero && f.toBigInts(toZero) }
}

const sameResult = (v: { all: bigint[]; toZero: bigint[] | null }, party: number): boolean =>
  sameBigInts(v.all, want) && (party !== 0 || sameBigInts(v.toZero, want))

for (const [n, t] of [[4, 1], [5, 2], [7, 3]] as const) {
  const corrupt = Array.from({ length: t }, (_, k) => n - 1 - k)
  for (const kingThreshold of [0, 2048]) {
    const path = kingThreshold === 0 ? 'rotating king' : 'one-round'
    test(`n=${n} t=${t}: equivocation in multiplication (${path}) aborts and never names an honest party`, async () => {
      const run = await runAdversarial({ field: f, n, t, security: 'malicious', corrupt, strategy: equivocatingKing(), kingThreshold, timeoutMs: 4000 }, program)
      assert.ok(run.adversary.interventions > 0, 'the attack ran')
      const v = assertCorrectOrAbort(run, sameResult, `n=${n} ${path}`)
      // The king path always uses the corrupt king's values: the product is wrong at one honest party,
      // which only the MAC check (or a checked opening) can see. (In the one-round path the corrupt
      // shares may not be among the 2t+1 used, and the run is then simply correct.)
      if (kingThreshold === 0) assert.equal(v.correct, 0, 'an equivocated product must not survive the checks')
    })
  }
  test(`n=${n} t=${t}: equivocation in openings aborts and never names an honest party`, async () => {
    const run = await runAdversarial({ field: f, n, t, security: 'malicious', corrupt, strategy: equivocatingOpening(), timeoutMs: 4000 }, program)
    assert.ok(run.adversary.interventions > 0, 'the attack ran')
    const v = assertCorrectOrAbort(run, sameResult, `n=${n} openings`)
    assert.ok(v.aborted > 0)
  })
}

test('n=5 t=2: two colluders forging the output (polynomial through two honest shares) are detected, and no honest party is named', async () => {
  // The old decoder "corrected" honest party 2's share and named it (issue #9, defects 1 and 3).
  const run = await runAdversarial({ field: f, n: 5, t: 2, security: 'malicious', corrupt: [3, 4], strategy: colludingOutputForgery() }, async (s) => {
    const x = await input(s, 0, s.self === 0 ? f.fromBigInts([42n]) : null, 1)
    return f.toBigInts(await output(s, x))
  })
  assert.ok(run.adversary.interventions > 0)
  const v = assertCorrectOrAbort(run, (got) => sameBigInts(got, [42n]), 'forgery')
  assert.equal(v.aborted, 3)
})
