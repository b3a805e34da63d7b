/**
 * The public outputs of a task as the committee signs them and the controller hands them to a result
 * callback (issue #16; the mapping table is in docs/controller.md "Typed outputs"):
 *
 *   publicOutputs = abi.encode(string[] names, uint256[][] fieldValues, bytes typed)
 *   typed         = abi.encode(v1, v2, …)   public outputs in declared order
 *
 * `names`/`fieldValues` are the raw field elements (self-describing: readable without the circuit);
 * `typed` is the same values by the declared output types: uint → uint256, int → int256 (the field
 * element's signed reading), bool → bool, fixed → int256 scaled by 2^frac, array → T[], object →
 * tuple. Every honest member derives the same bytes from the same result, and t+1 of them sign the
 * whole, so the bytes a callback receives (the controller slices `typed` out in place) are exactly
 * what an honest majority attested.
 */
import { decodeAbiParameters, encodeAbiParameters, type AbiParameter, type Hex } from 'viem'
import type { CircuitOutput, ValueType } from '../circuit/types.ts'
import { decodeValue, toSigned, type OutputJson } from '../circuit/values.ts'
import { NodeError } from './errors.ts'

export const PUBLIC_OUTPUTS_ABI = [
  { name: 'names', type: 'string[]' },
  { name: 'fieldValues', type: 'uint256[][]' },
  { name: 'typed', type: 'bytes' },
] as const

type PublicOutput = Pick<CircuitOutput, 'name' | 'type' | 'recipient'>

/** The Solidity ABI type of an output type (the table of docs/controller.md "Typed outputs"). */
export function abiParameterOf(t: ValueType, name?: string): AbiParameter {
  const named = name === undefined ? {} : { name }
  switch (t.kind) {
    case 'bool':
      return { ...named, type: 'bool' }
    case 'int':
      return { ...named, type: t.signed ? 'int256' : 'uint256' }
    case 'fixed':
      return { ...named, type: 'int256' }
    case 'array': {
      const inner = abiParameterOf(t.of)
      return { ...inner, ...named, type: `${inner.type}[]` }
    }
    case 'object':
      return { ...named, type: 'tuple', components: t.fields.map(([k, f]) => abiParameterOf(f, k)) }
  }
}

/** The ABI value of one output from its field elements (slots depth first, as the engine returns them). */
function abiValueOf(t: ValueType, xs: readonly bigint[], p: bigint): unknown {
  let i = 0
  const go = (u: ValueType): unknown => {
    switch (u.kind) {
      case 'array':
        return Array.from({ length: u.length }, () => go(u.of))
      case 'object':
        return Object.fromEntries(u.fields.map(([k, f]) => [k, go(f)]))
      case 'bool':
        return xs[i++]! !== 0n
      // uint: the field element itself (equal to the value for every value in the type's range).
      case 'int':
        return u.signed ? toSigned(xs[i++]!, p) : xs[i++]!
      case 'fixed':
        return toSigned(xs[i++]!, p)
    }
  }
  return go(t)
}

/** `abi.encode(v1, v2, …)` of the public outputs (recipient null) in declared order. */
export function encodeTypedOutputs(outputs: readonly PublicOutput[], values: ReadonlyMap<string, readonly bigint[]>, p: bigint): Hex {
  const pub = outputs.filter((o) => o.recipient === null)
  return encodeAbiParameters(pub.map((o) => abiParameterOf(o.type, o.name)), pub.map((o) => {
    const v = values.get(o.name)
    if (!v) throw new NodeError('NODE_TASK_STATE', `no value for public output '${o.name}'`)
    return abiValueOf(o.type, v, p)
  }))
}

/** The signed public outputs: raw field elements by name, and their typed encoding. */
export function encodePublicOutputs(outputs: readonly PublicOutput[], values: ReadonlyMap<string, readonly bigint[]>, p: bigint): Hex {
  const pub = outputs.filter((o) => o.recipient === null)
  const fieldValues = pub.map((o) => {
    const v = values.get(o.name)
    if (!v) throw new NodeError('NODE_TASK_STATE', `engine returned no value for public output '${o.name}'`)
    return [...v]
  })
  return encodeAbiParameters(PUBLIC_OUTPUTS_ABI, [pub.map((o) => o.name), fieldValues, encodeTypedOutputs(outputs, values, p)])
}

export interface DecodedPublicOutputs {
  /** Output name → field elements. */
  readonly fieldValues: Record<string, bigint[]>
  /** The typed encoding ('0x' when the receipt carries none: an older two-part encoding). */
  readonly typed: Hex
}

/** Splits signed public outputs; also reads the older `abi.encode(string[], uint256[][])` form. */
export function decodePublicOutputs(publicOutputs: Hex): DecodedPublicOutputs {
  const [names, values] = decodeAbiParameters([PUBLIC_OUTPUTS_ABI[0], PUBLIC_OUTPUTS_ABI[1]], publicOutputs)
  // The first head word is the offset of `names`: 0x60 after a three-word head, 0x40 in the older form.
  const threePart = publicOutputs.length >= 2 + 192 && BigInt(`0x${publicOutputs.slice(2, 66)}`) === 0x60n
  const typed: Hex = threePart ? decodeAbiParameters(PUBLIC_OUTPUTS_ABI, publicOutputs)[2] : '0x'
  return { fieldValues: Object.fromEntries(names.map((n, i) => [n, [...values[i]!]])), typed }
}

/** Typed encoding → JSON values (the same values `circuit/values.ts` decodes from field elements). */
export function decodeTypedOutputs(outputs: readonly PublicOutput[], typed: Hex): Record<string, OutputJson> {
  const pub = outputs.filter((o) => o.recipient === null)
  const decoded = decodeAbiParameters(pub.map((o) => abiParameterOf(o.type, o.name)), typed)
  return Object.fromEntries(pub.map((o, i) => {
    const slots: bigint[] = []
    flatten(o.type, decoded[i], slots)
    return [o.name, decodeValue(o.type, slots)]
  }))
}

function flatten(t: ValueType, v: unknown, out: bigint[]): void {
  if (t.kind === 'array') for (const e of v as unknown[]) flatten(t.of, e, out)
  else if (t.kind === 'object') for (const [k, f] of t.fields) flatten(f, (v as Record<string, unknown>)[k], out)
  else if (t.kind === 'bool') out.push(v ? 1n : 0n)
  else out.push(v as bigint)
}
