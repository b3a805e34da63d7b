/**
 * The SDK's reconstruction of a private output from the members' shares (getOutput) under issue #9,
 * defect 1: two colluding members of a 5-member committee (t = 2) cannot make the client accept a
 * value of their choice, nor have an honest member reported as the one corrected.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../../field/index.ts'
import type { FieldVector } from '../../field/types.ts'
import { split } from '../../sharing/shamir.ts'
import { forgeShares } from '../../sharing/forge.test-util.ts'
import { reconstructPrivateOutput } from './outputs.ts'

const f = p61

test('getOutput: two colluders on a polynomial through two honest shares are refused, never a forged value', () => {
  const shares = split(f, f.fromBigInts([42n]), 5, 2)
  const forged = forgeShares(f, shares, [0, 1], [3, 4], 666n)
  const sent: (FieldVector | null)[] = shares.map((s, p) => forged.get(p) ?? s)
  assert.throws(() => reconstructPrivateOutput(f, sent, 2, 'price'), { code: 'SDK_OUTPUT_INCONSISTENT' })
})

test('getOutput: with only t+1 members answering nothing is returned (n = 2t+1 needs every share)', () => {
  const shares: (FieldVector | null)[] = split(f, f.fromBigInts([42n]), 5, 2)
  shares[1] = null
  assert.throws(() => reconstructPrivateOutput(f, shares, 2, 'price'), { code: 'SDK_OUTPUT_UNAVAILABLE' })
  shares[1] = split(f, f.fromBigInts([42n]), 5, 2)[1]! // another sharing: inconsistent
  assert.throws(() => reconstructPrivateOutput(f, shares, 2, 'price'), { code: 'SDK_OUTPUT_INCONSISTENT' })
})

test('getOutput: an honest committee gives the value; n = 4, t = 1 corrects and reports one wrong member', () => {
  const good = split(f, f.fromBigInts([42n, 7n]), 5, 2)
  assert.deepEqual(f.toBigInts(reconstructPrivateOutput(f, good, 2, 'price').secrets), [42n, 7n])
  const four = split(f, f.fromBigInts([42n, 7n]), 4, 1)
  f.set(four[1]!, 1, 0n)
  const r = reconstructPrivateOutput(f, four, 1, 'price')
  assert.deepEqual(f.toBigInts(r.secrets), [42n, 7n])
  assert.deepEqual(r.corrected, [1])
})
