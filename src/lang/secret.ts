/**
 * Secret values: JavaScript objects that record circuit gates while `compute` runs. Operators are
 * methods (`a.add(b)`, `a.lt(b)`, `c.and(d)`), since JavaScript has no operator overloading; public
 * numbers and bigints mix freely (public × secret is a free `mulc` gate).
 *
 * Integer semantics (docs/contracts.md#integer-semantics): arithmetic is exact. The compiler tracks
 * the range of every value and widens it as needed (uint32 + uint32 is a 33-bit value, uint32 · uint32
 * a 64-bit one); nothing wraps silently. `wrap(bits)` reduces modulo 2^bits for C-like semantics.
 * Division truncates toward zero (the remainder has the dividend's sign), like C and `Math.trunc`.
 *
 * Guard rails (DESIGN.md §6): converting a secret to a primitive (`+a`, `a < b` with JS operators,
 * `${a}`, `String(a)`, `JSON.stringify`) throws LANG_SECRET_COERCION with a `select` hint. JavaScript
 * gives objects no hook for truthiness, so `if (secret)`, `secret ? x : y`, `!secret` and `&&`/`||`
 * cannot be caught here; `lintContractSource` (lint.ts) flags them in the source text.
 */
import type { CircuitBuilder, Wire } from '../circuit/builder.ts'
import { bitsOf, bitLength } from '../circuit/range.ts'
import type { ScalarType } from '../circuit/types.ts'
import { LangTypeError, SecretCoercionError } from './errors.ts'
import { FIXED_FRAC } from './types.ts'

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom')
const SCALE = 1n << BigInt(FIXED_FRAC)
/** Extra fractional bits of public constants in fixed-point products (keeps 1/d precise). */
const CONST_EXTRA = 24

export abstract class SecretValue {
  abstract readonly kind: 'sbool' | 'sint' | 'sfixed'
  constructor(readonly builder: CircuitBuilder, readonly wire: Wire) {}

  toString(): never {
    throw new SecretCoercionError(this.kind, 'String() or a template literal')
  }
  valueOf(): never {
    throw new SecretCoercionError(this.kind, 'a JavaScript operator such as + < == or a number conversion')
  }
  toJSON(): never {
    throw new SecretCoercionError(this.kind, 'JSON.stringify')
  }
  [Symbol.toPrimitive](hint: string): never {
    throw new SecretCoercionError(this.kind, hint === 'string' ? 'String() or a template literal' : 'a JavaScript operator such as + < == or a number conversion')
  }
  [inspectSymbol](): string {
    return `[${this.kind} #${this.wire}]`
  }
  /** Type of the value at the circuit boundary (for outputs). */
  abstract scalarType(): ScalarType
}

export type BoolLike = SBool | boolean
export type IntLike = SInt | number | bigint
export type FixedLike = SFixed | SInt | number | bigint

function publicInt(x: number | bigint, op: string): bigint {
  if (typeof x === 'bigint') return x
  if (!Number.isSafeInteger(x)) throw new LangTypeError(`${op}: ${x} is not an integer; convert the secret integer with toFixed() for fractional arithmetic`)
  return BigInt(x)
}

export function fixedConst(x: number | bigint, op: string): bigint {
  if (typeof x === 'bigint') return x * SCALE
  if (!Number.isFinite(x)) throw new LangTypeError(`${op}: ${x} is not a finite number`)
  return BigInt(Math.round(x * Number(SCALE)))
}

