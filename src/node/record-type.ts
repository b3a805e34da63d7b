/**
 * The type of a stored record (docs/state.md "Records"): any value type of the contract language,
 * plus the field its shares live in (a sharing over p61 cannot be re-shared into a p127 committee
 * without reconstructing it, so the field is part of the type). The chain keeps only a hash of it:
 *
 *   typeHash = keccak256("enigma.record-type.v1" ‖ 0x00 ‖ field ‖ 0x00 ‖ canonical JSON of the type)
 *
 * The canonical JSON has sorted keys and no whitespace (the circuit encoding's rule,
 * src/circuit/encode.ts), so the SDK, the CLI and every node compute the same hash. Browser-safe
 * (@noble/hashes only): the SDK uses it.
 *
 * `parseRecordType` reads the command line's `--type`: `sbool`, `uint32`, `int(12)`, `fixed`,
 * `within(fixed, -100, 100)`, `array(uint32, 3)` or `uint32[3]`, and objects `{ income: uint32, debts: uint32 }`:
 * the language's own constructors (src/lang/types.ts), so a record can have exactly a contract input's type.
 */
import { keccak_256 } from '@noble/hashes/sha3.js'
import type { ValueType } from '../circuit/types.ts'
import type { FieldName } from '../field/types.ts'
import { array, fixed, int, sbool, toValueType, uint, within, type FixedSpec, type IntSpec, type TypeSpec } from '../lang/types.ts'
import { EnigmaError } from '../common/errors.ts'

export const RECORD_TYPE_LABEL = 'enigma.record-type.v1'
/** Default field of a record: p127 keeps every language type exact and fits comparisons on it. */
export const DEFAULT_RECORD_FIELD: FieldName = 'p127'

export interface RecordType {
  readonly type: ValueType
  readonly field: FieldName
}

export class RecordTypeError extends EnigmaError {
  override name = 'RecordTypeError'
  constructor(message: string) {
    super('RECORD_TYPE_INVALID', message)
  }
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json }

function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`
  return JSON.stringify(v)
}

function typeJson(t: ValueType): Json {
  switch (t.kind) {
    case 'array': return { kind: 'array', of: typeJson(t.of), length: t.length }
    case 'object': return { kind: 'object', fields: t.fields.map(([k, f]) => [k, typeJson(f)]) }
    default: return { ...t } as Json
  }
}

/** The canonical text the type hash is taken over (also what `enigma records` shows). */
export function canonicalRecordType(rt: RecordType): string {
  return canonical(typeJson(rt.type))
}

export function recordTypeHash(rt: RecordType): `0x${string}` {
  const bytes = new TextEncoder().encode(`${RECORD_TYPE_LABEL}\u0000${rt.field}\u0000${canonicalRecordType(rt)}`)
  return `0x${Array.from(keccak_256(bytes), (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** Parse `--type` text into a language type (validated by the language's own constructors). */
export function parseRecordType(text: string): ValueType {
  let i = 0
  const fail = (what: string): never => { throw new RecordTypeError(`--type '${text}': ${what} at position ${i}`) }
  const ws = (): void => { while (i < text.length && /\s/.test(text[i]!)) i++ }
  const eat = (c: string): void => { ws(); if (text[i] !== c) fail(`expected '${c}'`); i++ }
  const ident = (): string => {
    ws()
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))
    if (!m) fail('expected a name')
    i += m![0].length
    return m![0]
  }
  const integer = (): number => {
    ws()
    const m = /^[0-9]{1,9}/.exec(text.slice(i))
    if (!m) fail('expected a number')
    i += m![0].length
    return Number(m![0])
  }
  const decimal = (): string => {
    ws()
    const m = /^-?[0-9]{1,20}(\.[0-9]{1,20})?/.exec(text.slice(i))
    if (!m) fail('expected a number')
    i += m![0].length
    return m![0]
  }
  const one = (): TypeSpec => {
    ws()
    let t: TypeSpec
    if (text[i] === '{') {
      i++
      const obj: Record<string, TypeSpec> = {}
      do {
        const name = ident()
        if (Object.hasOwn(obj, name)) fail(`field '${name}' twice`)
        eat(':')
        obj[name] = one()
        ws()
      } while (text[i] === ',' && ++i)
      eat('}')
      t = obj
    } else {
      const name = ident()
      const sized = /^(u?int)([0-9]+)$/.exec(name)
      if (name === 'sbool' || name === 'bool') t = sbool
      else if (name === 'fixed') t = fixed
      else if (sized) t = sized[1] === 'uint' ? uint(Number(sized[2])) : int(Number(sized[2]))
      else if (name === 'uint' || name === 'int') { eat('('); const k = integer(); eat(')'); t = name === 'uint' ? uint(k) : int(k) }
      else if (name === 'array') { eat('('); const of = one(); eat(','); const n = integer(); eat(')'); t = array(of, n) }
      else if (name === 'within') {
        eat('(')
        const of = one()
        const kind = (of as { kind?: unknown }).kind
        if (kind !== 'int' && kind !== 'fixed') fail('within() narrows an integer or fixed type')
        eat(','); const lo = decimal(); eat(','); const hi = decimal(); eat(')')
        t = kind === 'int' ? within(of as IntSpec, BigInt(lo), BigInt(hi)) : within(of as FixedSpec, Number(lo), Number(hi))
      }
      else t = fail(`unknown type '${name}' (sbool, uint8…uint64, int8…int64, uint(k), int(k), fixed, within(T, min, max), array(T, n), T[n], { a: T })`)
    }
    for (ws(); text[i] === '['; ws()) { i++; const n = integer(); eat(']'); t = array(t, n) }
    return t
  }
  try {
    const spec = one()
    ws()
    if (i !== text.length) fail('unexpected text')
    return toValueType(spec, '--type')
  } catch (e) {
    if (e instanceof RecordTypeError) throw e
    throw new RecordTypeError(`--type '${text}': ${e instanceof Error ? e.message : String(e)}`)
  }
}
