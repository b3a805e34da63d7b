/**
 * Smart constructors for the circuit IR (o1js habit, DESIGN.md §6): every gate is built through a
 * method that first tries to fold it.
 *
 * Folding rules (each has a test in builder.test.ts):
 * - constants: any gate whose arguments are all `const` becomes one `const`;
 * - identities: x + 0 = x, x · 1 = x, x · 0 = 0, x − x = 0, x == x is 1, x < x is 0,
 *   b · b = b when b ∈ {0,1}, nested `addc`/`mulc` chains collapse to one gate;
 * - public × secret is `mulc` (local, free), public + secret is `addc`;
 * - comparisons the bounds already decide (a.hi < b.lo ⇒ a < b is 1) become constants;
 * - divisions by 1, and a mod d with a < d, disappear;
 * - common subexpressions: a gate equal to an earlier one (same op, arguments, attributes; commutative
 *   operands sorted) is that earlier gate (hash-consing).
 * Dead gates are removed later (`finalize.ts`), so folding may leave unused gates behind.
 */
import { CircuitInvalidError, CircuitOverflowError } from './errors.ts'
import { bitLength, bitsOf, floorShift, magnitudeBits, mulRange, union, type Range } from './range.ts'
import { MAX_PROTOCOL_BITS, MAX_VALUE_BITS } from './limits.ts'
import type { Gate, Op } from './types.ts'

export type Wire = number

export interface BuilderOptions {
  /**
   * Lower divisions by a public non-power-of-two d whose operand is too wide for p61's exact
   * division (2k + 3 > 61) into a long division in base 2^c with narrow steps, so the circuit can
   * stay in p61. More rounds, half the bytes; the compiler tries it when a circuit would otherwise
   * need p127 (lang/compile.ts).
   */
  readonly narrowDivision?: boolean
}

/** Widest operand p61 divides exactly by any public d (2k + 3 ≤ 61, src/protocols/division.ts). */
const P61_EXACT_DIV_BITS = 29

export class CircuitBuilder {
  readonly gates: Gate[] = []
  readonly #cse = new Map<string, Wire>()
  readonly #narrowDivision: boolean

  constructor(opts: BuilderOptions = {}) {
    this.#narrowDivision = opts.narrowDivision ?? false
  }

  range(w: Wire): Range {
    const g = this.#gate(w)
    return { lo: g.lo, hi: g.hi }
  }

  /** The value of a wire if it is a public constant. */
  constValue(w: Wire): bigint | undefined {
    const g = this.#gate(w)
    return g.op === 'const' ? g.attrs[0] : undefined
  }

  constant(v: bigint): Wire {
    return this.#emit('const', [], [v], { lo: v, hi: v })
  }

  /** A secret input element with declared bounds (no CSE: every slot is its own gate). */
  input(slot: number, r: Range): Wire {
    return this.#emit('input', [], [BigInt(slot)], r)
  }

  add(a: Wire, b: Wire): Wire {
    const ca = this.constValue(a)
    const cb = this.constValue(b)
    if (cb !== undefined) return this.addc(a, cb)
    if (ca !== undefined) return this.addc(b, ca)
    const [x, y] = a <= b ? [a, b] : [b, a]
    const rx = this.range(x)
    const ry = this.range(y)
    return this.#emit('add', [x, y], [], { lo: rx.lo + ry.lo, hi: rx.hi + ry.hi })
  }

  sub(a: Wire, b: Wire): Wire {
    if (a === b) return this.constant(0n)
    const cb = this.constValue(b)
    if (cb !== undefined) return this.addc(a, -cb)
    const ca = this.constValue(a)
    if (ca !== undefined) return this.addc(this.neg(b), ca)
    const ra = this.range(a)
    const rb = this.range(b)
    return this.#emit('sub', [a, b], [], { lo: ra.lo - rb.hi, hi: ra.hi - rb.lo })
  }

  neg(a: Wire): Wire {
    return this.mulc(a, -1n)
  }

