/**
 * Every vector operation of both kernels of both fields against the BigInt reference: random
 * vectors at chunk-boundary lengths, all pairs of edge values, aliasing, and argument errors.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createField, referenceP61, referenceP127, seededRandom, P61, P127, type Field, type FieldVector } from './index.ts'
import { isEnigmaError } from '../common/errors.ts'

const CHUNK = { p61: 4096, p127: 2048 } // elements per wasm chunk (32 KiB / element size)

function edgeValues(p: bigint): bigint[] {
  const vs = [0n, 1n, 2n, 3n, p - 1n, p - 2n, p - 3n, (1n << 32n) - 1n, 1n << 32n, (1n << 32n) + 1n, 1n << 31n,
    (1n << 29n) - 1n, 1n << 29n, (1n << 60n), (1n << 60n) - 1n, (p - 1n) / 2n, (p + 1n) / 2n, 0xdeadbeefcafebabe1234n % p]
  if (p === P127) {
    vs.push((1n << 64n) - 1n, 1n << 64n, (1n << 64n) + 1n, 1n << 126n, (1n << 126n) - 1n, 1n << 63n, (1n << 26n) - 1n,
      1n << 26n, 1n << 52n, (1n << 52n) - 1n, 1n << 104n, (1n << 104n) - 1n, p - (1n << 64n), (1n << 78n) + 12345n)
  }
  return vs
}

const seed = (k: number): Uint8Array => new Uint8Array(32).fill(k)

const fields: [Field, Field][] = []
for (const [name, ref] of [['p61', referenceP61], ['p127', referenceP127]] as const) {
  for (const kernel of ['wasm', 'js'] as const) fields.push([createField(name, { kernel }), ref])
}

function checkAllOps(F: Field, R: Field, a: FieldVector, b: FieldVector, c: FieldVector, label: string): void {
  const eq = (x: FieldVector, y: FieldVector, op: string): void =>
    assert.ok(R.equal(x, y), `${F.name}/${F.kernel} ${op} differs from the reference (${label})`)
  const n = R.len(a)
  const s = n > 0 ? R.get(c, n - 1) : 12345n
  eq(F.add(a, b), R.add(a, b), 'add')
  eq(F.sub(a, b), R.sub(a, b), 'sub')
  eq(F.neg(a), R.neg(a), 'neg')
  eq(F.mul(a, b), R.mul(a, b), 'mul')
  eq(F.muladd(a, b, c), R.muladd(a, b, c), 'muladd')
  for (const sc of [s, 0n, 1n, F.p - 1n, F.p + 5n, -3n]) {
    eq(F.scale(a, sc), R.scale(a, sc), `scale ${sc}`)
    eq(F.addScalar(a, sc), R.addScalar(a, sc), `addScalar ${sc}`)
    eq(F.axpy(sc, a, b.slice()), R.axpy(sc, a, b.slice()), `axpy ${sc}`)
  }
  eq(F.lincomb([s, 2n, F.p - 1n], [a, b, c]), R.lincomb([s, 2n, F.p - 1n], [a, b, c]), 'lincomb')
  eq(F.lincomb([s], [a]), R.lincomb([s], [a]), 'lincomb 1')
  assert.equal(F.dot(a, b), R.dot(a, b), `dot (${label})`)
  assert.equal(F.sum(a), R.sum(a), `sum (${label})`)
  const nz = F.addScalar(F.mul(a, a), 0n) // may contain zeros; replace them by 1
  for (let i = 0; i < n; i++) if (R.get(nz, i) === 0n) R.set(nz, i, 1n)
  eq(F.inv(nz), R.inv(nz), 'inv')
  assert.ok(F.equal(F.mul(F.inv(nz), nz), F.fill(n, 1n)), 'a · a⁻¹ = 1')
}

for (const [F, R] of fields) {
  const tag = `${F.name}/${F.kernel}`
  const ch = CHUNK[F.name]

  test(`${tag}: all operations match the reference on random vectors of boundary lengths`, () => {
    let k = 1
    // 7..17 straddle the word-by-word copy of short operands (wasm/kernel.ts FEW_WORDS: 8 p127 and 16 p61 elements).
    for (const n of [0, 1, 2, 7, 8, 9, 15, 16, 17, ch - 1, ch, ch + 1, 2 * ch + 3]) {
      const a = R.random(n, seededRandom(seed(k++))), b = R.random(n, seededRandom(seed(k++))), c = R.random(n, seededRandom(seed(k++)))
      checkAllOps(F, R, a, b, c, `n = ${n}`)
    }
  })

  test(`${tag}: all operations match the reference on every pair of edge values`, () => {
    const e = edgeValues(F.p)
    const xs: bigint[] = [], ys: bigint[] = [], zs: bigint[] = []
    for (const x of e) for (const y of e) {
      xs.push(x)
      ys.push(y)
      zs.push(e[(xs.length * 7) % e.length]!)
    }
    checkAllOps(F, R, R.fromBigInts(xs), R.fromBigInts(ys), R.fromBigInts(zs), 'edge values')
    // muladd and axpy on every triple of edge values (the addend meets every product)
    const tx: bigint[] = [], ty: bigint[] = [], tz: bigint[] = []
    for (const x of e) for (const y of e) for (const z of e) {
      tx.push(x)
      ty.push(y)
      tz.push(z)
    }
    const [A3, B3, C3] = [R.fromBigInts(tx), R.fromBigInts(ty), R.fromBigInts(tz)]
    assert.ok(R.equal(F.muladd(A3, B3, C3), R.muladd(A3, B3, C3)), 'muladd on edge triples')
    for (const s of e) assert.ok(R.equal(F.axpy(s, B3, C3.slice()), R.axpy(s, B3, C3.slice())), `axpy ${s} on edge pairs`)
    // products of all ones: the largest intermediate values
    const big = R.fill(ch + 5, F.p - 1n)
    checkAllOps(F, R, big, big, big, 'all p − 1')
  })

  test(`${tag}: products plus large addends (c = p − 1, p − 2^32) match the reference`, () => {
    // Hits the widest intermediate sums of the limb code (a carry of 2 out of the low word in JS).
    const n = 20_000
    const a = R.random(n, seededRandom(seed(20))), b = R.random(n, seededRandom(seed(21)))
    for (const cv of [F.p - 1n, F.p - (1n << 32n), (1n << 32n) - 1n]) {
      const c = R.fill(n, cv)
      assert.ok(R.equal(F.muladd(a, b, c), R.muladd(a, b, c)), `muladd c = ${cv}`)
      assert.ok(R.equal(F.axpy(R.get(b, 0), a, c.slice()), R.axpy(R.get(b, 0), a, c.slice())), `axpy y = ${cv}`)
    }
  })

  test(`${tag}: lincomb of many vectors (more than one 32-vector block) matches the reference`, () => {
    for (const [k, n] of [[31, ch + 1], [32, 5], [33, ch + 1], [70, 3]] as const) {
      const vs = Array.from({ length: k }, (_, j) => j % 5 === 0 ? R.fill(n, F.p - 1n) : R.random(n, seededRandom(seed(100 + j))))
      const cs = Array.from({ length: k }, (_, j) => (j % 3 === 0 ? F.p - 1n : R.random(1, seededRandom(seed(200 + j)))[0]!))
      if (F.limbs === 2) for (let j = 1; j < k; j += 3) cs[j] = R.get(R.random(1, seededRandom(seed(300 + j))), 0)
      assert.ok(R.equal(F.lincomb(cs, vs), R.lincomb(cs, vs)), `lincomb of ${k} vectors, n = ${n}`)
    }
  })

  test(`${tag}: out may alias an input`, () => {
    const n = ch + 3
    const a0 = R.random(n, seededRandom(seed(40))), b0 = R.random(n, seededRandom(seed(41))), c0 = R.random(n, seededRandom(seed(42)))
    const s = 987654321987654321n % F.p
    const cases: [string, (a: FieldVector, b: FieldVector, c: FieldVector) => FieldVector, (a: FieldVector, b: FieldVector, c: FieldVector) => FieldVector][] = [
      ['add→a', (a, b) => F.add(a, b, a), (a, b) => R.add(a, b)],
      ['add→b', (a, b) => F.add(a, b, b), (a, b) => R.add(a, b)],
      ['add a+a→a', (a) => F.add(a, a, a), (a) => R.add(a, a)],
      ['sub→b', (a, b) => F.sub(a, b, b), (a, b) => R.sub(a, b)],
      ['neg→a', (a) => F.neg(a, a), (a) => R.neg(a)],
      ['mul→a', (a, b) => F.mul(a, b, a), (a, b) => R.mul(a, b)],
      ['mul a·a→a', (a) => F.mul(a, a, a), (a) => R.mul(a, a)],
      ['muladd→c', (a, b, c) => F.muladd(a, b, c, c), (a, b, c) => R.muladd(a, b, c)],
      ['muladd→a', (a, b, c) => F.muladd(a, b, c, a), (a, b, c) => R.muladd(a, b, c)],
      ['scale→a', (a) => F.scale(a, s, a), (a) => R.scale(a, s)],
      ['addScalar→a', (a) => F.addScalar(a, s, a), (a) => R.addScalar(a, s)],
      ['lincomb→vs[1]', (a, b) => F.lincomb([s, 3n], [a, b], b), (a, b) => R.lincomb([s, 3n], [a, b])],
      ['inv→a', (a) => F.inv(a, a), (a) => R.inv(a)],
    ]
    for (const [name, fast, ref] of cases) {
      const expected = ref(a0.slice(), b0.slice(), c0.slice())
      const got = fast(a0.slice(), b0.slice(), c0.slice())
      assert.ok(R.equal(got, expected), `${tag} ${name}`)
    }
    const y = b0.slice()
    assert.equal(F.axpy(s, y, y), y, 'axpy returns y')
    assert.ok(R.equal(y, R.axpy(s, b0, b0.slice())), 'axpy x = y')
  })

  test(`${tag}: field laws on random vectors`, () => {
    const n = 1000
    const a = F.random(n), b = F.random(n), c = F.random(n)
    assert.ok(F.equal(F.add(a, b), F.add(b, a)), 'a + b = b + a')
    assert.ok(F.equal(F.mul(a, b), F.mul(b, a)), 'ab = ba')
    assert.ok(F.equal(F.add(F.add(a, b), c), F.add(a, F.add(b, c))), '(a + b) + c = a + (b + c)')
    assert.ok(F.equal(F.mul(F.mul(a, b), c), F.mul(a, F.mul(b, c))), '(ab)c = a(bc)')
    assert.ok(F.equal(F.mul(a, F.add(b, c)), F.add(F.mul(a, b), F.mul(a, c))), 'a(b + c) = ab + ac')
    assert.ok(F.isZero(F.add(a, F.neg(a))), 'a + (−a) = 0')
    assert.ok(F.isZero(F.sub(a, a)), 'a − a = 0')
    assert.ok(F.equal(F.sub(a, b), F.add(a, F.neg(b))), 'a − b = a + (−b)')
    assert.ok(F.equal(F.mul(a, F.fill(n, 1n)), a), 'a · 1 = a')
    assert.ok(F.isZero(F.mul(a, F.zeros(n))), 'a · 0 = 0')
    assert.ok(F.equal(F.muladd(a, b, c), F.add(F.mul(a, b), c)), 'muladd = mul + add')
    assert.ok(F.equal(F.mul(F.inv(a), a), F.fill(n, 1n)), 'a⁻¹ a = 1 (random a is nonzero w.h.p.)')
    assert.equal(F.dot(a, b), F.sum(F.mul(a, b)), 'dot = sum of products')
  })

  test(`${tag}: inv throws FIELD_DIVISION_BY_ZERO on a zero anywhere and leaves aliased input intact`, () => {
    for (const at of [0, 1, ch - 1, ch, ch + 2]) {
      const a = F.random(ch + 3)
      F.set(a, at, 0n)
      const copy = a.slice()
      assert.throws(() => F.inv(a), (e: unknown) => isEnigmaError(e, 'FIELD_DIVISION_BY_ZERO'))
      assert.throws(() => F.inv(a, a), (e: unknown) => isEnigmaError(e, 'FIELD_DIVISION_BY_ZERO'))
      assert.ok(F.equal(a, copy), 'input unchanged after a failed in-place inv')
    }
    assert.equal(F.len(F.inv(F.zeros(0))), 0)
  })

  test(`${tag}: bad arguments give InvalidArgumentError naming the function`, () => {
    const a = F.random(5), b = F.random(6)
    const bad = (f: () => unknown, re: RegExp): void =>
      assert.throws(f, (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT') && re.test((e as Error).message))
    bad(() => F.add(a, b), /add: vector lengths differ: a has 5 elements, b has 6/)
    bad(() => F.sub(a, b), /sub: vector lengths differ/)
    bad(() => F.mul(a, b), /mul: vector lengths differ/)
    bad(() => F.muladd(a, a, b), /muladd: vector lengths differ/)
    bad(() => F.axpy(1n, a, b), /axpy: vector lengths differ: x has 5/)
    bad(() => F.dot(a, b), /dot: vector lengths differ/)
    bad(() => F.lincomb([1n, 2n], [a, b]), /lincomb: vector lengths differ/)
    bad(() => F.lincomb([1n], [a, a]), /lincomb: need as many coefficients/)
    bad(() => F.lincomb([], []), /lincomb: need as many coefficients/)
    bad(() => F.add(a, a, F.zeros(4)), /add: out has 4 elements, expected 5/)
    bad(() => F.scale(a, 3 as unknown as bigint), /scale: scalar must be a bigint/)
    bad(() => F.add(a, [1n] as unknown as FieldVector), /add: b must be a BigUint64Array/)
    bad(() => F.zeros(-1), /zeros: n must be a non-negative integer/)
    bad(() => F.random(1.5), /random: n must be/)
    if (F.limbs === 2) bad(() => F.sum(new BigUint64Array(3)), /sum: a has 3 words, not a multiple of 2/)
  })
}

test('p61 and p127 instances exist at import and default to the wasm kernel', async () => {
  const { p61, p127, getField } = await import('./index.ts')
  assert.equal(p61.kernel, 'wasm')
  assert.equal(p127.kernel, 'wasm')
  assert.equal(p61.p, P61)
  assert.equal(getField('p127'), p127)
  assert.equal(p61.bits, 61)
  assert.equal(p127.bytes, 16)
  assert.throws(() => createField('p31' as 'p61'), (e: unknown) => isEnigmaError(e, 'INVALID_ARGUMENT'))
})

test('without WebAssembly the default kernel is plain JS, and asking for wasm fails clearly', () => {
  const saved = globalThis.WebAssembly
  try {
    ;(globalThis as { WebAssembly?: unknown }).WebAssembly = undefined
    const F = createField('p127')
    assert.equal(F.kernel, 'js')
    assert.equal(F.get(F.mul(F.fromBigInts([P127 - 1n]), F.fromBigInts([P127 - 1n])), 0), 1n)
    assert.throws(() => createField('p61', { kernel: 'wasm' }), (e: unknown) => isEnigmaError(e, 'FIELD_UNSUPPORTED_PLATFORM'))
  } finally {
    globalThis.WebAssembly = saved
  }
})

test('powS and invS: the power-of-two shortcuts agree with plain modular arithmetic at every exponent', () => {
  const modPow = (a: bigint, e: bigint, p: bigint): bigint => {
    let r = 1n
    for (let b = a % p, k = e; k > 0n; k >>= 1n, b = (b * b) % p) if (k & 1n) r = (r * b) % p
    return r
  }
  for (const R of [referenceP61, referenceP127]) {
    const p = R.p
    for (let e = 0n; e <= BigInt(R.bits) + 2n; e++) {
      assert.equal(R.powS(2n, e), modPow(2n, e, p), `${R.name}: 2^${e}`)
      const x = modPow(2n, e, p)
      assert.equal(R.invS(x), modPow(x, p - 2n, p), `${R.name}: (2^${e})^−1`)
      assert.equal(R.mulS(R.invS(x), x), 1n)
    }
    // Non-powers of two and unreduced arguments still take the general path.
    for (const x of [3n, p - 1n, p + 2n, -2n, (1n << 40n) + 1n]) assert.equal(R.invS(x), modPow(((x % p) + p) % p, p - 2n, p), `${R.name}: ${x}^−1`)
    assert.equal(R.powS(3n, 5n), 243n)
    assert.equal(R.powS(2n, -1n), 1n)
  }
})
