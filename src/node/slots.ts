/**
 * Input slots → circuit wires. A task's input slot is either a whole declared input ("bids") or one
 * element of an array input ("bids[3]"); a client's envelope for a slot holds this node's share of
 * every wire of that slot, as `field.encode` bytes (element order = the circuit's flattened order).
 */
import type { Circuit, CircuitInput, ValueType } from '../circuit/index.ts'
import { NodeError } from './errors.ts'

export interface SlotLayout {
  readonly slot: string
  readonly input: string
  /** Offset of the slot's first wire inside the input's wires, and the number of wires. */
  readonly offset: number
  readonly length: number
}

export function flatSize(t: ValueType): number {
  switch (t.kind) {
    case 'array': return t.length * flatSize(t.of)
    case 'object': return t.fields.reduce((s, [, f]) => s + flatSize(f), 0)
    default: return 1
  }
}

export function slotLayout(circuit: Circuit, slot: string): SlotLayout {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]+)\])?$/.exec(slot)
  if (!m) throw new NodeError('NODE_SLOT_UNKNOWN', `bad slot name '${slot.slice(0, 80)}'`)
  const input: CircuitInput | undefined = circuit.inputs.find((i) => i.name === m[1])
  if (!input) throw new NodeError('NODE_SLOT_UNKNOWN', `the contract has no input '${m[1]}'`)
  if (m[2] === undefined) return { slot, input: input.name, offset: 0, length: input.wires.length }
  if (input.type.kind !== 'array') throw new NodeError('NODE_SLOT_UNKNOWN', `input '${input.name}' is not an array`)
  const i = Number(m[2])
  if (i >= input.type.length) throw new NodeError('NODE_SLOT_UNKNOWN', `input '${input.name}' has ${input.type.length} elements, no [${i}]`)
  const k = flatSize(input.type.of)
  return { slot, input: input.name, offset: i * k, length: k }
}

/** Check that the task's slots cover every circuit input wire exactly once. */
export function checkSlotsCover(circuit: Circuit, slots: readonly string[]): SlotLayout[] {
  const layouts = slots.map((s) => slotLayout(circuit, s))
  for (const input of circuit.inputs) {
    const covered = new Uint8Array(input.wires.length)
    for (const l of layouts) {
      if (l.input !== input.name) continue
      for (let j = l.offset; j < l.offset + l.length; j++) {
        if (covered[j]) throw new NodeError('NODE_SLOT_UNKNOWN', `slots overlap on input '${input.name}'`)
        covered[j] = 1
      }
    }
    if (covered.includes(0)) throw new NodeError('NODE_SLOT_UNKNOWN', `slots do not cover input '${input.name}'`)
  }
  return layouts
}
