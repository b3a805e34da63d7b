/**
 * The compiler picks the smallest field that keeps every value exact (DESIGN.md §3): p61 = 2^61 − 1
 * when it suffices (1 word per element, the fastest kernel), else p127 = 2^127 − 1.
 */
import type { FieldName } from '../field/types.ts'
import { CircuitOverflowError } from './errors.ts'
import { COMPARE_NEEDS_MASK, KAPPA } from './limits.ts'
import { magnitudeBits } from './range.ts'
import type { Gate } from './types.ts'

const FIELD_BITS: readonly (readonly [FieldName, number])[] = [['p61', 61], ['p127', 127]]

/** Field bits a gate needs: its value below p/2, and masked operands below p/2 too. */
export function fieldBitsNeeded(g: Gate): number {
  let need = magnitudeBits(g) + 2
  const bits = Number(g.attrs[0] ?? 0n)
  switch (g.op) {
    case 'lt':
    case 'eq':
      need = Math.max(need, bits + 2 + (COMPARE_NEEDS_MASK ? KAPPA : 0))
      break
    case 'truncpr':
    case 'divc':
    case 'modc':
    case 'divs':
    case 'mods':
      need = Math.max(need, bits + KAPPA + 2)
      break
    default:
  }
  return need
}

export function chooseField(gates: readonly Gate[]): FieldName {
  let need = 0
  for (const g of gates) need = Math.max(need, fieldBitsNeeded(g))
  for (const [name, bits] of FIELD_BITS) if (need <= bits) return name
  throw new CircuitOverflowError(`the circuit needs a ${need}-bit field; the largest is p127`)
}