export class SBool extends SecretValue {
  readonly kind = 'sbool'
  #w(o: BoolLike, op: string): Wire {
    if (typeof o === 'boolean') return this.builder.constant(o ? 1n : 0n)
    if (!(o instanceof SBool)) throw new LangTypeError(`sbool.${op}: expected an sbool or a boolean`)
    return o.wire
  }
  and(o: BoolLike): SBool {
    return new SBool(this.builder, this.builder.mul(this.wire, this.#w(o, 'and')))
  }
  or(o: BoolLike): SBool {
    const b = this.builder
    const y = this.#w(o, 'or')
    return new SBool(b, b.sub(b.add(this.wire, y), b.mul(this.wire, y)))
  }
  xor(o: BoolLike): SBool {
    const b = this.builder
    const y = this.#w(o, 'xor')
    return new SBool(b, b.sub(b.add(this.wire, y), b.mulc(b.mul(this.wire, y), 2n)))
  }
  not(): SBool {
    return new SBool(this.builder, this.builder.not(this.wire))
  }
  eq(o: BoolLike): SBool {
    return this.xor(o).not()
  }
  ne(o: BoolLike): SBool {
    return this.xor(o)
  }
  /** 1 or 0 as a secret integer. */
  toInt(): SInt {
    return new SInt(this.builder, this.wire)
  }
  scalarType(): ScalarType {
    return { kind: 'bool' }
  }
}

export class SInt extends SecretValue {
  readonly kind = 'sint'

  #w(o: IntLike, op: string): Wire {
    if (o instanceof SInt) return o.wire
    if (typeof o === 'number' || typeof o === 'bigint') return this.builder.constant(publicInt(o, `sint.${op}`))
    throw new LangTypeError(`sint.${op}: expected an sint, a number or a bigint`)
  }
  #wrap(w: Wire): SInt {
    return new SInt(this.builder, w)
  }

  add(o: SFixed): SFixed
  add(o: IntLike): SInt
  add(o: FixedLike): SInt | SFixed {
    if (o instanceof SFixed) return this.toFixed().add(o)
    return this.#wrap(this.builder.add(this.wire, this.#w(o, 'add')))
  }
  sub(o: SFixed): SFixed
  sub(o: IntLike): SInt
  sub(o: FixedLike): SInt | SFixed {
    if (o instanceof SFixed) return this.toFixed().sub(o)
    return this.#wrap(this.builder.sub(this.wire, this.#w(o, 'sub')))
  }
  mul(o: SFixed): SFixed
  mul(o: IntLike): SInt
  mul(o: FixedLike): SInt | SFixed {
    // integer × fixed needs no rescaling: the product already has FIXED_FRAC fractional bits.
    if (o instanceof SFixed) return new SFixed(this.builder, this.builder.mul(this.wire, o.wire))
    return this.#wrap(this.builder.mul(this.wire, this.#w(o, 'mul')))
  }
  neg(): SInt {
    return this.#wrap(this.builder.neg(this.wire))
  }
  /** 1 when negative (a constant 0 when the range says it cannot be). */
  isNeg(): SBool {
    return new SBool(this.builder, this.builder.lt(this.wire, this.builder.constant(0n)))
  }
  abs(): SInt {
    return this.#wrap(this.builder.abs(this.wire))
  }
  /** Quotient truncated toward zero; a secret divisor of 0 gives 0. */
  div(o: IntLike): SInt {
    return this.#wrap(divmod(this.builder, this.wire, this.#w(o, 'div'), 'div'))
  }
  /** Remainder with the sign of the dividend (a = q·b + r); a secret divisor of 0 gives a. */
  mod(o: IntLike): SInt {
    return this.#wrap(divmod(this.builder, this.wire, this.#w(o, 'mod'), 'mod'))
  }
  lt(o: FixedLike): SBool {
    return o instanceof SFixed ? this.toFixed().lt(o) : new SBool(this.builder, this.builder.lt(this.wire, this.#w(o, 'lt')))
  }
  gt(o: FixedLike): SBool {
    return o instanceof SFixed ? this.toFixed().gt(o) : new SBool(this.builder, this.builder.lt(this.#w(o, 'gt'), this.wire))
  }
  le(o: FixedLike): SBool {
    return this.gt(o).not()
  }
  ge(o: FixedLike): SBool {
    return this.lt(o).not()
  }
  eq(o: FixedLike): SBool {
    return o instanceof SFixed ? this.toFixed().eq(o) : new SBool(this.builder, this.builder.eq(this.wire, this.#w(o, 'eq')))
  }
  ne(o: FixedLike): SBool {
    return this.eq(o).not()
  }
  min(o: IntLike): SInt {
    const w = this.#w(o, 'min')
    const [ra, rb] = [this.builder.range(this.wire), this.builder.range(w)]
    if (ra.hi <= rb.lo) return this // the bounds decide: no comparison
    if (rb.hi <= ra.lo) return this.#wrap(w)
    return select(this.lt(o), this, this.#wrap(w))
  }
  max(o: IntLike): SInt {
    const w = this.#w(o, 'max')
    const [ra, rb] = [this.builder.range(this.wire), this.builder.range(w)]
    if (ra.lo >= rb.hi) return this
    if (rb.lo >= ra.hi) return this.#wrap(w)
    return select(this.gt(o), this, this.#wrap(w))
  }
  /**
   * Reduce modulo 2^bits: C-style wrap-around. Unsigned result in [0, 2^bits), or with `signed` the
   * two's-complement reading in [−2^(bits−1), 2^(bits−1)).
   */
  wrap(bits: number, signed = false): SInt {
    const b = this.builder
    if (!Number.isInteger(bits) || bits < 1 || bits > 64) throw new LangTypeError(`sint.wrap(${bits}): bits must be 1 to 64`)
    const m = 1n << BigInt(bits)
    const r = b.range(this.wire)
    // Shift negatives up by a multiple of 2^bits (same residue) so the modulo sees a non-negative value.
    const offset = r.lo < 0n ? ((-r.lo + m - 1n) / m) * m : 0n
    let u = b.modc(b.addc(this.wire, offset), m)
    if (signed) {
      const high = b.not(b.lt(u, b.constant(m >> 1n)))
      u = b.sub(u, b.mulc(high, m))
    }
    return this.#wrap(u)
  }
  toFixed(): SFixed {
    return new SFixed(this.builder, this.builder.mulc(this.wire, SCALE))
  }
  scalarType(): ScalarType {
    const { bits, signed } = bitsOf(this.builder.range(this.wire))
    return { kind: 'int', signed, bits }
  }
}

export class SFixed extends SecretValue {
  readonly kind = 'sfixed'

  #w(o: FixedLike, op: string): Wire {
    if (o instanceof SFixed) return o.wire
    if (o instanceof SInt) return o.toFixed().wire
    if (typeof o === 'number' || typeof o === 'bigint') return this.builder.constant(fixedConst(o, `sfixed.${op}`))
    throw new LangTypeError(`sfixed.${op}: expected an sfixed, an sint or a number`)
  }
  #wrap(w: Wire): SFixed {
    return new SFixed(this.builder, w)
  }
  add(o: FixedLike): SFixed {
    return this.#wrap(this.builder.add(this.wire, this.#w(o, 'add')))
  }
  sub(o: FixedLike): SFixed {
    return this.#wrap(this.builder.sub(this.wire, this.#w(o, 'sub')))
  }
  neg(): SFixed {
    return this.#wrap(this.builder.neg(this.wire))
  }
  /** Product, rescaled by probabilistic truncation (the last bit may round either way). */
  mul(o: FixedLike): SFixed {
    const b = this.builder
    if (typeof o === 'bigint' || (typeof o === 'number' && Number.isSafeInteger(o))) return this.#wrap(b.mulc(this.wire, BigInt(o)))
    if (o instanceof SInt) return this.#wrap(b.mul(this.wire, o.wire))
    if (typeof o === 'number') {
      if (!Number.isFinite(o)) throw new LangTypeError(`sfixed.mul: ${o} is not a finite number`)
      const c = BigInt(Math.round(o * 2 ** (FIXED_FRAC + CONST_EXTRA)))
      return this.#wrap(b.truncpr(b.mulc(this.wire, c), FIXED_FRAC + CONST_EXTRA))
    }
    return this.#wrap(b.truncpr(b.mul(this.wire, this.#w(o, 'mul')), FIXED_FRAC))
  }
  /** Quotient. By a public number: multiplication by its inverse; by a secret: integer division of x·2^16 by y. */
  div(o: FixedLike): SFixed {
    if (typeof o === 'number' || typeof o === 'bigint') {
      if (Number(o) === 0) throw new LangTypeError('sfixed.div: division by the public constant 0')
      return this.mul(1 / Number(o))
    }
    const b = this.builder
    return this.#wrap(divmod(b, b.mulc(this.wire, SCALE), this.#w(o, 'div'), 'div'))
  }
  lt(o: FixedLike): SBool {
    return new SBool(this.builder, this.builder.lt(this.wire, this.#w(o, 'lt')))
  }
  gt(o: FixedLike): SBool {
    return new SBool(this.builder, this.builder.lt(this.#w(o, 'gt'), this.wire))
  }
  le(o: FixedLike): SBool {
    return this.gt(o).not()
  }
  ge(o: FixedLike): SBool {
    return this.lt(o).not()
  }
  eq(o: FixedLike): SBool {
    return new SBool(this.builder, this.builder.eq(this.wire, this.#w(o, 'eq')))
  }
  ne(o: FixedLike): SBool {
    return this.eq(o).not()
  }
  abs(): SFixed {
    return this.#wrap(this.builder.abs(this.wire))
  }
  scalarType(): ScalarType {
    const r = this.builder.range(this.wire)
    const mag = bitLength(r.lo < 0n ? -r.lo : r.lo) > bitLength(r.hi) ? -r.lo : r.hi
    return { kind: 'fixed', frac: FIXED_FRAC, intBits: Math.max(1, bitLength(mag) - FIXED_FRAC + 1) }
  }
}

/** Truncating signed division / remainder via the unsigned protocols and sign correction. */
function divmod(b: CircuitBuilder, a: Wire, d: Wire, which: 'div' | 'mod'): Wire {
  const cd = b.constValue(d)
  if (cd === 0n) throw new LangTypeError(`${which}: division by the public constant 0`)
  const ra = b.range(a)
  const rd = b.range(d)
  // b.abs makes the same comparison gate as sa / sd (CSE), so the signs cost nothing extra.
  const sa = ra.lo < 0n ? b.lt(a, b.constant(0n)) : b.constant(0n)
  const sd = rd.lo < 0n ? b.lt(d, b.constant(0n)) : b.constant(0n)
  const ua = b.abs(a)
  const ud = b.abs(d)
  if (which === 'div') {
    const q = b.divs(ua, ud)
    const s = b.sub(b.add(sa, sd), b.mulc(b.mul(sa, sd), 2n)) // sa xor sd
    return b.sub(q, b.mulc(b.mul(s, q), 2n))
  }
  const r = b.mods(ua, ud)
  return b.sub(r, b.mulc(b.mul(sa, r), 2n))
}

export type Scalar = SBool | SInt | SFixed
/** A value of a contract: a secret scalar, a public number/bigint/boolean, or arrays and objects of these. */
export type Value = Scalar | number | bigint | boolean | readonly Value[] | { readonly [k: string]: Value }

export function isScalar(v: unknown): v is Scalar {
  return v instanceof SecretValue
}

/** `a` if `c` else `b`, element-wise over arrays and objects; costs one multiplication per secret scalar. */
export function select<T extends Value>(c: BoolLike, a: T, b: T): T
export function select(c: BoolLike, a: Value, b: Value): Value {
  if (typeof c === 'boolean') return c ? a : b
  if (!(c instanceof SBool)) {
    throw new LangTypeError('select(c, a, b): the condition must be an sbool (a comparison result) or a boolean')
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) throw new LangTypeError('select(c, a, b): a and b must be arrays of the same length')
    return a.map((x, i) => select(c, x, b[i]!))
  }
  if (isObjectValue(a) || isObjectValue(b)) {
    if (!isObjectValue(a) || !isObjectValue(b)) throw new LangTypeError('select(c, a, b): a and b must have the same shape')
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length || keys.some((k) => !(k in b))) throw new LangTypeError('select(c, a, b): a and b must have the same fields')
    return Object.fromEntries(keys.map((k) => [k, select(c, a[k]!, b[k]!)]))
  }
  const bld = c.builder
  const kind = scalarKind(a, b)
  const wa = scalarWire(bld, a, kind)
  const wb = scalarWire(bld, b, kind)
  const w = bld.select(c.wire, wa, wb)
  return kind === 'bool' ? new SBool(bld, w) : kind === 'fixed' ? new SFixed(bld, w) : new SInt(bld, w)
}

function isObjectValue(v: unknown): v is { readonly [k: string]: Value } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof SecretValue)
}

type Kind = 'bool' | 'int' | 'fixed'

/** Kind of one side of a select; undefined for a public integer, which fits int or fixed. */
function kindOf(v: Value): Kind | undefined {
  if (v instanceof SBool || typeof v === 'boolean') return 'bool'
  if (v instanceof SFixed || (typeof v === 'number' && !Number.isInteger(v))) return 'fixed'
  if (v instanceof SInt) return 'int'
  return undefined
}

function scalarKind(a: Value, b: Value): Kind {
  const ka = kindOf(a)
  const kb = kindOf(b)
  const bools = [ka, kb].filter((k) => k === 'bool').length
  if (bools === 1 && ka !== undefined && kb !== undefined) {
    throw new LangTypeError('select(c, a, b): cannot mix a boolean with a number; convert with toInt()')
  }
  if (ka === 'fixed' || kb === 'fixed') return 'fixed'
  if (bools > 0) return 'bool'
  return 'int'
}

/** The wire of a scalar or public value, converted to the representation of `kind`. */
export function scalarWire(b: CircuitBuilder, v: Value, kind: Kind): Wire {
  if (v instanceof SBool) return v.wire
  if (v instanceof SFixed) return v.wire
  if (v instanceof SInt) return kind === 'fixed' ? v.toFixed().wire : v.wire
  if (typeof v === 'boolean') return b.constant(v ? 1n : 0n)
  if (typeof v === 'number' || typeof v === 'bigint') return b.constant(kind === 'fixed' ? fixedConst(v, 'select') : publicInt(v, 'select'))
  throw new LangTypeError('expected a secret or public scalar')
}