  addc(a: Wire, c: bigint): Wire {
    if (c === 0n) return a
    const g = this.#gate(a)
    if (g.op === 'const') return this.constant(g.attrs[0]! + c)
    if (g.op === 'addc') return this.addc(g.args[0]!, g.attrs[0]! + c)
    return this.#emit('addc', [a], [c], { lo: g.lo + c, hi: g.hi + c })
  }

  mulc(a: Wire, c: bigint): Wire {
    if (c === 0n) return this.constant(0n)
    if (c === 1n) return a
    const g = this.#gate(a)
    if (g.op === 'const') return this.constant(g.attrs[0]! * c)
    if (g.op === 'mulc') return this.mulc(g.args[0]!, g.attrs[0]! * c)
    return this.#emit('mulc', [a], [c], mulRange(g, { lo: c, hi: c }))
  }

  mul(a: Wire, b: Wire): Wire {
    const ca = this.constValue(a)
    const cb = this.constValue(b)
    if (cb !== undefined) return this.mulc(a, cb)
    if (ca !== undefined) return this.mulc(b, ca)
    const ra = this.range(a)
    if (a === b && ra.lo >= 0n && ra.hi <= 1n) return a // a bit squared is itself
    const [x, y] = a <= b ? [a, b] : [b, a]
    return this.#emit('mul', [x, y], [], mulRange(ra, this.range(b)))
  }

  /** a < b as 0/1. */
  lt(a: Wire, b: Wire): Wire {
    if (a === b) return this.constant(0n)
    const ra = this.range(a)
    const rb = this.range(b)
    if (ra.hi < rb.lo) return this.constant(1n)
    if (ra.lo >= rb.hi) return this.constant(0n)
    const { bits, signed } = this.#compareBits('lt', ra, rb)
    return this.#emit('lt', [a, b], [BigInt(bits), signed ? 1n : 0n], { lo: 0n, hi: 1n })
  }

  /** a == b as 0/1. */
  eq(a: Wire, b: Wire): Wire {
    if (a === b) return this.constant(1n)
    const ra = this.range(a)
    const rb = this.range(b)
    if (ra.hi < rb.lo || rb.hi < ra.lo) return this.constant(0n)
    if (ra.lo === ra.hi && rb.lo === rb.hi) return this.constant(ra.lo === rb.lo ? 1n : 0n)
    const [x, y] = a <= b ? [a, b] : [b, a]
    const { bits, signed } = this.#compareBits('eq', ra, rb)
    return this.#emit('eq', [x, y], [BigInt(bits), signed ? 1n : 0n], { lo: 0n, hi: 1n })
  }

  /**
   * c ? a : b for a 0/1 wire c, as b + c·(a − b): one multiplication. Its range is the union of a's and
   * b's (interval arithmetic on the formula alone would widen it at every step of a sort or tournament).
   */
  select(c: Wire, a: Wire, b: Wire): Wire {
    const cc = this.constValue(c)
    if (cc !== undefined) return cc === 0n ? b : a
    if (a === b) return a
    return this.narrow(this.add(b, this.mul(c, this.sub(a, b))), union(this.range(a), this.range(b)))
  }

  /** |a|: one comparison and one multiplication; range [0, max |a|]. */
  abs(a: Wire): Wire {
    const r = this.range(a)
    if (r.lo >= 0n) return a
    if (r.hi <= 0n) return this.neg(a)
    const s = this.lt(a, this.constant(0n))
    const m = -r.lo > r.hi ? -r.lo : r.hi
    return this.narrow(this.sub(a, this.mulc(this.mul(s, a), 2n)), { lo: 0n, hi: m })
  }

  /**
   * Record that wire w always lies in r (intersected with what is known). Sound only when the caller
   * proves it (select, abs, min/max of a pair): the plaintext interpreter's `checkRanges` tests every
   * such claim. Narrowing a shared gate is fine: the claim is about the value, wherever it is used.
   */
  narrow(w: Wire, r: Range): Wire {
    const g = this.#gate(w)
    const lo = r.lo > g.lo ? r.lo : g.lo
    const hi = r.hi < g.hi ? r.hi : g.hi
    if (lo > hi) throw new CircuitInvalidError(`narrow: wire ${w} range [${g.lo}, ${g.hi}] does not meet [${r.lo}, ${r.hi}]`)
    if (lo !== g.lo || hi !== g.hi) this.gates[w] = { ...g, lo, hi }
    return w
  }

