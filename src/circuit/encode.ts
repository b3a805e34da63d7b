/**
 * Canonical encoding and code hash of a circuit. The same contract and params give the same bytes
 * and the same hash on any machine: the encoding is JSON with a fixed key order (keys sorted), no
 * whitespace, bigints as decimal strings, gates in creation order (tracing is deterministic).
 *
 * Code hash = SHA-256 of the canonical UTF-8 bytes, as 0x-prefixed hex. SHA-256 rather than
 * keccak-256 because node:crypto has it natively and the circuit layer may not import viem (a pure
 * layer, src/common/layers.ts); the EVM verifies SHA-256 with its precompile at 0x02 if ever needed.
 */
import { createHash } from 'node:crypto'
import { CircuitInvalidError } from './errors.ts'
import type { Circuit, Gate, Op, ValueType } from './types.ts'

type Json = string | number | boolean | null | Json[] | { [k: string]: Json }

function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`
  }
  return JSON.stringify(v)
}

function typeJson(t: ValueType): Json {
  switch (t.kind) {
    case 'array':
      return { kind: 'array', of: typeJson(t.of), length: t.length }
    case 'object':
      return { kind: 'object', fields: t.fields.map(([k, f]) => [k, typeJson(f)]) }
    default:
      return { ...t }
  }
}

const boundaryJson = (v: { name: string; type: ValueType; wires: readonly number[] }): Json => ({ name: v.name, type: typeJson(v.type), wires: [...v.wires] })

const gateJson = (g: Gate): Json => [g.op, [...g.args], g.attrs.map(String), String(g.lo), String(g.hi)]

export function encodeCircuit(c: Circuit): Uint8Array {
  const json: Json = {
    format: c.format,
    name: c.name,
    params: { ...c.params },
    field: c.field,
    gates: c.gates.map(gateJson),
    inputs: c.inputs.map(boundaryJson),
    outputs: c.outputs.map((o) => ({ name: o.name, recipient: o.recipient, type: typeJson(o.type), wires: [...o.wires] })),
    // Only stateful circuits carry the key: stateless contracts keep the code hashes they always had.
    ...(c.state ? { state: { read: c.state.read.map(boundaryJson), write: c.state.write.map(boundaryJson) } } : {}),
  }
  return new TextEncoder().encode(canonical(json))
}

export function codeHash(c: Circuit): `0x${string}` {
  return `0x${createHash('sha256').update(encodeCircuit(c)).digest('hex')}`
}

const OPS: ReadonlySet<string> = new Set<Op>(['const', 'input', 'add', 'sub', 'addc', 'mulc', 'mul', 'lt', 'eq', 'truncpr', 'divc', 'modc', 'divs', 'mods'])

/** Parse a canonical encoding back (for nodes that receive a circuit); checks gate references. */
export function decodeCircuit(bytes: Uint8Array): Circuit {
  let raw: any
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes))
  } catch (e) {
    throw new CircuitInvalidError('circuit encoding is not JSON', { cause: e })
  }
  if (raw?.format !== 'enigma-circuit/1') throw new CircuitInvalidError(`unknown circuit format ${String(raw?.format)}`)
  const gates: Gate[] = (raw.gates as any[]).map((g, i) => {
    const [op, args, attrs, lo, hi] = g
    if (!OPS.has(op)) throw new CircuitInvalidError(`gate ${i}: unknown op ${String(op)}`)
    for (const a of args) if (!Number.isInteger(a) || a < 0 || a >= i) throw new CircuitInvalidError(`gate ${i}: bad argument ${a}`)
    return { op, args, attrs: attrs.map(BigInt), lo: BigInt(lo), hi: BigInt(hi) }
  })
  const c: Circuit = { ...raw, gates }
  if (canonical(JSON.parse(new TextDecoder().decode(bytes))) !== new TextDecoder().decode(bytes)) {
    throw new CircuitInvalidError('circuit encoding is not canonical')
  }
  return c
}
