import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61, p127 } from '../field/index.ts'
import type { Field } from '../field/types.ts'
import { runParties, randomInts } from './harness.test-util.ts'
import { input, inputMany, openRaw, output, outputTo, mul, add, sub, mulPublic, addPublic, lt, le, gt, ge, eq, ne, ltz, eqz, randomBits } from './index.ts'
import type { SecurityMode } from './session.ts'

const modes: SecurityMode[] = ['semi-honest', 'malicious']
const committees = [[3, 1], [5, 2], [7, 3]] as const

function fieldsUnderTest(): Field[] {
  return [p61, p127]
}

for (const field of fieldsUnderTest()) {
  for (const security of modes) {
    for (const [n, t] of committees) {
      const tag = `${field.name} ${security} n=${n} t=${t}`

      test(`${tag}: input, linear ops, mul (short and king path) and output match plaintext`, async () => {
        const f = field
        const xs = f.random(3000)
        const ys = f.random(3000)
        const results = await runParties({ field: f, n, t, security }, async (s) => {
          const [x, y] = await inputMany(s, [
            { dealer: 0, values: s.self === 0 ? xs : null, length: 3000 },
            { dealer: n - 1, values: s.self === n - 1 ? ys : null, length: 3000 },
          ])
          const shortProd = await mul(s, { v: f.view(x!.v, 0, 10), m: x!.m && f.view(x!.m, 0, 10) }, { v: f.view(y!.v, 0, 10), m: y!.m && f.view(y!.m, 0, 10) })
          const prod = await mul(s, x!, y!)
          const lin = addPublic(s, mulPublic(s, sub(s, add(s, x!, y!), y!), 3n), 5n)
          const outs = await Promise.all([output(s, prod), output(s, shortProd), output(s, lin)])
          return outs
        })
        for (const [prod, shortProd, lin] of results) {
          assert.ok(f.equal(prod, f.mul(xs, ys)))
          assert.ok(f.equal(shortProd, f.mul(f.view(xs, 0, 10), f.view(ys, 0, 10))))
          assert.ok(f.equal(lin, f.addScalar(f.scale(xs, 3n), 5n)))
        }
      })

      test(`${tag}: output to one party`, async () => {
        const f = field
        const xs = f.random(5)
        const results = await runParties({ field: f, n, t, security }, async (s) => {
          const x = await input(s, 1, s.self === 1 ? xs : null, 5)
          return outputTo(s, 2, x)
        })
        results.forEach((r, i) => (i === 2 ? assert.ok(r && f.equal(r, xs)) : assert.equal(r, null)))
      })

      test(`${tag}: random bits are bits`, async () => {
        const f = field
        const results = await runParties({ field: f, n, t, security }, async (s) => output(s, await randomBits(s, 200)))
        const bits = f.toBigInts(results[0]!)
        assert.ok(bits.every((b) => b === 0n || b === 1n))
        const ones = bits.filter((b) => b === 1n).length
        assert.ok(ones > 60 && ones < 140, `${ones} ones of 200`)
      })
    }

    for (const [n, t] of committees) {
      for (const bits of field.name === 'p61' ? [8, 32] : [32, 64]) {
        for (const signed of [false, true]) {
          // n = 7 once per field and mode (signed, widest width) to keep the suite's time in check.
          if (n === 7 && (!signed || bits < 32)) continue
          test(`${field.name} ${security} n=${n}: ${signed ? 'signed' : 'unsigned'} ${bits}-bit comparisons match plaintext`, async () => {
            const f = field
            const N = 40
            const a = randomInts(N, bits, signed)
            const b = randomInts(N, bits, signed).reverse()
            a[N - 1] = b[N - 1]! // equal operands
            const opts = { bits, signed }
            const results = await runParties({ field: f, n, t, security }, async (s) => {
              const [x, y] = await inputMany(s, [
                { dealer: 0, values: s.self === 0 ? f.fromBigInts(a) : null, length: N },
                { dealer: 1, values: s.self === 1 ? f.fromBigInts(b) : null, length: N },
              ])
              const res = [await lt(s, x!, y!, opts), await le(s, x!, y!, opts), await gt(s, x!, y!, opts), await ge(s, x!, y!, opts), await eq(s, x!, y!, opts), await ne(s, x!, y!, opts)]
              if (signed) res.push(await ltz(s, x!, opts), await eqz(s, x!, opts))
              const outs = []
              for (const r of res) outs.push(f.toBigInts(await output(s, r)))
              return outs
            })
            const B = (c: boolean) => (c ? 1n : 0n)
            const expected = [
              a.map((x, i) => B(x < b[i]!)), a.map((x, i) => B(x <= b[i]!)), a.map((x, i) => B(x > b[i]!)),
              a.map((x, i) => B(x >= b[i]!)), a.map((x, i) => B(x === b[i]!)), a.map((x, i) => B(x !== b[i]!)),
            ]
            if (signed) expected.push(a.map((x) => B(x < 0n)), a.map((x) => B(x === 0n)))
            for (const r of results) assert.deepEqual(r, expected)
          })
        }
      }
    }
  }
}

test('opening is consistent: every party gets the same value', async () => {
  const f = p61
  const results = await runParties({ field: f, n: 5, t: 2, security: 'semi-honest' }, async (s) => {
    const x = await input(s, 3, s.self === 3 ? f.fromBigInts([42n, 7n]) : null, 2)
    return f.toBigInts(await openRaw(s, x.v, s.t))
  })
  for (const r of results) assert.deepEqual(r, [42n, 7n])
})

test('long vectors run in blocks (multiplication beyond MUL_BLOCK, comparison beyond COMPARE_BLOCK) and match plaintext', async () => {
  const { MUL_BLOCK, COMPARE_BLOCK } = await import('./index.ts')
  const f = p61
  for (const security of ['semi-honest', 'malicious'] as const) {
    const M = MUL_BLOCK + 5
    const C = COMPARE_BLOCK + 3
    const xs = f.random(M)
    const ys = f.random(M)
    const a = randomInts(C, 20, false)
    const b = randomInts(C, 20, false).reverse()
    const results = await runParties({ field: f, n: 3, t: 1, security, timeoutMs: 60_000 }, async (s) => {
      const [x, y, u, v] = await inputMany(s, [
        { dealer: 0, values: s.self === 0 ? xs : null, length: M },
        { dealer: 1, values: s.self === 1 ? ys : null, length: M },
        { dealer: 2, values: s.self === 2 ? f.fromBigInts(a) : null, length: C },
        { dealer: 0, values: s.self === 0 ? f.fromBigInts(b) : null, length: C },
      ])
      const prod = await mul(s, x!, y!)
      const less = await lt(s, u!, v!, { bits: 20 })
      const same = await eq(s, u!, v!, { bits: 20 })
      return [await output(s, prod), await output(s, less), await output(s, same)]
    })
    const [prod, less, same] = results[0]!
    assert.ok(f.equal(prod!, f.mul(xs, ys)), `${security}: blocked multiplication`)
    assert.deepEqual(f.toBigInts(less!), a.map((x, i) => (x < b[i]! ? 1n : 0n)), `${security}: blocked comparison`)
    assert.deepEqual(f.toBigInts(same!), a.map((x, i) => (x === b[i]! ? 1n : 0n)), `${security}: blocked equality`)
  }
})