  /** 1 − a for a 0/1 wire. */
  not(a: Wire): Wire {
    return this.addc(this.neg(a), 1n)
  }

  /**
   * ⌊a / 2^shift⌋, possibly + 1 (probabilistic truncation, Catrina–Saxena 2010): the fixed-point
   * rescale after a multiplication. The reference interpreter takes the floor.
   */
  truncpr(a: Wire, shift: number): Wire {
    if (shift === 0) return a
    const s = BigInt(shift)
    const g = this.#gate(a)
    if (g.op === 'const') return this.constant(floorShift(g.attrs[0]!, s))
    // No 64-bit cap here: truncation masks its operand (bits + κ must fit the field, field-choice.ts).
    // The protocol takes a signed width (an unsigned k-bit value is a (k+1)-bit signed one) > shift.
    const r = bitsOf(g)
    const bits = Math.max(r.signed ? r.bits : r.bits + 1, shift + 1)
    return this.#emit('truncpr', [a], [BigInt(bits), s], { lo: floorShift(g.lo, s), hi: floorShift(g.hi, s) + 1n })
  }

  /** ⌊a / d⌋ for a public d ≥ 1 and a ≥ 0. */
  divc(a: Wire, d: bigint): Wire {
    const g = this.#unsignedOperand('divc', a)
    if (d < 1n) throw new CircuitInvalidError(`divc: divisor must be ≥ 1, got ${d}`)
    if (d === 1n) return a
    if (g.op === 'const') return this.constant(g.attrs[0]! / d)
    if (g.hi < d) return this.constant(0n)
    const { bits } = bitsOf(g)
    this.#checkProtocolBits('divc', bits)
    if (this.#lowerable(bits, d)) return this.#longDivision(a, bits, d).q
    return this.#emit('divc', [a], [BigInt(bits), d], { lo: g.lo / d, hi: g.hi / d })
  }

  #lowerable(bits: number, d: bigint): boolean {
    const pow2 = (d & (d - 1n)) === 0n
    return this.#narrowDivision && !pow2 && bits > P61_EXACT_DIV_BITS && bits + 2 <= 61 && bitLength(d - 1n) < P61_EXACT_DIV_BITS - 1
  }

