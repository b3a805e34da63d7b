/** Public outputs as the receipt carries them: `abi.encode(string[] names, uint256[][] values)`. */
import { decodeAbiParameters, type Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import { decodeValue, toSigned, type OutputJson } from '../../circuit/values.ts'
import { getField } from '../../field/create.ts'

export function decodePublicOutputs(publicOutputs: Hex): Record<string, bigint[]> {
  const [names, values] = decodeAbiParameters([{ type: 'string[]' }, { type: 'uint256[][]' }], publicOutputs)
  return Object.fromEntries(names.map((n, i) => [n, [...values[i]!]]))
}

/** Field elements → JSON values by the circuit's declared output types (signed, fixed point, bool). */
export function typedOutputs(circuit: Pick<Circuit, 'field' | 'outputs'>, raw: Readonly<Record<string, readonly bigint[]>>): Record<string, OutputJson> {
  const p = getField(circuit.field).p
  const out: Record<string, OutputJson> = {}
  for (const o of circuit.outputs) {
    const xs = raw[o.name]
    if (xs) out[o.name] = decodeValue(o.type, xs.map((x) => toSigned(x, p)))
  }
  return out
}
