/** Every operation of the language, compiled and run by the plaintext interpreter, against plain JS. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runPlain } from '../circuit/evaluate-plain.ts'
import {
  argmax, argmin, array, compileContract, defineContract, dot, fixed, int, int32, max, min, readAt, reveal, revealTo, sbool,
  select, sigmoid, sort, sortBy, sum, uint, uint32, uint64, within, writeAt, type TypeSpec,
} from './index.ts'

const rnd = (n: number) => Math.floor(Math.random() * n)
const TRIALS = 25

/** Compile `compute` over the given inputs and run it in plaintext. */
function run(inputs: Record<string, TypeSpec>, compute: (x: any) => Record<string, any>, values: Record<string, unknown>) {
  const c = defineContract({ name: 'op', inputs, compute })
  return runPlain(compileContract(c).circuit, values, { checkRanges: true }) as Record<string, any>
}

test('integer + − × neg, public operands, exact widening (no wrap)', () => {
  for (let i = 0; i < TRIALS; i++) {
    const a = rnd(2 ** 32)
    const b = rnd(2 ** 32)
    const o = run({ a: uint32, b: uint32 }, ({ a, b }) => ({
      add: reveal(a.add(b)), sub: reveal(a.sub(b)), mul: reveal(a.mul(b)), neg: reveal(a.neg()),
      addc: reveal(a.add(7)), mulc: reveal(a.mul(3n)), csub: reveal(a.sub(b).mul(a)),
    }), { a, b })
    assert.equal(o.add, a + b)
    assert.equal(o.sub, a - b)
    assert.equal(BigInt(o.mul), BigInt(a) * BigInt(b))
    assert.equal(o.neg, -a)
    assert.equal(o.addc, a + 7)
    assert.equal(o.mulc, a * 3)
    assert.equal(BigInt(o.csub), (BigInt(a) - BigInt(b)) * BigInt(a))
  }
})

test('comparisons < <= > >= == != on unsigned, signed and mixed', () => {
  for (let i = 0; i < TRIALS; i++) {
    const a = rnd(16) - 8
    const b = i % 3 === 0 ? a : rnd(16) - 8
    const u = rnd(10)
    const o = run({ a: int(8), b: int(8), u: uint(8) }, ({ a, b, u }) => ({
      lt: reveal(a.lt(b)), le: reveal(a.le(b)), gt: reveal(a.gt(b)), ge: reveal(a.ge(b)), eq: reveal(a.eq(b)), ne: reveal(a.ne(b)),
      mixed: reveal(a.lt(u)), pub: reveal(u.ge(5)),
    }), { a, b, u })
    assert.deepEqual(o, { lt: a < b, le: a <= b, gt: a > b, ge: a >= b, eq: a === b, ne: a !== b, mixed: a < u, pub: u >= 5 })
  }
})

test('division and remainder by public and secret divisors truncate toward zero (C semantics)', () => {
  const cases: [number, number][] = [[17, 5], [-17, 5], [17, -5], [-17, -5], [0, 3], [4, 7], [100, 1]]
  for (let i = 0; i < 10; i++) cases.push([rnd(2001) - 1000, (rnd(50) + 1) * (rnd(2) ? 1 : -1)])
  for (const [a, d] of cases) {
    const o = run({ a: int32, d: int32 }, ({ a, d }) => ({
      q: reveal(a.div(d)), r: reveal(a.mod(d)), qc: reveal(a.div(7)), rc: reveal(a.mod(-7)),
    }), { a, d })
    assert.deepEqual(o, { q: Math.trunc(a / d) || 0, r: a % d || 0, qc: Math.trunc(a / 7) || 0, rc: a % -7 || 0 }, `${a} / ${d}`)
  }
  const u = run({ a: uint32, d: uint32 }, ({ a, d }) => ({ q: reveal(a.div(d)), r: reveal(a.mod(d)) }), { a: 9, d: 0 })
  assert.deepEqual(u, { q: 0, r: 9 }, 'a secret divisor of 0 gives q = 0, r = a')
})

