/**
 * Type descriptors for secret inputs: `sbool`, `uint(k)` / `int(k)` (1–64 bits), `fixed` (16
 * fractional bits, |x| < 2^15 by default), `array(T, n)` and plain objects `{ a: T, b: U }`.
 */
import type { ValueType } from '../circuit/types.ts'
import { LangTypeError } from './errors.ts'

/** Fractional bits of `fixed`: 2^−16 ≈ 1.5e−5 resolution (the issue asks for ≥ 16). */
export const FIXED_FRAC = 16
/** Integer bits of `fixed` inputs: |x| < 2^15 (the issue asks for a range ≥ ±2^15). */
export const FIXED_INT_BITS = 15

export interface BoolSpec { readonly kind: 'bool' }
export interface IntSpec { readonly kind: 'int'; readonly signed: boolean; readonly bits: number; readonly min?: string; readonly max?: string }
export interface FixedSpec { readonly kind: 'fixed'; readonly frac: number; readonly intBits: number; readonly min?: number; readonly max?: number }
export interface ArraySpec<T extends TypeSpec = TypeSpec> { readonly kind: 'array'; readonly of: T; readonly length: number }
export interface ObjectSpec { readonly [field: string]: TypeSpec }
export type TypeSpec = BoolSpec | IntSpec | FixedSpec | ArraySpec<any> | ObjectSpec

export const sbool: BoolSpec = { kind: 'bool' }

function intSpec(signed: boolean, bits: number): IntSpec {
  if (!Number.isInteger(bits) || bits < 1 || bits > 64) throw new LangTypeError(`${signed ? 'int' : 'uint'}(${bits}): integers have 1 to 64 bits`)
  if (signed && bits < 2) throw new LangTypeError('int(1): signed integers have 2 to 64 bits')
  return { kind: 'int', signed, bits }
}
export const uint = (bits: number): IntSpec => intSpec(false, bits)
export const int = (bits: number): IntSpec => intSpec(true, bits)
export const uint8 = uint(8)
export const uint16 = uint(16)
export const uint32 = uint(32)
export const uint64 = uint(64)
export const int8 = int(8)
export const int16 = int(16)
export const int32 = int(32)
export const int64 = int(64)
export const fixed: FixedSpec = { kind: 'fixed', frac: FIXED_FRAC, intBits: FIXED_INT_BITS }

/**
 * Narrow a type's declared range, e.g. `within(fixed, -100, 100)`. Inputs outside are rejected, and
 * every width derived from them shrinks: cheaper comparisons, and a smaller field when it fits.
 */
export function within<T extends IntSpec | FixedSpec>(t: T, min: number | bigint, max: number | bigint): T {
  if (t.kind === 'int') {
    const lo = BigInt(min)
    const hi = BigInt(max)
    const full = t.signed ? [-(1n << BigInt(t.bits - 1)), (1n << BigInt(t.bits - 1)) - 1n] : [0n, (1n << BigInt(t.bits)) - 1n]
    if (lo > hi || lo < full[0]! || hi > full[1]!) throw new LangTypeError(`within(${t.signed ? 'int' : 'uint'}${t.bits}, ${min}, ${max}): need min ≤ max inside the type's range`)
    return { ...t, min: lo.toString(), max: hi.toString() }
  }
  const lo = Number(min)
  const hi = Number(max)
  if (!(lo <= hi) || Math.abs(lo) >= 2 ** t.intBits || Math.abs(hi) >= 2 ** t.intBits) throw new LangTypeError(`within(fixed, ${min}, ${max}): need min ≤ max with |x| < 2^${t.intBits}`)
  return { ...t, min: lo, max: hi }
}

export function array<T extends TypeSpec>(of: T, length: number): ArraySpec<T> {
  if (!Number.isInteger(length) || length < 1) throw new LangTypeError(`array(…, ${length}): length must be a positive integer`)
  return { kind: 'array', of, length }
}

const isScalarSpec = (t: TypeSpec): t is BoolSpec | IntSpec | FixedSpec | ArraySpec =>
  typeof (t as { kind?: unknown }).kind === 'string'

/** Normalise a spec to the circuit's `ValueType` (objects keep their declaration order). */
export function toValueType(t: TypeSpec, where = 'type'): ValueType {
  if (t === null || typeof t !== 'object') throw new LangTypeError(`${where}: not a type (use sbool, uint(k), int(k), fixed, array(T, n) or an object of these)`)
  if (isScalarSpec(t)) {
    switch (t.kind) {
      case 'bool':
      case 'int':
      case 'fixed':
        return t
      case 'array':
        return { kind: 'array', of: toValueType(t.of, `${where}[]`), length: t.length }
      default:
        throw new LangTypeError(`${where}: unknown type kind ${String((t as { kind: unknown }).kind)}`)
    }
  }
  const fields = Object.keys(t).map((k) => [k, toValueType((t as ObjectSpec)[k]!, `${where}.${k}`)] as const)
  if (fields.length === 0) throw new LangTypeError(`${where}: an object type needs at least one field`)
  return { kind: 'object', fields }
}
