/**
 * From a builder's gate list to a `Circuit`: dead-gate elimination (keep what an output depends on,
 * plus every input gate so the input interface never changes with the code, plus the state read and
 * written), renumbering in creation
 * order (deterministic, so the canonical encoding is too), and the field choice.
 */
import type { FieldName } from '../field/types.ts'
import { chooseField } from './field-choice.ts'
import type { Circuit, CircuitInput, CircuitOutput, CircuitState, Gate } from './types.ts'

export interface FinalizeInput {
  readonly name: string
  readonly params: Readonly<Record<string, number>>
  readonly gates: readonly Gate[]
  readonly inputs: readonly CircuitInput[]
  readonly outputs: readonly CircuitOutput[]
  readonly state?: CircuitState
  /** Force a field (tests); default: the smallest that fits. */
  readonly field?: FieldName
}

export function finalizeCircuit(c: FinalizeInput): Circuit {
  const live = new Uint8Array(c.gates.length)
  const stack: number[] = []
  const mark = (w: number): void => {
    if (!live[w]) {
      live[w] = 1
      stack.push(w)
    }
  }
  for (const o of c.outputs) o.wires.forEach(mark)
  for (const i of c.inputs) i.wires.forEach(mark)
  for (const v of [...(c.state?.read ?? []), ...(c.state?.write ?? [])]) v.wires.forEach(mark)
  while (stack.length > 0) for (const a of c.gates[stack.pop()!]!.args) mark(a)

  const renumber = new Int32Array(c.gates.length).fill(-1)
  const gates: Gate[] = []
  c.gates.forEach((g, i) => {
    if (!live[i]) return
    renumber[i] = gates.length
    gates.push({ ...g, args: g.args.map((a) => renumber[a]!) })
  })
  const map = (ws: readonly number[]): number[] => ws.map((w) => renumber[w]!)
  const sortedParams: Record<string, number> = {}
  for (const k of Object.keys(c.params).sort()) sortedParams[k] = c.params[k]!
  return {
    format: 'enigma-circuit/1',
    name: c.name,
    params: sortedParams,
    field: c.field ?? chooseField(gates),
    gates,
    inputs: c.inputs.map((i) => ({ ...i, wires: map(i.wires) })),
    outputs: c.outputs.map((o) => ({ ...o, wires: map(o.wires) })),
    ...(c.state ? { state: { read: c.state.read.map((v) => ({ ...v, wires: map(v.wires) })), write: c.state.write.map((v) => ({ ...v, wires: map(v.wires) })) } } : {}),
  }
}
