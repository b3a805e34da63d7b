/**
 * The circuit's boundary: checking and encoding input values (from inputs.json) into integers, and
 * decoding output integers into JSON values. Integers that do not fit a double travel as decimal
 * strings in both directions.
 */
import { InputInvalidError } from './errors.ts'
import type { Range } from './range.ts'
import type { ScalarType, ValueType } from './types.ts'

export function typeRange(t: ScalarType): Range {
  switch (t.kind) {
    case 'bool':
      return { lo: 0n, hi: 1n }
    case 'int': {
      const r = t.signed
        ? { lo: -(1n << BigInt(t.bits - 1)), hi: (1n << BigInt(t.bits - 1)) - 1n }
        : { lo: 0n, hi: (1n << BigInt(t.bits)) - 1n }
      return { lo: t.min !== undefined ? BigInt(t.min) : r.lo, hi: t.max !== undefined ? BigInt(t.max) : r.hi }
    }
    case 'fixed': {
      const m = (1n << BigInt(t.intBits + t.frac)) - 1n
      const s = 2 ** t.frac
      return { lo: t.min !== undefined ? BigInt(Math.round(t.min * s)) : -m, hi: t.max !== undefined ? BigInt(Math.round(t.max * s)) : m }
    }
  }
}

export function typeName(t: ValueType): string {
  switch (t.kind) {
    case 'bool':
      return 'sbool'
    case 'int':
      return `${t.signed ? 'int' : 'uint'}${t.bits}${t.min !== undefined || t.max !== undefined ? ` in ${typeRange(t).lo}…${typeRange(t).hi}` : ''}`
    case 'fixed':
      return t.min !== undefined || t.max !== undefined ? `fixed in ${t.min ?? '…'}…${t.max ?? '…'}` : `fixed (|x| < 2^${t.intBits})`
    case 'array':
      return `${typeName(t.of)}[${t.length}]`
    case 'object':
      return `{ ${t.fields.map(([k, f]) => `${k}: ${typeName(f)}`).join(', ')} }`
  }
}

/** Number of scalar slots of a type. */
export function slotCount(t: ValueType): number {
  if (t.kind === 'array') return t.length * slotCount(t.of)
  if (t.kind === 'object') return t.fields.reduce((s, [, f]) => s + slotCount(f), 0)
  return 1
}

/** Scalar types of a type's slots, depth first. */
export function slotTypes(t: ValueType, out: ScalarType[] = []): ScalarType[] {
  if (t.kind === 'array') for (let i = 0; i < t.length; i++) slotTypes(t.of, out)
  else if (t.kind === 'object') for (const [, f] of t.fields) slotTypes(f, out)
  else out.push(t)
  return out
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)
  if (Array.isArray(v)) return `an array of length ${v.length}`
  if (v === null) return 'null'
  if (typeof v === 'object') return 'an object'
  return String(v)
}

function encodeScalar(t: ScalarType, v: unknown, where: string): bigint {
  let x: bigint
  if (t.kind === 'bool') {
    if (typeof v !== 'boolean') throw new InputInvalidError(where, `expected true or false, got ${show(v)}`)
    return v ? 1n : 0n
  }
  if (t.kind === 'int') {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new InputInvalidError(where, `expected an integer (${typeName(t)}), got ${show(v)}`)
      if (!Number.isSafeInteger(v)) throw new InputInvalidError(where, `${show(v)} is not exact as a JSON number; write it as a decimal string`)
      x = BigInt(v)
    } else if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) x = BigInt(v)
    else throw new InputInvalidError(where, `expected an integer (${typeName(t)}), got ${show(v)}`)
  } else {
    if (typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(v)) v = Number(v)
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputInvalidError(where, `expected a decimal number, got ${show(v)}`)
    if (Math.abs(v) >= 2 ** t.intBits) throw new InputInvalidError(where, `${v} is out of range for ${typeName(t)}`)
    x = BigInt(Math.round(v * 2 ** t.frac))
    const r = typeRange(t)
    if (x < r.lo || x > r.hi) throw new InputInvalidError(where, `${v} is out of range for ${typeName(t)}`)
    return x
  }
  const r = typeRange(t)
  if (x < r.lo || x > r.hi) throw new InputInvalidError(where, `${show(v)} is out of range for ${typeName(t)} (${r.lo} … ${r.hi})`)
  return x
}

