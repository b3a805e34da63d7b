/**
 * The compiler: validate params, trace `compute` over secret placeholders into the circuit builder
 * (folding and CSE happen as gates are made), collect the outputs, finalize (dead-gate elimination,
 * field choice), and report cost and code hash. Pure: no I/O, deterministic.
 */
import { CircuitBuilder, type Wire } from '../circuit/builder.ts'
import { codeHash, encodeCircuit } from '../circuit/encode.ts'
import { costOf, type CostOptions, type CostReport } from '../circuit/cost.ts'
import { finalizeCircuit } from '../circuit/finalize.ts'
import { bitsOf } from '../circuit/range.ts'
import type { Circuit, CircuitInput, CircuitOutput, CircuitState, ScalarType, ValueType } from '../circuit/types.ts'
import { typeName, typeRange } from '../circuit/values.ts'
import type { FieldName } from '../field/types.ts'
import { isNextState, isOutput, type Contract, type ParamSpec } from './contract.ts'
import { ContractInvalidError, ParamInvalidError } from './errors.ts'
import { SBool, SFixed, SInt, SecretValue as SecretValueBase, type Value } from './secret.ts'
import { FIXED_FRAC, toValueType, type TypeSpec } from './types.ts'

export interface CompileOptions extends CostOptions {
  /** Force a field (tests); default: the smallest exact one. */
  readonly field?: FieldName
}

export interface Compiled {
  readonly circuit: Circuit
  readonly codeHash: `0x${string}`
  readonly encoding: Uint8Array
  readonly cost: CostReport
}

/** Check and normalise params: strings from a command line ("5") or numbers. */
export function resolveParams(contract: Contract<any, any>, raw: Readonly<Record<string, string | number>>): Record<string, number> {
  const specs: Record<string, ParamSpec> = contract.params ?? {}
  const names = Object.keys(specs)
  for (const k of Object.keys(raw)) {
    if (!(k in specs)) {
      throw new ParamInvalidError(`param ${k}: unknown; ${contract.name} takes ${names.length ? names.map((n) => `${n} (${specs[n]!.min}…${specs[n]!.max})`).join(', ') : 'no params'}`)
    }
  }
  const out: Record<string, number> = {}
  for (const k of names) {
    const s = specs[k]!
    let v: unknown = raw[k] ?? s.default
    if (v === undefined) throw new ParamInvalidError(`param ${k}: missing; pass --param ${k}=<integer ${s.min}…${s.max}>`)
    if (typeof v === 'string') {
      if (!/^-?[0-9]+$/.test(v.trim())) throw new ParamInvalidError(`param ${k}=${v}: not an integer (expected ${s.min}…${s.max})`)
      v = Number(v.trim())
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ParamInvalidError(`param ${k}=${String(v)}: not an integer (expected ${s.min}…${s.max})`)
    if (v < s.min || v > s.max) throw new ParamInvalidError(`param ${k}=${v}: out of range ${s.min}…${s.max}`)
    out[k] = v
  }
  return out
}

function makeInput(b: CircuitBuilder, t: ValueType, slot: { next: number }, wires: Wire[]): unknown {
  switch (t.kind) {
    case 'array':
      return Array.from({ length: t.length }, () => makeInput(b, t.of, slot, wires))
    case 'object':
      return Object.fromEntries(t.fields.map(([k, f]) => [k, makeInput(b, f, slot, wires)]))
    default: {
      const w = b.input(slot.next++, typeRange(t))
      wires.push(w)
      return t.kind === 'bool' ? new SBool(b, w) : t.kind === 'fixed' ? new SFixed(b, w) : new SInt(b, w)
    }
  }
}

function unify(a: ValueType, b: ValueType, where: string): ValueType {
  if (a.kind !== b.kind) throw new ContractInvalidError(`output ${where}: array elements mix ${a.kind} and ${b.kind}`)
  if (a.kind === 'int' && b.kind === 'int') {
    const ra = typeRange(a)
    const rb = typeRange(b)
    const { bits, signed } = bitsOf({ lo: ra.lo < rb.lo ? ra.lo : rb.lo, hi: ra.hi > rb.hi ? ra.hi : rb.hi })
    return { kind: 'int', signed, bits }
  }
  if (a.kind === 'fixed' && b.kind === 'fixed') return a.intBits >= b.intBits ? a : b
  if (a.kind === 'array' && b.kind === 'array') {
    if (a.length !== b.length) throw new ContractInvalidError(`output ${where}: nested arrays of different lengths`)
    return { kind: 'array', of: unify(a.of, b.of, where), length: a.length }
  }
  if (a.kind === 'object' && b.kind === 'object') {
    return { kind: 'object', fields: a.fields.map(([k, f], i) => [k, unify(f, b.fields[i]![1], `${where}.${k}`)] as const) }
  }
  return a
}

function flattenOutput(b: CircuitBuilder, v: Value, where: string, wires: Wire[]): ValueType {
  if (v instanceof SBool || v instanceof SInt || v instanceof SFixed) {
    if (v.builder !== b) throw new ContractInvalidError(`output ${where}: a secret from another compilation`)
    wires.push(v.wire)
    return v.scalarType()
  }
  if (typeof v === 'boolean') {
    wires.push(b.constant(v ? 1n : 0n))
    return { kind: 'bool' }
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'number' && !Number.isInteger(v)) {
      wires.push(b.constant(BigInt(Math.round(v * 2 ** FIXED_FRAC))))
      return { kind: 'fixed', frac: FIXED_FRAC, intBits: Math.max(1, Math.ceil(Math.log2(Math.abs(v) + 1))) }
    }
    const x = BigInt(v)
    wires.push(b.constant(x))
    return bitsOfType({ lo: x, hi: x })
  }
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ContractInvalidError(`output ${where}: empty array`)
    const types = v.map((e, i) => flattenOutput(b, e, `${where}[${i}]`, wires))
    return { kind: 'array', of: types.reduce((x, y) => unify(x, y, where)), length: v.length }
  }
  if (v !== null && typeof v === 'object') {
    return { kind: 'object', fields: Object.keys(v).map((k) => [k, flattenOutput(b, (v as Record<string, Value>)[k]!, `${where}.${k}`, wires)] as const) }
  }
  throw new ContractInvalidError(`output ${where}: not a secret value, number, boolean, array or object`)
}

