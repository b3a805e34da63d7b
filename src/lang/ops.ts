/**
 * Free functions over secret values: min / max / argmax / argmin (log-depth tournaments), sum, dot,
 * and secret-index read and write (cost linear in the length: one equality test and one
 * multiplication per element, all in the same round).
 */
import { LangTypeError } from './errors.ts'
import { SBool, SFixed, SInt, select, scalarWire, type Scalar, type Value, type IntLike } from './secret.ts'

type Num = SInt | SFixed

function builderOf(vs: readonly unknown[], fn: string) {
  for (const v of vs) if (v instanceof SInt || v instanceof SFixed || v instanceof SBool) return v.builder
  throw new LangTypeError(`${fn}: needs at least one secret value`)
}

function nonEmpty<T>(xs: readonly T[], fn: string): void {
  if (!Array.isArray(xs) || xs.length === 0) throw new LangTypeError(`${fn}: expected a non-empty array`)
}

const gt = (a: Num, b: Num): SBool => (a instanceof SFixed ? a.gt(b) : a.gt(b))
const lt = (a: Num, b: Num): SBool => (a instanceof SFixed ? a.lt(b) : a.lt(b))

/**
 * Tournament over adjacent pairs; `better(r, l)` says the right one wins. Left entries always have
 * lower indices, and the right wins only when strictly better, so ties go to the lowest index.
 */
function tournament(xs: readonly Num[], better: (r: Num, l: Num) => SBool): { value: Num; index: SInt | number } {
  let layer: { value: Num; index: SInt | number }[] = xs.map((value, index) => ({ value, index }))
  while (layer.length > 1) {
    const next: typeof layer = []
    for (let i = 0; i + 1 < layer.length; i += 2) {
      const l = layer[i]!
      const r = layer[i + 1]!
      const c = better(r.value, l.value)
      next.push({ value: select(c, r.value, l.value) as Num, index: select(c, r.index, l.index) as SInt | number })
    }
    if (layer.length % 2 === 1) next.push(layer[layer.length - 1]!)
    layer = next
  }
  return layer[0]!
}

function asIndex(xs: readonly Num[], i: SInt | number): SInt {
  if (i instanceof SInt) return i
  const b = builderOf(xs, 'argmax')
  return new SInt(b, b.constant(BigInt(i)))
}

/** Smallest element (of an array, or of two values). */
export function min<T extends Num>(xs: readonly T[]): T
export function min<T extends Num>(a: T, b: T | number): T
export function min(a: Num | readonly Num[], b?: Num | number): Num {
  if (Array.isArray(a)) {
    nonEmpty(a, 'min')
    return tournament(a, lt).value
  }
  return select(lt(a as Num, (typeof b === 'number' ? b : b!) as Num), a as Num, b as Num) as Num
}

/** Largest element (of an array, or of two values). */
export function max<T extends Num>(xs: readonly T[]): T
export function max<T extends Num>(a: T, b: T | number): T
export function max(a: Num | readonly Num[], b?: Num | number): Num {
  if (Array.isArray(a)) {
    nonEmpty(a, 'max')
    return tournament(a, gt).value
  }
  return select(gt(a as Num, b as Num), a as Num, b as Num) as Num
}

/** Index of the largest element, the lowest index on ties. ⌈log2 n⌉ comparison rounds. */
export function argmax(xs: readonly Num[]): SInt {
  nonEmpty(xs, 'argmax')
  return asIndex(xs, tournament(xs, gt).index)
}

/** Index of the smallest element, the lowest index on ties. */
export function argmin(xs: readonly Num[]): SInt {
  nonEmpty(xs, 'argmin')
  return asIndex(xs, tournament(xs, lt).index)
}

/** Σ xs (free: additions are local). */
export function sum<T extends Num>(xs: readonly T[]): T {
  nonEmpty(xs, 'sum')
  let acc: Num = xs[0]!
  for (let i = 1; i < xs.length; i++) acc = acc instanceof SFixed ? acc.add(xs[i]!) : (acc as SInt).add(xs[i]! as SInt)
  return acc as T
}

