/**
 * The cost report of a circuit: what a task will cost before anyone pays for it (DESIGN.md §1).
 * Counts are exact (gates); rounds and bytes use the estimates of `cost-table.ts`.
 */
import { elementsPerParty, gateCost, INPUT_ROUNDS, MALICIOUS_EXTRA_ROUNDS_PER_CALL, OUTPUT_ROUNDS, STATE_READ_ROUNDS } from './cost-table.ts'
import { scheduleCircuit, type Schedule } from './schedule.ts'
import type { Circuit } from './types.ts'

export interface CostOptions {
  readonly nodes?: number
  readonly threshold?: number
  readonly security?: 'semi-honest' | 'malicious'
}

export interface CostReport {
  readonly contract: string
  readonly params: Readonly<Record<string, number>>
  readonly field: string
  readonly codeHash?: string
  readonly gates: number
  readonly inputs: number
  readonly outputs: number
  /**
   * Elements of persistent state (0 for stateless contracts). A task reads them by re-sharing from the
   * custody committee and writes the next version back the same way (protocols/reshare.ts): each costs
   * about one input's communication in each direction, counted in bytesPerParty; the read's rounds
   * (cost-table.ts STATE_READ_ROUNDS) are counted in `rounds`.
   */
  readonly stateSlots: number
  /** Secret × secret multiplication gates. */
  readonly multiplications: number
  /** lt and eq gates. */
  readonly comparisons: number
  readonly truncations: number
  readonly divisions: number
  /** Multiplications including those inside comparisons, truncations and divisions (estimate). */
  readonly totalMultiplications: number
  readonly randomBits: number
  /** Interactive levels (batches of independent protocol calls). */
  readonly levels: number
  readonly rounds: number
  readonly nodes: number
  readonly threshold: number
  readonly security: 'semi-honest' | 'malicious'
  readonly bytesPerParty: number
}

export function costOf(c: Circuit, opts: CostOptions = {}, schedule: Schedule = scheduleCircuit(c)): CostReport {
  const nodes = opts.nodes ?? 5
  const threshold = opts.threshold ?? Math.floor((nodes - 1) / 2)
  const security = opts.security ?? 'semi-honest'
  const fieldBits = c.field === 'p61' ? 61 : 127
  let multiplications = 0
  let comparisons = 0
  let truncations = 0
  let divisions = 0
  let totalMuls = 0
  let randomBits = 0
  let opens = 0
  for (const g of c.gates) {
    if (g.op === 'mul') multiplications++
    else if (g.op === 'lt' || g.op === 'eq') comparisons++
    else if (g.op === 'truncpr') truncations++
    else if (g.op === 'divc' || g.op === 'modc' || g.op === 'divs' || g.op === 'mods') divisions++
    const k = gateCost(g.op, g.attrs, fieldBits)
    totalMuls += k.muls
    randomBits += k.randomBits
    opens += k.opens
  }
  let rounds = INPUT_ROUNDS[security] + OUTPUT_ROUNDS[security]
  // The runner merges a level's batches of one op into one call and runs the ops of a level one after
  // the other (the protocols label messages by call order, so calls cannot interleave).
  for (const level of schedule.levels) {
    const perOp = new Map<string, number>()
    for (const b of level) {
      const extra = security === 'malicious' && b.op !== 'mul' ? MALICIOUS_EXTRA_ROUNDS_PER_CALL : 0
      perOp.set(b.op, Math.max(perOp.get(b.op) ?? 0, gateCost(b.op, b.attrs, fieldBits).rounds + extra))
    }
    // A level with both lt and eq runs its eq gates inside the lt call (engine/run-circuit.ts).
    if (perOp.has('lt') && perOp.has('eq')) {
      perOp.set('lt', Math.max(perOp.get('lt')!, perOp.get('eq')!))
      perOp.delete('eq')
    }
    for (const r of perOp.values()) rounds += r
  }
  const inputs = c.inputs.reduce((s, i) => s + i.wires.length, 0)
  const outputs = c.outputs.reduce((s, o) => s + o.wires.length, 0)
  const stateSlots = (c.state?.read ?? []).reduce((s, v) => s + v.wires.length, 0)
  if (stateSlots > 0) rounds += STATE_READ_ROUNDS[security]
  const e = elementsPerParty(nodes, threshold, security)
  const fieldBytes = c.field === 'p61' ? 8 : 16
  const elements = totalMuls * e.mul + opens * e.open + randomBits * e.randomBit + (inputs + 2 * stateSlots) * e.input + outputs * e.open
  return {
    contract: c.name,
    params: c.params,
    field: c.field,
    gates: c.gates.length,
    inputs,
    outputs,
    stateSlots,
    multiplications,
    comparisons,
    truncations,
    divisions,
    totalMultiplications: totalMuls,
    randomBits,
    levels: schedule.levels.length,
    rounds,
    nodes,
    threshold,
    security,
    bytesPerParty: Math.round(elements * fieldBytes),
  }
}
