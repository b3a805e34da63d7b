import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61, p127 } from '../field/index.ts'
import { isEnigmaError } from '../common/errors.ts'
import { runParties, runPartiesSettled, dealtShares, sharedFromDealt } from './harness.test-util.ts'
import { bitDecompose, mod2m, trunc, truncPr, truncMod, divModPublic, concat, output } from './index.ts'
import { committees, modes, evaluate, randomRange, modPow2 } from './arith.test-util.ts'

const N = 24

function expectedBits(xs: readonly bigint[], k: number): bigint[] {
  const out: bigint[] = []
  for (let i = 0; i < k; i++) for (const x of xs) out.push((modPow2(x, k) >> BigInt(i)) & 1n)
  return out
}

for (const security of modes) {
  for (const [n, t] of committees) {
    test(`p61 ${security} n=${n} t=${t}: bitDecompose, mod2m, trunc (k = 24) match plaintext`, async () => {
      const k = 24
      const m = 7
      const lim = 1n << BigInt(k)
      // Signed and unsigned k-bit values: the protocols accept −2^k ≤ a < 2^k.
      const xs = randomRange(N, -lim, lim - 1n, [0n, 1n, lim - 1n, -lim, -1n, 127n, 128n, -128n, -129n, lim / 2n, -lim / 2n])
      const [bits, mod, q, both] = await evaluate({ field: p61, n, t, security }, [xs], async (s, [a]) => {
        const tm = await truncMod(s, a!, { bits: k, m })
        return [await bitDecompose(s, a!, { bits: k }), await mod2m(s, a!, { bits: k, m }), await trunc(s, a!, { bits: k, shift: m }), tm.quotient]
      })
      assert.deepEqual(bits, expectedBits(xs, k))
      assert.deepEqual(mod, xs.map((x) => modPow2(x, m)))
      assert.deepEqual(q, xs.map((x) => x >> BigInt(m)))
      assert.deepEqual(both, q)
    })
  }

  test(`p127 ${security} n=5: 64-bit bitDecompose, trunc, mod2m and truncPr`, async () => {
    const k = 64
    const lim = 1n << 63n
    const xs = randomRange(16, -lim, lim - 1n, [0n, 1n, -1n, lim - 1n, -lim, (1n << 40n) + 12345n, -(1n << 40n)])
    const [bits, q, mod, pr] = await evaluate({ field: p127, n: 5, t: 2, security }, [xs], async (s, [a]) => [
      await bitDecompose(s, a!, { bits: k }),
      await trunc(s, a!, { bits: k, shift: 33 }),
      await mod2m(s, a!, { bits: k, m: 40 }),
      await truncPr(s, a!, { bits: k, shift: 16 }),
    ])
    assert.deepEqual(bits, expectedBits(xs, k))
    assert.deepEqual(q, xs.map((x) => x >> 33n))
    assert.deepEqual(mod, xs.map((x) => modPow2(x, 40)))
    pr!.forEach((r, j) => {
      const fl = xs[j]! >> 16n
      assert.ok(r === fl || r === fl + 1n, `truncPr(${xs[j]}) = ${r}, floor ${fl}`)
    })
  })

  test(`p61 ${security} n=3: truncPr (k = 19) is floor or floor + 1, and rounds up about as often as it should`, async () => {
    const k = 19
    const m = 8
    const lim = 1n << BigInt(k - 1)
    const xs = [...randomRange(16, -lim, lim - 1n, [0n, 1n, -1n, lim - 1n, -lim, 255n, 256n, -256n]), ...Array.from({ length: 64 }, () => 64n + 256n * 5n)]
    const [pr] = await evaluate({ field: p61, n: 3, t: 1, security }, [xs], async (s, [a]) => [await truncPr(s, a!, { bits: k, shift: m })])
    pr!.forEach((r, j) => {
      const fl = xs[j]! >> BigInt(m)
      assert.ok(r === fl || r === fl + 1n, `truncPr(${xs[j]}) = ${r}, floor ${fl}`)
    })
    // x ≡ 64 mod 256 rounds up with probability 1/4: 64 samples, expect ~16.
    const ups = pr!.slice(16).filter((r) => r === 6n).length
    assert.ok(ups >= 3 && ups <= 35, `${ups} of 64 rounded up`)
  })
}

test('p61 bitDecompose with k = 1 and k = 59 (the widest p61 allows)', async () => {
  const xs = [0n, 1n, 1n, 0n]
  const big = randomRange(8, -(1n << 59n), (1n << 59n) - 1n, [0n, (1n << 59n) - 1n, -(1n << 59n), -1n])
  const [b1, b59, q] = await evaluate({ field: p61, n: 3, t: 1, security: 'semi-honest' }, [xs, big], async (s, [a, b]) => [
    await bitDecompose(s, a!, { bits: 1 }),
    await bitDecompose(s, b!, { bits: 59 }),
    await trunc(s, b!, { bits: 59, shift: 58 }),
  ])
  assert.deepEqual(b1, xs)
  assert.deepEqual(b59, expectedBits(big, 59))
  assert.deepEqual(q, big.map((x) => x >> 58n))
})