/**
 * Σ a[i]·b[i]. For fixed point the products are summed at double scale and truncated once: one
 * truncation instead of n, and less rounding error.
 */
export function dot<T extends Num>(a: readonly T[], b: readonly (T | number)[]): T {
  nonEmpty(a, 'dot')
  if (!Array.isArray(b) || a.length !== b.length) throw new LangTypeError(`dot: lengths differ (${a.length} and ${Array.isArray(b) ? b.length : 'not an array'})`)
  const bld = builderOf(a, 'dot')
  const fixedAny = a.some((x) => x instanceof SFixed) || b.some((x) => x instanceof SFixed || (typeof x === 'number' && !Number.isInteger(x)))
  if (!fixedAny) {
    let acc = bld.constant(0n)
    a.forEach((x, i) => {
      acc = bld.add(acc, bld.mul(scalarWire(bld, x, 'int'), scalarWire(bld, b[i]!, 'int')))
    })
    return new SInt(bld, acc) as T
  }
  let acc = bld.constant(0n)
  a.forEach((x, i) => {
    acc = bld.add(acc, bld.mul(scalarWire(bld, x, 'fixed'), scalarWire(bld, b[i]!, 'fixed')))
  })
  return new SFixed(bld, bld.truncpr(acc, 16)) as T
}

/** arr[index] for a secret index: Σ (index == i)·arr[i]; an out-of-range index reads 0. */
export function readAt<T extends Value>(arr: readonly T[], index: IntLike): T {
  nonEmpty(arr, 'readAt')
  if (!(index instanceof SInt)) {
    const i = Number(index)
    if (!Number.isInteger(i) || i < 0 || i >= arr.length) throw new LangTypeError(`readAt: public index ${i} is outside 0…${arr.length - 1}`)
    return arr[i]!
  }
  let acc: Value | undefined
  arr.forEach((x, i) => {
    const term = select(index.eq(i), x, zeroLike(x))
    acc = acc === undefined ? term : addValues(acc, term)
  })
  return acc as T
}

/** A copy of arr with arr[index] = value for a secret index (unchanged if out of range). */
export function writeAt<T extends Value>(arr: readonly T[], index: IntLike, value: T): T[] {
  nonEmpty(arr, 'writeAt')
  if (!(index instanceof SInt)) {
    const i = Number(index)
    if (!Number.isInteger(i) || i < 0 || i >= arr.length) throw new LangTypeError(`writeAt: public index ${i} is outside 0…${arr.length - 1}`)
    return arr.map((x, j) => (j === i ? value : x))
  }
  return arr.map((x, i) => select(index.eq(i), value, x))
}

function zeroLike(v: Value): Value {
  if (Array.isArray(v)) return v.map(zeroLike)
  if (v instanceof SBool || typeof v === 'boolean') return false
  if (v instanceof SFixed) return 0.0
  if (v !== null && typeof v === 'object' && !(v instanceof SInt)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, zeroLike(x)]))
  return 0
}

/** Sum of two values of one shape (the terms of readAt: at most one is non-zero, so booleans add too). */
function addValues(a: Value, b: Value): Value {
  if (Array.isArray(a)) return a.map((x, i) => addValues(x, (b as readonly Value[])[i]!))
  if (a instanceof SBool) return new SBool(a.builder, a.builder.add(a.wire, (b as SBool).wire))
  if (a instanceof SFixed) return a.add(b as SFixed)
  if (a instanceof SInt) return a.add(b as SInt)
  if (a !== null && typeof a === 'object') return Object.fromEntries(Object.entries(a).map(([k, x]) => [k, addValues(x, (b as Record<string, Value>)[k]!)]))
  throw new LangTypeError('readAt: unsupported element type')
}

export type { Scalar }
