/**
 * Slot values → field elements, on the client. A slot is a whole declared input ("alice") or one
 * element of an array input ("bids[3]"); its value is checked against the declared type with the
 * same rules and messages as `enigma run` (src/circuit/values.ts), then encoded. Type-only imports
 * of the circuit layer keep node:crypto (circuit/encode.ts) out of the browser bundle.
 */
import type { Circuit, ValueType } from '../../circuit/types.ts'
import { encodeInputs } from '../../circuit/values.ts'
import { SdkError } from '../errors.ts'

export function slotType(circuit: Pick<Circuit, 'inputs'>, slot: string): ValueType {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\])?$/.exec(slot)
  const input = m ? circuit.inputs.find((i) => i.name === m[1]) : undefined
  if (!m || !input) throw new SdkError('SDK_SLOT_UNKNOWN', `slot '${slot}': the contract has no such input (inputs: ${circuit.inputs.map((i) => i.name).join(', ')})`)
  if (m[2] === undefined) return input.type
  if (input.type.kind !== 'array' || Number(m[2]) >= input.type.length) throw new SdkError('SDK_SLOT_UNKNOWN', `slot '${slot}': input '${input.name}' has no element ${m[2]}`)
  return input.type.of
}

/** The slot's value as integers (signed), in the circuit's flattened order. Throws INPUT_INVALID. */
export function encodeSlotValue(circuit: Pick<Circuit, 'inputs'>, slot: string, value: unknown, source = 'inputs'): bigint[] {
  return encodeInputs([{ name: slot, type: slotType(circuit, slot) }], { [slot]: value }, source)[0]!
}

/**
 * Split an inputs file's object ({ bids: [..] } or { alice: 1 }) into the values of the given slots:
 * "bids[3]" takes element 3 of "bids" (or a key literally named "bids[3]").
 */
export function valueOfSlot(inputs: Readonly<Record<string, unknown>>, slot: string): unknown {
  if (slot in inputs) return inputs[slot]
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)\]$/.exec(slot)
  const whole = m ? inputs[m[1]!] : undefined
  return Array.isArray(whole) ? whole[Number(m![2])] : undefined
}
