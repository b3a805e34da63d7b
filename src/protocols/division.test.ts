import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61, p127 } from '../field/index.ts'
import { isEnigmaError } from '../common/errors.ts'
import { runParties, dealtShares, sharedFromDealt } from './harness.test-util.ts'
import { divPublic, modPublic, divModPublic, divSecret, modSecret, divModSecret } from './index.ts'
import { committees, modes, evaluate, randomRange } from './arith.test-util.ts'

/** Floor division for non-negative operands, truncation toward zero for signed ones (BigInt / and %). */
const divRef = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : a / b)
const modRef = (a: bigint, b: bigint): bigint => (b === 0n ? a : a % b)

for (const security of modes) {
  for (const [n, t] of committees) {
    test(`p61 ${security} n=${n} t=${t}: unsigned divSecret/modSecret (k = 10), edge cases and division by zero`, async () => {
      const k = 10
      const max = (1n << BigInt(k)) - 1n
      const a = [0n, 1n, max, max, 7n, 7n, 1000n, 5n, 0n, max, 513n, 100n, ...randomRange(8, 0n, max)]
      const b = [1n, 1n, 1n, max, 7n, 8n, 3n, 0n, 0n, 0n, 2n, 1000n, ...randomRange(8, 0n, max, [0n])]
      const [q, r] = await evaluate({ field: p61, n, t, security }, [a, b], async (s, [x, y]) => {
        const qr = await divModSecret(s, x!, y!, { bits: k })
        return [qr.quotient, qr.remainder]
      })
      assert.deepEqual(q, a.map((x, i) => divRef(x, b[i]!)))
      assert.deepEqual(r, a.map((x, i) => modRef(x, b[i]!)))
    })

    test(`p61 ${security} n=${n} t=${t}: divPublic/modPublic (k = 24, unsigned and signed) for several divisors`, async () => {
      const k = 24
      const umax = (1n << BigInt(k)) - 1n
      const smin = -(1n << BigInt(k - 1))
      const ua = randomRange(20, 0n, umax, [0n, 1n, umax, umax - 1n, 6n, 7n, 999n, 1000n, 1001n])
      const sa = randomRange(20, smin, -smin - 1n, [0n, 1n, -1n, smin, -smin - 1n, -6n, -7n, 7n, -1000n, -999n])
      const ds = [1n, 3n, 7n, 8n, 1000n, 12345n, umax, 1n << BigInt(k)]
      const outs = await evaluate({ field: p61, n, t, security }, [ua, sa], async (s, [x, y]) => {
        const res = []
        for (const d of ds) {
          const u = await divModPublic(s, x!, d, { bits: k })
          res.push(u.quotient, u.remainder)
        }
        for (const d of [3n, 8n, 1000n]) {
          const v = await divModPublic(s, y!, d, { bits: k, signed: true })
          res.push(v.quotient, v.remainder)
        }
        res.push(await divPublic(s, x!, 10n, { bits: k }), await modPublic(s, y!, 10n, { bits: k, signed: true }))
        return res
      })
      ds.forEach((d, j) => {
        assert.deepEqual(outs[2 * j], ua.map((x) => x / d), `q, d = ${d}`)
        assert.deepEqual(outs[2 * j + 1], ua.map((x) => x % d), `r, d = ${d}`)
      })
      ;[3n, 8n, 1000n].forEach((d, j) => {
        assert.deepEqual(outs[2 * ds.length + 2 * j], sa.map((x) => x / d), `signed q, d = ${d}`)
        assert.deepEqual(outs[2 * ds.length + 2 * j + 1], sa.map((x) => x % d), `signed r, d = ${d}`)
      })
      assert.deepEqual(outs[outs.length - 2], ua.map((x) => x / 10n))
      assert.deepEqual(outs[outs.length - 1], sa.map((x) => x % 10n))
    })
  }

  test(`p61 ${security} n=3: signed divSecret/modSecret (k = 8) truncate toward zero, remainder has the dividend's sign`, async () => {
    const k = 8
    const a = [0n, 1n, -1n, 127n, -128n, -128n, -128n, 127n, -7n, 7n, -7n, 7n, 5n, -5n, 100n, -100n, 3n, -3n, -128n, 0n]
    const b = [1n, -1n, 1n, -128n, -1n, 1n, 127n, 1n, 2n, -2n, -2n, 2n, 0n, 0n, 100n, 100n, 5n, -5n, -128n, 0n]
    const [q, r, q2, r2] = await evaluate({ field: p61, n: 3, t: 1, security }, [a, b], async (s, [x, y]) => [
      ...Object.values(await divModSecret(s, x!, y!, { bits: k, signed: true })),
      await divSecret(s, x!, y!, { bits: k, signed: true }),
      await modSecret(s, x!, y!, { bits: k, signed: true }),
    ])
    assert.deepEqual(q, a.map((x, i) => divRef(x, b[i]!)))
    assert.deepEqual(r, a.map((x, i) => modRef(x, b[i]!)))
    assert.deepEqual(q2, q)
    assert.deepEqual(r2, r)
  })

  test(`p127 ${security} n=3: 64-bit divPublic (corrections where the product does not fit) and 62-bit exact`, async () => {
    const umax = (1n << 64n) - 1n
    const xs = randomRange(16, 0n, umax, [0n, 1n, umax, umax - 1n, 3n * (1n << 62n), (1n << 63n) - 1n])
    const ds = [3n, 7n, 10n, 1000003n, (1n << 40n) + 1n]
    const x62 = xs.map((x) => x >> 2n)
    const outs = await evaluate({ field: p127, n: 3, t: 1, security }, [xs, x62], async (s, [x, y]) => {
      const res = []
      for (const d of ds) res.push(...Object.values(await divModPublic(s, x!, d, { bits: 64 })))
      res.push(await divPublic(s, y!, 12345n, { bits: 62 }))
      return res
    })
    ds.forEach((d, j) => {
      assert.deepEqual(outs[2 * j], xs.map((x) => x / d), `q, d = ${d}`)
      assert.deepEqual(outs[2 * j + 1], xs.map((x) => x % d), `r, d = ${d}`)
    })
    assert.deepEqual(outs[outs.length - 1], x62.map((x) => x / 12345n))
  })
}