test('wrap(bits) gives C-style modular results, unsigned and signed', () => {
  for (let i = 0; i < TRIALS; i++) {
    const a = rnd(2 ** 32)
    const b = rnd(2 ** 32)
    const o = run({ a: uint32, b: uint32 }, ({ a, b }) => ({
      add: reveal(a.add(b).wrap(32)), mul: reveal(a.mul(b).wrap(32)), sub: reveal(a.sub(b).wrap(32)), s8: reveal(a.sub(b).wrap(8, true)),
    }), { a, b })
    assert.equal(o.add, (a + b) >>> 0)
    assert.equal(o.mul, Number((BigInt(a) * BigInt(b)) % 2n ** 32n))
    assert.equal(o.sub, (a - b) >>> 0)
    assert.equal(o.s8, ((a - b) << 24) >> 24)
  }
})

test('64-bit integers: exact values, outputs beyond 2^53 as decimal strings', () => {
  const a = 2n ** 64n - 1n
  const o = run({ a: uint64, b: uint64 }, ({ a, b }) => ({ s: reveal(a.add(b)), lt: reveal(a.lt(b)) }), { a: a.toString(), b: '5' })
  assert.deepEqual(o, { s: (a + 5n).toString(), lt: false })
})

test('booleans: and or not xor eq ne, select on scalars, arrays and objects', () => {
  for (let i = 0; i < 8; i++) {
    const p = !!(i & 1)
    const q = !!(i & 2)
    const o = run({ p: sbool, q: sbool, x: uint32, y: uint32 }, ({ p, q, x, y }) => ({
      and: reveal(p.and(q)), or: reveal(p.or(q)), not: reveal(p.not()), xor: reveal(p.xor(q)), eq: reveal(p.eq(q)), ne: reveal(p.ne(true)),
      sel: reveal(select(p, x, y)), arr: reveal(select(q, [x, y], [y, x])), obj: reveal(select(p, { a: x, b: q }, { a: 5, b: false })),
    }), { p, q, x: 10, y: 20 })
    assert.deepEqual(o, {
      and: p && q, or: p || q, not: !p, xor: p !== q, eq: p === q, ne: !p, sel: p ? 10 : 20, arr: q ? [10, 20] : [20, 10], obj: p ? { a: 10, b: q } : { a: 5, b: false },
    })
  }
})

test('min max argmax argmin sum dot (ties go to the lowest index)', () => {
  for (let i = 0; i < TRIALS; i++) {
    const n = 1 + rnd(9)
    const xs = Array.from({ length: n }, () => rnd(6))
    const ys = Array.from({ length: n }, () => rnd(6))
    const o = run({ xs: array(uint32, n), ys: array(uint32, n) }, ({ xs, ys }) => ({
      min: reveal(min(xs)), max: reveal(max(xs)), argmax: reveal(argmax(xs)), argmin: reveal(argmin(xs)),
      sum: reveal(sum(xs)), dot: reveal(dot(xs, ys)), min2: reveal(min(xs[0], ys[0])), max2: reveal(xs[0].max(ys[0])),
    }), { xs, ys })
    assert.deepEqual(o, {
      min: Math.min(...xs), max: Math.max(...xs), argmax: xs.indexOf(Math.max(...xs)), argmin: xs.indexOf(Math.min(...xs)),
      sum: xs.reduce((a, b) => a + b, 0), dot: xs.reduce((a, x, j) => a + x * ys[j]!, 0), min2: Math.min(xs[0]!, ys[0]!), max2: Math.max(xs[0]!, ys[0]!),
    })
  }
})

test('oblivious sort and sort-by-key for every length 1…17', () => {
  for (let n = 1; n <= 17; n++) {
    const xs = Array.from({ length: n }, () => rnd(20) - 10)
    const ks = Array.from({ length: n }, () => rnd(1000))
    const o = run({ xs: array(int(8), n), ks: array(uint32, n) }, ({ xs, ks }) => ({
      up: reveal(sort(xs)), down: reveal(sort(xs, { descending: true })),
      byKey: reveal(sortBy(ks.map((k: any, i: number) => ({ k, v: xs[i] })), (r: any) => r.k).map((r: any) => r.v)),
    }), { xs, ks })
    assert.deepEqual(o.up, [...xs].sort((a, b) => a - b))
    assert.deepEqual(o.down, [...xs].sort((a, b) => b - a))
    const order = ks.map((k, i) => [k, xs[i]!] as const).sort((a, b) => a[0] - b[0])
    assert.deepEqual(o.byKey.map((v: number, i: number) => [ks.slice().sort((a, b) => a - b)[i], v]).map((p: any) => p[0]), order.map((p) => p[0]))
    // values travel with their keys (keys may tie; compare as multisets per key)
    const got = new Map<number, number[]>()
    const want = new Map<number, number[]>()
    ks.slice().sort((a, b) => a - b).forEach((k, i) => got.set(k, [...(got.get(k) ?? []), o.byKey[i]]))
    order.forEach(([k, v]) => want.set(k, [...(want.get(k) ?? []), v]))
    for (const [k, v] of want) assert.deepEqual(got.get(k)!.sort(), v.slice().sort())
  }
})

