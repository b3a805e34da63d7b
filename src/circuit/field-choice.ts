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
      // Catrina–Saxena: k + κ + 1 < field bits (src/protocols/trunc.ts).
      need = Math.max(need, bits + KAPPA + 2)
      break
    case 'divc':
    case 'modc':
      need = Math.max(need, divPublicBits(bits, g.attrs[1]!))
      break
    case 'divs':
    case 'mods':
      // Long division keeps |R − b| < 2^k: k + 3 ≤ field bits (division.ts).
      need = Math.max(need, bits + 3)
      break
    default:
  }
  return need
}

/**
 * Field bits for ⌊a/d⌋, a mod d (src/protocols/division.ts): a power of two is an exact truncation
 * (k + 2); otherwise multiplication by ⌈2^ℓ/d⌉ and exact truncation, always exact when 2k + 3 ≤ field
 * bits. Wider operands (up to k + 4) work for most divisors with a few correction rounds; the
 * protocol names the limit (MPC_UNSUPPORTED) at run time for the others.
 */
function divPublicBits(k: number, d: bigint): number {
  if ((d & (d - 1n)) === 0n) return k + 2
  return 2 * k + 3 <= 127 ? 2 * k + 3 : k + 4
}

export function chooseField(gates: readonly Gate[]): FieldName {
  let need = 0
  for (const g of gates) need = Math.max(need, fieldBitsNeeded(g))
  for (const [name, bits] of FIELD_BITS) if (need <= bits) return name
  throw new CircuitOverflowError(`the circuit needs a ${need}-bit field; the largest is p127`)
}
