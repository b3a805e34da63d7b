/**
 * What a task's outputs must be: the plaintext reference `evaluatePlain` of the compiled circuit on
 * the same inputs (src/circuit/evaluate-plain.ts), compared exactly; fixed-point numbers may differ by
 * one unit in the last place (probabilistic truncation returns floor or floor + 1, docs/protocols.md).
 */
import { isDeepStrictEqual } from 'node:util'
import { evaluatePlain } from '../circuit/evaluate-plain.ts'
import type { Compiled } from '../lang/index.ts'

/** One unit in the last place of the fixed-point types (2^-16), twice for a product's rounding. */
const FIXED_TOLERANCE = 2 ** -15

export function referenceOutputs(compiled: Compiled, inputs: unknown): Record<string, unknown> {
  return evaluatePlain(compiled.circuit, inputs).outputs
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b)
  if (typeof a === 'number' && typeof b === 'number') return Number.isInteger(a) && Number.isInteger(b) ? a === b : Math.abs(a - b) <= FIXED_TOLERANCE
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]))
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort()
    return isDeepStrictEqual(ka, kb) && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  }
  return isDeepStrictEqual(a, b)
}

/** Whether the delivered outputs equal the reference. */
export function sameOutputs(got: Record<string, unknown>, want: Record<string, unknown>): boolean {
  return same(got, want)
}