function encodeValue(t: ValueType, v: unknown, where: string, out: bigint[]): void {
  if (t.kind === 'array') {
    if (!Array.isArray(v)) throw new InputInvalidError(where, `expected an array of ${t.length} (${typeName(t)}), got ${show(v)}`)
    if (v.length !== t.length) throw new InputInvalidError(where, `expected an array of length ${t.length}, got length ${v.length}`)
    v.forEach((e, i) => encodeValue(t.of, e, `${where}[${i}]`, out))
  } else if (t.kind === 'object') {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputInvalidError(where, `expected an object ${typeName(t)}, got ${show(v)}`)
    const rec = v as Record<string, unknown>
    for (const k of Object.keys(rec)) if (!t.fields.some(([f]) => f === k)) throw new InputInvalidError(`${where}.${k}`, 'unknown field')
    for (const [k, f] of t.fields) {
      if (!(k in rec)) throw new InputInvalidError(`${where}.${k}`, 'missing field')
      encodeValue(f, rec[k], `${where}.${k}`, out)
    }
  } else out.push(encodeScalar(t, v, where))
}

/**
 * Check `values` (parsed inputs.json: name → value) against the declared inputs and encode them, in
 * the order of the declarations, as integers (signed interpretation). `source` names the file.
 */
export function encodeInputs(inputs: readonly { name: string; type: ValueType }[], values: unknown, source = 'inputs'): bigint[][] {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new InputInvalidError(source, `expected a JSON object mapping input names to values, got ${show(values)}`)
  }
  const rec = values as Record<string, unknown>
  const names = inputs.map((i) => i.name)
  for (const k of Object.keys(rec)) {
    if (!names.includes(k)) throw new InputInvalidError(`${source}: ${k}`, `unknown input; the contract's inputs are ${names.join(', ')}`)
  }
  return inputs.map((i) => {
    if (!(i.name in rec)) throw new InputInvalidError(`${source}: ${i.name}`, `missing input (${typeName(i.type)})`)
    const out: bigint[] = []
    encodeValue(i.type, rec[i.name], `${source}: ${i.name}`, out)
    return out
  })
}

export type OutputJson = number | string | boolean | OutputJson[] | { [k: string]: OutputJson }

function decodeScalar(t: ScalarType, x: bigint): OutputJson {
  if (t.kind === 'bool') return x !== 0n
  if (t.kind === 'fixed') return Number(x) / 2 ** t.frac
  return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString()
}

/** Decode the integers (signed interpretation) of one output's slots into its JSON value. */
export function decodeValue(t: ValueType, xs: readonly bigint[]): OutputJson {
  let i = 0
  const go = (u: ValueType): OutputJson => {
    if (u.kind === 'array') return Array.from({ length: u.length }, () => go(u.of))
    if (u.kind === 'object') return Object.fromEntries(u.fields.map(([k, f]) => [k, go(f)]))
    return decodeScalar(u, xs[i++]!)
  }
  return go(t)
}

/** Field element → signed integer (x > p/2 stands for x − p). */
export const toSigned = (x: bigint, p: bigint): bigint => (x > p >> 1n ? x - p : x)

/** The all-zero value of a type (false, 0, 0.0; arrays and objects of those): a state before its first task. */
export function zeroValue(t: ValueType): OutputJson {
  if (t.kind === 'array') return Array.from({ length: t.length }, () => zeroValue(t.of))
  if (t.kind === 'object') return Object.fromEntries(t.fields.map(([k, f]) => [k, zeroValue(f)]))
  return t.kind === 'bool' ? false : 0
}