  /**
   * Schoolbook division in base 2^c: split a into c-bit digits (exact power-of-two truncations, all
   * in one level), then for each digit from the top: cur = r·2^c + digit < d·2^c ≤ 2^29,
   * q_i = ⌊cur/d⌋ (exact in p61), r = cur − q_i·d (free). Quotient Σ q_i·2^(c·i), remainder r.
   */
  #longDivision(a: Wire, bits: number, d: bigint): { q: Wire; r: Wire } {
    const c = P61_EXACT_DIV_BITS - bitLength(d - 1n)
    const m = Math.ceil(bits / c)
    const C = 1n << BigInt(c)
    let r = this.constant(0n)
    let q = this.constant(0n)
    for (let i = m - 1; i >= 0; i--) {
      const digit = this.modc(this.divc(a, 1n << BigInt(c * i)), C)
      const cur = this.add(this.mulc(r, C), digit)
      const qi = this.divc(cur, d)
      r = this.narrow(this.sub(cur, this.mulc(qi, d)), { lo: 0n, hi: d - 1n })
      q = this.add(this.mulc(q, C), qi)
    }
    const g = this.#gate(a)
    return { q: this.narrow(q, { lo: g.lo / d, hi: g.hi / d }), r }
  }

  /** a mod d for a public d ≥ 1 and a ≥ 0. */
  modc(a: Wire, d: bigint): Wire {
    const g = this.#unsignedOperand('modc', a)
    if (d < 1n) throw new CircuitInvalidError(`modc: divisor must be ≥ 1, got ${d}`)
    if (d === 1n) return this.constant(0n)
    if (g.op === 'const') return this.constant(g.attrs[0]! % d)
    if (g.hi < d) return a
    const { bits } = bitsOf(g)
    this.#checkProtocolBits('modc', bits)
    if (this.#lowerable(bits, d)) return this.#longDivision(a, bits, d).r
    return this.#emit('modc', [a], [BigInt(bits), d], { lo: 0n, hi: d - 1n })
  }

  /**
   * ⌊a / b⌋ for secret a, b ≥ 0. Division by zero yields 0 (and `mods` yields a): the reference
   * convention; the protocols must match it or the contract must rule b = 0 out.
   */
  divs(a: Wire, b: Wire): Wire {
    const cb = this.constValue(b)
    if (cb !== undefined && cb >= 1n) return this.divc(a, cb)
    const ga = this.#unsignedOperand('divs', a)
    const gb = this.#unsignedOperand('divs', b)
    if (ga.op === 'const' && ga.attrs[0] === 0n) return a
    if (gb.hi === 0n) return this.constant(0n)
    const { bits } = this.#compareBits('divs', ga, gb)
    const lo = gb.lo >= 1n ? ga.lo / gb.hi : 0n
    const hi = gb.lo >= 1n ? ga.hi / gb.lo : ga.hi
    return this.#emit('divs', [a, b], [BigInt(bits)], { lo, hi })
  }

  mods(a: Wire, b: Wire): Wire {
    const cb = this.constValue(b)
    if (cb !== undefined && cb >= 1n) return this.modc(a, cb)
    const ga = this.#unsignedOperand('mods', a)
    const gb = this.#unsignedOperand('mods', b)
    if (ga.op === 'const' && ga.attrs[0] === 0n) return a
    if (gb.hi === 0n) return a
    const { bits } = this.#compareBits('mods', ga, gb)
    const hi = gb.lo >= 1n && gb.hi - 1n < ga.hi ? gb.hi - 1n : ga.hi
    return this.#emit('mods', [a, b], [BigInt(bits)], { lo: 0n, hi })
  }

  #gate(w: Wire): Gate {
    const g = this.gates[w]
    if (g === undefined) throw new CircuitInvalidError(`wire ${w} does not exist`)
    return g
  }

  #unsignedOperand(op: string, w: Wire): Gate {
    const g = this.#gate(w)
    if (g.lo < 0n) throw new CircuitInvalidError(`${op}: operand may be negative (lower bound ${g.lo}); take the absolute value first`)
    return g
  }

  #compareBits(op: string, a: Range, b: Range): { bits: number; signed: boolean } {
    const r = bitsOf({ lo: a.lo < b.lo ? a.lo : b.lo, hi: a.hi > b.hi ? a.hi : b.hi })
    this.#checkProtocolBits(op, r.bits)
    return r
  }

  #checkProtocolBits(op: string, bits: number): void {
    if (bits > MAX_PROTOCOL_BITS) {
      throw new CircuitOverflowError(`${op}: operands need ${bits} bits, the protocols handle at most ${MAX_PROTOCOL_BITS}`, {
        details: 'Narrow the values first: wrap(bits) reduces an integer modulo 2^bits, division shrinks it.',
      })
    }
  }

  #emit(op: Op, args: Wire[], attrs: bigint[], r: Range): Wire {
    const key = `${op}|${args.join(',')}|${attrs.join(',')}`
    const hit = op === 'input' ? undefined : this.#cse.get(key)
    if (hit !== undefined) return hit
    if (magnitudeBits(r) > MAX_VALUE_BITS) {
      throw new CircuitOverflowError(`${op}: the result may reach ${magnitudeBits(r)} bits, more than any field holds exactly (${MAX_VALUE_BITS})`, {
        details: 'Integers are exact and widen automatically (uint32 · uint32 is a 64-bit value); use wrap(bits) to reduce modulo 2^bits.',
      })
    }
    const id = this.gates.length
    this.gates.push({ op, args, attrs, lo: r.lo, hi: r.hi })
    this.#cse.set(key, id)
    return id
  }
}