test('widths the field cannot hold throw MPC_UNSUPPORTED; bad arguments throw INVALID_ARGUMENT', async () => {
  const f = p61
  const dealt = dealtShares(f, f.fromBigInts([1n, 2n]), 3, 1)
  await runParties({ field: f, n: 3, t: 1, security: 'semi-honest' }, async (s) => {
    const a = await sharedFromDealt(s, dealt)
    const rejects = async (p: Promise<unknown>, code: string, re: RegExp) => {
      await assert.rejects(p, (e: unknown) => isEnigmaError(e, code) && re.test((e as Error).message))
    }
    await rejects(bitDecompose(s, a, { bits: 60 }), 'MPC_UNSUPPORTED', /bitDecompose: 60-bit operands need a field of at least 62 bits.*p61 has 61.*use p127/)
    await rejects(trunc(s, a, { bits: 64, shift: 3 }), 'MPC_UNSUPPORTED', /trunc: 64-bit/)
    await rejects(truncPr(s, a, { bits: 20, shift: 3 }), 'MPC_UNSUPPORTED', /truncPr: .*k \+ κ \+ 1 < field bits.*k ≤ 19/)
    await rejects(bitDecompose(s, a, { bits: 0 }), 'INVALID_ARGUMENT', /bits must be a positive integer/)
    await rejects(bitDecompose(s, a, { bits: -3 }), 'INVALID_ARGUMENT', /bits/)
    await rejects(bitDecompose(s, a, { bits: 2.5 }), 'INVALID_ARGUMENT', /bits/)
    await rejects(trunc(s, a, { bits: 8, shift: 8 }), 'INVALID_ARGUMENT', /trunc: shift must be an integer with 0 < shift < bits/)
    await rejects(trunc(s, a, { bits: 8, shift: 0 }), 'INVALID_ARGUMENT', /shift/)
    await rejects(mod2m(s, a, { bits: 8, m: 9 }), 'INVALID_ARGUMENT', /mod2m: m must be/)
    await rejects(truncPr(s, a, { bits: 8, shift: 8 }), 'INVALID_ARGUMENT', /truncPr: shift/)
    return null
  })
  // Also in p127: 126-bit decomposition does not fit, 86-bit truncPr does not fit.
  const d127 = dealtShares(p127, p127.fromBigInts([1n]), 3, 1)
  await runParties({ field: p127, n: 3, t: 1, security: 'semi-honest' }, async (s) => {
    const a = await sharedFromDealt(s, d127)
    await assert.rejects(bitDecompose(s, a, { bits: 126 }), (e: unknown) => isEnigmaError(e, 'MPC_UNSUPPORTED'))
    await assert.rejects(truncPr(s, a, { bits: 86, shift: 8 }), (e: unknown) => isEnigmaError(e, 'MPC_UNSUPPORTED'))
    return null
  })
})

test('rounds: bitDecompose and trunc of 24 values cost the rounds of one; truncPr is one online round', async () => {
  const f = p61
  const dealt1 = dealtShares(f, f.fromBigInts([5n]), 3, 1)
  const dealtN = dealtShares(f, f.fromBigInts(Array.from({ length: N }, (_, i) => BigInt(i * 1000))), 3, 1)
  const measure = async (dealt: ReturnType<typeof dealtShares>, op: 'bd' | 'trunc' | 'pr') =>
    (await runParties({ field: f, n: 3, t: 1, security: 'semi-honest' }, async (s) => {
      const a = await sharedFromDealt(s, dealt)
      await truncPr(s, a, { bits: 8, shift: 2 }) // warm-up: one-time session set-up rounds
      const before = s.stats.rounds
      if (op === 'bd') await bitDecompose(s, a, { bits: 24 })
      else if (op === 'trunc') await trunc(s, a, { bits: 24, shift: 7 })
      else await truncPr(s, a, { bits: 16, shift: 7 })
      return s.stats.rounds - before
    }))[0]!
  for (const op of ['bd', 'trunc', 'pr'] as const) {
    const one = await measure(dealt1, op)
    const many = await measure(dealtN, op)
    assert.equal(many, one, `${op}: ${many} rounds for ${N} values, ${one} for one`)
    if (op === 'bd') assert.ok(one <= 12, `bitDecompose: ${one} rounds`)
    if (op === 'trunc') assert.ok(one <= 10, `trunc: ${one} rounds`)
    if (op === 'pr') assert.ok(one <= 3, `truncPr: ${one} rounds`) // preprocessing, random bits, opening
  }
})

test('malicious n=5: a party altering one element of its masked openings, multiplications or random bits is detected, never a wrong output', async () => {
  const f = p61
  const xs = randomRange(8, 0n, (1n << 20n) - 1n, [0n, (1n << 20n) - 1n])
  const dealt = dealtShares(f, f.fromBigInts(xs), 5, 2)
  const want = [...expectedBits(xs, 20), ...xs.map((x) => x >> 5n), ...xs.map((x) => x / 7n)]
  for (const step of ['open#', 'mul#', 'bits#']) {
    let altered = 0
    const results = await runPartiesSettled({
      field: f, n: 5, t: 2, security: 'malicious', timeoutMs: 4000,
      tamper: (from, _to, label, payload) => {
        if (from !== 3 || !label.includes(step) || payload.length === 0) return undefined
        altered++
        const v = f.decode(payload)
        f.set(v, 0, f.addS(f.get(v, 0), 1n))
        return f.encode(v)
      },
    }, async (s) => {
      const a = await sharedFromDealt(s, dealt)
      const outs = [await bitDecompose(s, a, { bits: 20 }), await trunc(s, a, { bits: 20, shift: 5 }), (await divModPublic(s, a, 7n, { bits: 20 })).quotient]
      return f.toBigInts(await output(s, concat(s, outs)))
    })
    assert.ok(altered > 0, `step ${step} exercised`)
    let detected = 0
    results.forEach((r, party) => {
      if (party === 3) return
      if (r.status === 'fulfilled') assert.deepEqual(r.value, want, `party ${party}: wrong output after tampering at ${step}`)
      else if (isEnigmaError(r.reason, 'MPC_CHEATING_DETECTED')) detected++
      else assert.ok(isEnigmaError(r.reason), `unexpected error ${String(r.reason)}`)
    })
    assert.ok(detected > 0, `tampering at ${step} not detected`)
  }
})