/**
 * Flatten the next value of one state field along its *declared* type (field order and array lengths
 * of the declaration, not of the value), and check that every element provably stays in the declared
 * range: the stored state must satisfy the same bounds as the state the next task reads, or range
 * analysis, comparisons and the field choice of that task would be wrong.
 */
function flattenAs(b: CircuitBuilder, v: unknown, t: ValueType, where: string, wires: Wire[]): void {
  if (t.kind === 'array') {
    if (!Array.isArray(v) || v.length !== t.length) throw new ContractInvalidError(`${where}: expected an array of ${t.length} (${typeName(t)})`)
    v.forEach((e, i) => flattenAs(b, e, t.of, `${where}[${i}]`, wires))
    return
  }
  if (t.kind === 'object') {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof SecretValueBase) throw new ContractInvalidError(`${where}: expected an object ${typeName(t)}`)
    const rec = v as Record<string, unknown>
    for (const k of Object.keys(rec)) if (!t.fields.some(([f]) => f === k)) throw new ContractInvalidError(`${where}.${k}: not a field of the declared state`)
    for (const [k, f] of t.fields) {
      if (!(k in rec)) throw new ContractInvalidError(`${where}.${k}: missing in the next state`)
      flattenAs(b, rec[k], f, `${where}.${k}`, wires)
    }
    return
  }
  let w: Wire
  if (t.kind === 'bool') {
    if (v instanceof SBool) w = v.wire
    else if (typeof v === 'boolean') w = b.constant(v ? 1n : 0n)
    else throw new ContractInvalidError(`${where}: expected an sbool or a boolean`)
  } else if (t.kind === 'int') {
    if (v instanceof SInt) w = v.wire
    else if ((typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint') w = b.constant(BigInt(v))
    else throw new ContractInvalidError(`${where}: expected a secret integer or an integer constant (${typeName(t)})`)
  } else {
    if (v instanceof SFixed) w = v.wire
    else if (typeof v === 'number' && Number.isFinite(v)) w = b.constant(BigInt(Math.round(v * 2 ** t.frac)))
    else throw new ContractInvalidError(`${where}: expected a secret fixed-point value or a number`)
  }
  if (v instanceof SecretValueBase && v.builder !== b) throw new ContractInvalidError(`${where}: a secret from another compilation`)
  const have = b.range(w)
  const want = typeRange(t)
  if (have.lo < want.lo || have.hi > want.hi) {
    throw new ContractInvalidError(`${where}: the next value may lie in ${have.lo}…${have.hi}, outside the declared ${typeName(t)} (${want.lo}…${want.hi})`, {
      details: 'state is stored with its declared type; bound the value first, e.g. x.wrap(64) for wrap-around, or keep the old value with select(ok, next, old) where an update could overflow',
    })
  }
  wires.push(w)
}

const bitsOfType = (r: { lo: bigint; hi: bigint }): ScalarType => ({ kind: 'int', ...bitsOf(r) })

/**
 * Trace a contract with params into a circuit (no cost, no hash). When the circuit needs p127, it is
 * traced again with wide public divisions lowered to narrow steps (builder.ts `narrowDivision`); if
 * that fits p61, the p61 circuit wins (half the bytes per element). Deterministic either way.
 */
export function traceContract(contract: Contract<any, any>, rawParams: Readonly<Record<string, string | number>> = {}, opts: { field?: FieldName } = {}): Circuit {
  const wide = traceOnce(contract, rawParams, opts, false)
  if (wide.field !== 'p127' || opts.field) return wide
  if (!wide.gates.some((g) => g.op === 'divc' || g.op === 'modc')) return wide
  const narrow = traceOnce(contract, rawParams, opts, true)
  return narrow.field === 'p61' ? narrow : wide
}

function traceOnce(contract: Contract<any, any>, rawParams: Readonly<Record<string, string | number>>, opts: { field?: FieldName }, narrowDivision: boolean): Circuit {
  if (contract?.kind !== 'enigma-contract') throw new ContractInvalidError('not a contract: export default defineContract({ ... })')
  const params = resolveParams(contract, rawParams)
  const specs: Record<string, TypeSpec> = typeof contract.inputs === 'function' ? contract.inputs(params) : contract.inputs
  if (specs === null || typeof specs !== 'object' || Object.keys(specs).length === 0) throw new ContractInvalidError(`${contract.name}: inputs must declare at least one input`)
  const b = new CircuitBuilder({ narrowDivision })
  const slot = { next: 0 }
  const inputs: CircuitInput[] = []
  const secrets: Record<string, unknown> = {}
  for (const name of Object.keys(specs)) {
    const type = toValueType(specs[name]!, `input ${name}`)
    const wires: Wire[] = []
    secrets[name] = makeInput(b, type, slot, wires)
    inputs.push({ name, type, wires })
  }
  const stateSpecs: Record<string, TypeSpec> | undefined = typeof contract.state === 'function' ? contract.state(params) : contract.state
  const stateRead: CircuitInput[] = []
  const stateNow: Record<string, unknown> = {}
  if (stateSpecs !== undefined) {
    if (stateSpecs === null || typeof stateSpecs !== 'object' || Object.keys(stateSpecs).length === 0) throw new ContractInvalidError(`${contract.name}: state must declare at least one field, e.g. state: { total: uint64 }`)
    for (const name of Object.keys(stateSpecs)) {
      const type = toValueType(stateSpecs[name]!, `state ${name}`)
      const wires: Wire[] = []
      stateNow[name] = makeInput(b, type, slot, wires)
      stateRead.push({ name, type, wires })
    }
  }
  const result = contract.compute(secrets as never, params, stateNow as never)
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new ContractInvalidError(`${contract.name}: compute must return an object of outputs, e.g. { winner: reveal(w) }`)
  }
  const outputs: CircuitOutput[] = []
  let next: Readonly<Record<string, unknown>> | undefined
  for (const name of Object.keys(result)) {
    const o = result[name]
    if (isNextState(o)) {
      if (!stateSpecs) throw new ContractInvalidError(`${contract.name}: returns state: persist(…) but declares no state; add state: { … } to defineContract`)
      if (name !== 'state') throw new ContractInvalidError(`${contract.name}: the next state goes under the key 'state' (state: persist(next)), not '${name}'`)
      next = o.value
      continue
    }
    if (!isOutput(o)) {
      throw new ContractInvalidError(`${contract.name}: output ${name} must be reveal(x) or revealTo(recipient, x); secrets are never published implicitly`)
    }
    const wires: Wire[] = []
    const type = flattenOutput(b, o.value, name, wires)
    outputs.push({ name, recipient: o.recipient, type, wires })
  }
  let state: CircuitState | undefined
  if (stateSpecs) {
    const value = next ?? stateNow
    const write = stateRead.map((r) => {
      const wires: Wire[] = []
      if (!(r.name in value)) throw new ContractInvalidError(`${contract.name}: state.${r.name} is missing in persist(next)`)
      flattenAs(b, value[r.name], r.type, `${contract.name}: state.${r.name}`, wires)
      return { name: r.name, type: r.type, wires }
    })
    for (const k of Object.keys(value)) if (!stateRead.some((r) => r.name === k)) throw new ContractInvalidError(`${contract.name}: persist(next) has ${k}, which the declared state does not`)
    state = { read: stateRead, write }
  }
  if (outputs.length === 0 && !state) throw new ContractInvalidError(`${contract.name}: compute returned no outputs`)
  return finalizeCircuit({ name: contract.name, params, gates: b.gates, inputs, outputs, ...(state ? { state } : {}), ...(opts.field ? { field: opts.field } : {}) })
}

/** Compile: trace, encode, hash, and the cost report for a committee (default n = 5, t = 2). */
export function compileContract(contract: Contract<any, any>, rawParams: Readonly<Record<string, string | number>> = {}, opts: CompileOptions = {}): Compiled {
  const circuit = traceContract(contract, rawParams, opts.field ? { field: opts.field } : {})
  const hash = codeHash(circuit)
  return { circuit, codeHash: hash, encoding: encodeCircuit(circuit), cost: { ...costOf(circuit, opts), codeHash: hash } }
}