test('secret-index read and write (out of range: read 0, write nothing)', () => {
  for (let i = 0; i < 12; i++) {
    const n = 1 + rnd(6)
    const xs = Array.from({ length: n }, () => rnd(100))
    const idx = rnd(n + 1)
    const o = run({ xs: array(uint32, n), i: uint(8), v: uint32 }, ({ xs, i, v }) => ({ r: reveal(readAt(xs, i)), w: reveal(writeAt(xs, i, v)) }), { xs, i: idx, v: 999 })
    assert.equal(o.r, idx < n ? xs[idx] : 0)
    assert.deepEqual(o.w, xs.map((x, j) => (j === idx ? 999 : x)))
  }
})

test('fixed point: + − ×, ÷ by public and secret, comparisons, mixing with ints', () => {
  const ulp = 2 ** -16
  for (let i = 0; i < TRIALS; i++) {
    const a = Math.round((Math.random() * 200 - 100) * 1e4) / 1e4
    const b = Math.round((Math.random() * 200 - 100) * 1e4) / 1e4 || 1
    const k = rnd(20) - 10
    const o = run({ a: fixed, b: fixed, k: int(8) }, ({ a, b, k }) => ({
      add: reveal(a.add(b)), sub: reveal(a.sub(b)), mul: reveal(a.mul(b)), div: reveal(a.div(b)), divc: reveal(a.div(3)),
      mulc: reveal(a.mul(0.3)), lt: reveal(a.lt(b)), withInt: reveal(a.add(k)), intTimes: reveal(k.mul(a)), cmpInt: reveal(k.lt(a)),
    }), { a, b, k })
    const near = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`)
    near(o.add, a + b, 2 * ulp, 'add')
    near(o.sub, a - b, 2 * ulp, 'sub')
    near(o.mul, a * b, 200 * ulp, 'mul')
    near(o.div, a / b, Math.max(4 * ulp, Math.abs(a / b) * 1e-4), 'div')
    near(o.divc, a / 3, 4 * ulp, 'divc')
    near(o.mulc, a * 0.3, 4 * ulp, 'mulc')
    near(o.withInt, a + k, 2 * ulp, 'withInt')
    near(o.intTimes, a * k, 20 * ulp, 'intTimes')
    assert.equal(o.lt, Math.round(a * 65536) < Math.round(b * 65536))
    assert.equal(o.cmpInt, k < Math.round(a * 65536) / 65536)
  }
})

test('sigmoid is within 0.01 of 1/(1+e^−x) on [−40, 40]', () => {
  let worst = 0
  for (let i = 0; i <= 400; i++) {
    const x = -40 + i * 0.2 + (i % 7) * 0.013
    const o = run({ x: fixed }, ({ x }) => ({ s: reveal(sigmoid(x)) }), { x })
    worst = Math.max(worst, Math.abs(o.s - 1 / (1 + Math.exp(-x))))
  }
  assert.ok(worst < 0.0035, `max error ${worst}`)
})

test('within() narrows input ranges; revealTo records the recipient', () => {
  const c = compileContract(defineContract({ name: 'w', inputs: { x: within(fixed, -100, 100) }, compute: ({ x }) => ({ y: revealTo('alice', x.mul(x)) }) }))
  assert.equal(c.circuit.outputs[0]!.recipient, 'alice')
  assert.throws(() => runPlain(c.circuit, { x: 100.5 }), (e: any) => e.code === 'INPUT_INVALID' && /inputs: x: 100\.5 is out of range/.test(e.message))
  assert.equal(runPlain(c.circuit, { x: -3 }).y, 9)
})