test('p61 malicious n=3: 32-bit divPublic at the width limit (up to 11 remainder candidates); powers of two at 56 bits', async () => {
  const umax = (1n << 32n) - 1n
  const xs = randomRange(16, 0n, umax, [0n, 1n, 2n, 3n, umax, umax - 1n, umax - 2n, 1n << 31n])
  const ds = [3n, 7n, 1000n, (1n << 31n) + 1n]
  const wide = randomRange(8, 0n, (1n << 56n) - 1n, [0n, (1n << 56n) - 1n])
  const outs = await evaluate({ field: p61, n: 3, t: 1, security: 'malicious' }, [xs, wide], async (s, [x, y]) => {
    const res = []
    for (const d of ds) res.push(...Object.values(await divModPublic(s, x!, d, { bits: 32 })))
    res.push(...Object.values(await divModPublic(s, y!, 1n << 20n, { bits: 56 })))
    return res
  })
  ds.forEach((d, j) => {
    assert.deepEqual(outs[2 * j], xs.map((x) => x / d), `q, d = ${d}`)
    assert.deepEqual(outs[2 * j + 1], xs.map((x) => x % d), `r, d = ${d}`)
  })
  assert.deepEqual(outs[8], wide.map((x) => x >> 20n))
  assert.deepEqual(outs[9], wide.map((x) => x % (1n << 20n)))
})

