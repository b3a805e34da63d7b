/**
 * `enigma submit … --record <input>=<recordId>` (issue #11 §4): which slots a task gets when some
 * inputs (or elements of array inputs, `bids[3]`) come from stored records instead of the inputs file,
 * and the file's values of the other slots, checked as `enigma run` checks inputs.
 */
import type { Circuit } from '../../circuit/types.ts'
import { encodeSlotValue, slotType, valueOfSlot } from '../../sdk/internal/slots.ts'
import { CliUsageError } from '../args.ts'

export type Hex = `0x${string}`

/** `income=0x…` (repeatable) → slot → record id. */
export function parseRecordFlags(values: readonly string[], usage: string): Record<string, Hex> {
  const out: Record<string, Hex> = {}
  for (const v of values) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\])?)=(0x[0-9a-fA-F]{64})$/.exec(v.trim())
    if (!m) throw new CliUsageError(`--record expects <input>=<recordId> (an input name or an element like bids[3], and 0x + 64 hex digits), got '${v.slice(0, 120)}'`, usage)
    if (m[1]! in out) throw new CliUsageError(`--record names '${m[1]}' twice`, usage)
    out[m[1]!] = m[2]!.toLowerCase() as Hex
  }
  return out
}

/**
 * The task's slots: one per declared input, except that an array input with an element taken from a
 * record is split into one slot per element. Record slots are checked against the contract's inputs.
 */
export function taskSlots(circuit: Pick<Circuit, 'inputs'>, records: Readonly<Record<string, Hex>>, usage: string): string[] {
  const slots: string[] = []
  for (const slot of Object.keys(records)) {
    try { slotType(circuit, slot) } catch (e) { throw new CliUsageError(`--record ${slot}: ${(e as Error).message.replace(/^slot '[^']*': /, '')}`, usage) }
    const whole = slot.replace(/\[[0-9]+\]$/, '')
    if (whole !== slot && whole in records) throw new CliUsageError(`--record names both '${whole}' and its element '${slot}'`, usage)
  }
  for (const input of circuit.inputs) {
    const split = input.type.kind === 'array' && Object.keys(records).some((k) => k.startsWith(`${input.name}[`))
    if (!split) slots.push(input.name)
    else for (let i = 0; i < (input.type as { length: number }).length; i++) slots.push(`${input.name}[${i}]`)
  }
  return slots
}

/** The file's value of every slot not taken from a record, checked against its type (one clear error). */
export function freshSlotValues(circuit: Pick<Circuit, 'inputs'>, slots: readonly string[], records: Readonly<Record<string, Hex>>, values: Readonly<Record<string, unknown>>, source: string): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const slot of slots) {
    if (slot in records) continue
    const v = valueOfSlot(values, slot)
    encodeSlotValue(circuit, slot, v, source)
    out.set(slot, v)
  }
  return out
}
