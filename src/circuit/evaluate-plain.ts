/**
 * Plaintext interpreter of the IR: the reference every secure run is compared against (o1js habit:
 * every secure operation is tested for equivalence with its plaintext reference).
 *
 * It computes in the circuit's field exactly as the protocols do, with these conventions:
 * - lt / eq compare the signed interpretations (x > p/2 stands for x − p);
 * - truncpr takes the floor (the protocol may return floor + 1: fixed-point results differ by at
 *   most one unit in the last place, 2^−16);
 * - divs / mods by zero give 0 and a.
 * With `checkRanges` it also asserts that every value lies in the bounds the compiler proved, which
 * tests the range analysis that folding and field choice rely on.
 */
import { P127, P61 } from '../field/reference.ts'
import { CircuitInvalidError } from './errors.ts'
import { floorDiv } from './range.ts'
import type { Circuit } from './types.ts'
import { decodeValue, encodeInputs, toSigned, zeroValue, type OutputJson } from './values.ts'

export const fieldPrime = (name: Circuit['field']): bigint => (name === 'p61' ? P61 : P127)

export interface PlainOptions {
  readonly checkRanges?: boolean
  /** The current state of a stateful circuit (name → value); default: the zero state. */
  readonly state?: unknown
}

export interface PlainResult {
  readonly outputs: Record<string, OutputJson>
  /** The next state (stateful circuits only). */
  readonly state?: Record<string, OutputJson>
}

/** Evaluate every gate; `inputs[i][j]` is slot j of input i (signed integers). Returns field elements. */
export function evaluateGates(c: Circuit, inputs: readonly (readonly bigint[])[], opts: PlainOptions = {}): bigint[] {
  const p = fieldPrime(c.field)
  const red = (x: bigint): bigint => ((x % p) + p) % p
  const sgn = (x: bigint): bigint => toSigned(x, p)
  const slots: bigint[] = inputs.flatMap((xs) => [...xs])
  const v: bigint[] = new Array(c.gates.length)
  c.gates.forEach((g, i) => {
    const a = v[g.args[0]!]!
    const b = v[g.args[1]!]!
    const k = g.attrs[0]!
    let r: bigint
    switch (g.op) {
      case 'const': r = red(k); break
      case 'input': {
        const x = slots[Number(k)]
        if (x === undefined) throw new CircuitInvalidError(`gate ${i}: input slot ${k} has no value`)
        r = red(x)
        break
      }
      case 'add': r = red(a + b); break
      case 'sub': r = red(a - b); break
      case 'addc': r = red(a + k); break
      case 'mulc': r = red(a * k); break
      case 'mul': r = (a * b) % p; break
      case 'lt': r = sgn(a) < sgn(b) ? 1n : 0n; break
      case 'eq': r = a === b ? 1n : 0n; break
      case 'truncpr': r = red(sgn(a) >> g.attrs[1]!); break
      case 'divc': r = red(floorDiv(sgn(a), g.attrs[1]!)); break
      case 'modc': r = red(sgn(a) - floorDiv(sgn(a), g.attrs[1]!) * g.attrs[1]!); break
      case 'divs': r = b === 0n ? 0n : red(sgn(a) / sgn(b)); break
      case 'mods': r = b === 0n ? a : red(sgn(a) % sgn(b)); break
      default: throw new CircuitInvalidError(`gate ${i}: unknown op ${String(g.op)}`)
    }
    if (opts.checkRanges) {
      const s = sgn(r)
      if (s < g.lo || s > g.hi) throw new CircuitInvalidError(`gate ${i} (${g.op}): value ${s} outside its proven range [${g.lo}, ${g.hi}]`)
    }
    v[i] = r
  })
  return v
}

/** Run a circuit on inputs.json-style values; returns the outputs as JSON values (all recipients). */
export function runPlain(c: Circuit, values: unknown, opts: PlainOptions = {}): Record<string, OutputJson> {
  return evaluatePlain(c, values, opts).outputs
}

/** Run a circuit, stateful or not: outputs, and the next state when the circuit has one. */
export function evaluatePlain(c: Circuit, values: unknown, opts: PlainOptions = {}): PlainResult {
  const p = fieldPrime(c.field)
  const read = c.state?.read ?? []
  const current = opts.state ?? Object.fromEntries(read.map((r) => [r.name, zeroValue(r.type)]))
  const v = evaluateGates(c, [...encodeInputs(c.inputs, values), ...encodeInputs(read, read.length > 0 ? current : {}, 'state')], opts)
  const decode = (xs: readonly { name: string; type: Circuit['inputs'][number]['type']; wires: readonly number[] }[]) =>
    Object.fromEntries(xs.map((o) => [o.name, decodeValue(o.type, o.wires.map((w) => toSigned(v[w]!, p)))]))
  return c.state ? { outputs: decode(c.outputs), state: decode(c.state.write) } : { outputs: decode(c.outputs) }
}