test('p61 semi-honest n=3: divSecret with an odd width (radix 4, partial top digit) and at the widest p61 allows (radix 2)', async () => {
  const m7 = 127n
  const a7 = [0n, 1n, m7, m7, 100n, 64n, 5n, 126n]
  const b7 = [1n, 0n, 1n, m7, 7n, 3n, 6n, 2n]
  const m58 = (1n << 58n) - 1n
  const a58 = [m58, m58, 0n, (1n << 57n) + 12345n]
  const b58 = [1n, m58, 5n, 3n]
  const [q7, r7, q58, r58] = await evaluate({ field: p61, n: 3, t: 1, security: 'semi-honest' }, [a7, b7, a58, b58], async (s, [x, y, u, v]) => [
    ...Object.values(await divModSecret(s, x!, y!, { bits: 7 })),
    ...Object.values(await divModSecret(s, u!, v!, { bits: 58 })),
  ])
  assert.deepEqual(q7, a7.map((x, i) => divRef(x, b7[i]!)))
  assert.deepEqual(r7, a7.map((x, i) => modRef(x, b7[i]!)))
  assert.deepEqual(q58, a58.map((x, i) => divRef(x, b58[i]!)))
  assert.deepEqual(r58, a58.map((x, i) => modRef(x, b58[i]!)))
})

test('p127 semi-honest n=5: unsigned 32-bit divSecret', async () => {
  const max = (1n << 32n) - 1n
  const a = randomRange(12, 0n, max, [max, 0n, max, 12345678n])
  const b = randomRange(12, 0n, max, [1n, 5n, max, 0n, 3n, 65536n])
  const [q, r] = await evaluate({ field: p127, n: 5, t: 2, security: 'semi-honest' }, [a, b], async (s, [x, y]) =>
    Object.values(await divModSecret(s, x!, y!, { bits: 32 })))
  assert.deepEqual(q, a.map((x, i) => divRef(x, b[i]!)))
  assert.deepEqual(r, a.map((x, i) => modRef(x, b[i]!)))
})

test('division: unsupported widths throw MPC_UNSUPPORTED, bad arguments INVALID_ARGUMENT', async () => {
  const f = p61
  const dealt = dealtShares(f, f.fromBigInts([1n, 2n]), 3, 1)
  await runParties({ field: f, n: 3, t: 1, security: 'semi-honest' }, async (s) => {
    const a = await sharedFromDealt(s, dealt)
    const rejects = async (p: Promise<unknown>, code: string, re: RegExp) => {
      await assert.rejects(p, (e: unknown) => isEnigmaError(e, code) && re.test((e as Error).message))
    }
    await rejects(divPublic(s, a, 0n, { bits: 8 }), 'INVALID_ARGUMENT', /divPublic: the divisor must be a bigint ≥ 1, got 0/)
    await rejects(modPublic(s, a, -3n, { bits: 8 }), 'INVALID_ARGUMENT', /modPublic: the divisor/)
    await rejects(divPublic(s, a, 3n, { bits: 0 }), 'INVALID_ARGUMENT', /bits must be a positive integer/)
    await rejects(divSecret(s, a, a, { bits: -1 }), 'INVALID_ARGUMENT', /divSecret: bits/)
    await rejects(divSecret(s, a, { v: f.zeros(3), m: undefined }, { bits: 8 }), 'INVALID_ARGUMENT', /lengths differ/)
    await rejects(divSecret(s, a, a, { bits: 59 }), 'MPC_UNSUPPORTED', /divSecret: 59-bit operands need a field of at least 62 bits/)
    await rejects(divPublic(s, a, 3n, { bits: 59 }), 'MPC_UNSUPPORTED', /divPublic: 59-bit/)
    // 33-bit by 3 in p61: a·⌈2^ℓ/3⌉ does not fit (2k ≤ 61 + 3 fails); powers of two still work.
    await rejects(divPublic(s, a, 3n, { bits: 33 }), 'MPC_UNSUPPORTED', /divPublic: exact division of 33-bit values by a public divisor needs 2k ≤ field bits \+ 3 \(k ≤ 32 in p61, 61 bits\); use p127/)
    return null
  })
})
