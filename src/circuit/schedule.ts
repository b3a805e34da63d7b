/**
 * Round scheduling (MP-SPDZ habit, DESIGN.md §6: independent interactive operations share a round).
 *
 * Each interactive gate gets a level: 1 + the highest level among its arguments (local gates take
 * the highest level of their arguments, constants and inputs 0). Gates of one level never depend on
 * each other, so they run together: the runner makes one vectorised protocol call per batch (gates
 * of the same op and attributes, in gate order; it may merge batches of one op whose attributes are
 * compatible, e.g. comparisons of different widths) and runs the ops of a level one after the other.
 */
import { LOCAL_OPS, type Circuit, type Op } from './types.ts'

export interface Batch {
  readonly op: Op
  readonly attrs: readonly bigint[]
  /** Gate indices, ascending. */
  readonly gates: readonly number[]
}

export interface Schedule {
  /** levels[L − 1] holds the batches of level L (L ≥ 1), in first-gate order. */
  readonly levels: readonly (readonly Batch[])[]
  /** Level of each gate. */
  readonly level: Int32Array
}

export function scheduleCircuit(c: Pick<Circuit, 'gates'>): Schedule {
  const level = new Int32Array(c.gates.length)
  const levels: Map<string, { op: Op; attrs: readonly bigint[]; gates: number[] }>[] = []
  c.gates.forEach((g, i) => {
    let l = 0
    for (const a of g.args) l = Math.max(l, level[a]!)
    if (!LOCAL_OPS.has(g.op)) {
      l += 1
      const batches = (levels[l - 1] ??= new Map())
      const key = `${g.op}|${g.attrs.join(',')}`
      let b = batches.get(key)
      if (!b) batches.set(key, (b = { op: g.op, attrs: g.attrs, gates: [] }))
      b.gates.push(i)
    }
    level[i] = l
  })
  return { levels: levels.map((m) => [...m.values()]), level }
}
