/**
 * Cost of each interactive gate, per element, in ONE place so it can be updated when the protocols
 * are measured (bench/). L is the field's bit length (61 or 127).
 * - lt / eq: the protocols' comparisons (src/protocols/compare.ts) mask with L random bits whatever
 *   the operand width: lt = least significant bit of 2(a − b) (Nishide–Ohta 2007): preprocessing 1
 *   (0 with PRSS), random bits with the pair products of the tree's first level 1, opening 1, carry
 *   tree ⌈log2 ⌈(L+1)/2⌉⌉ (the first level is local and the final XOR is a leaf,
 *   src/protocols/paired-leaves.ts); ≈ ⌈L/2⌉ + L multiplications.
 *   eq = zero test by bitwise agreement of c = a − b + r with r (Damgård et al. 2006): 3 + ⌈log2 ⌈L/2⌉⌉
 *   rounds, ≈ L multiplications (⌈L/2⌉ pair products, ⌈L/2⌉ − 1 in the tree).
 * - truncpr: Catrina–Saxena 2010 (k + κ random bits, one masked opening, no multiplication):
 *   preprocessing 1 + random bits 1 + 1 online round (src/protocols/trunc.ts).
 * - divc/modc: multiplication by ⌈2^ℓ/d⌉ and an exact truncation (≈ 10 rounds, ≈ 2L
 *   multiplications), plus a correction comparison when the field is narrow (src/protocols/division.ts).
 * - divs/mods: restoring long division, k sequential steps of one comparison each after a bit
 *   decomposition and a zero test: ≈ 8k + 20 rounds (9k in p127), ≈ k(2L + 3) multiplications,
 *   ≈ (k + 2)·L random bits.
 * Everything here is an estimate, labelled as such in the cost report.
 */
import type { Op } from './types.ts'

export interface GateCost {
  readonly rounds: number
  /** Secure multiplications (degree reductions), including those inside the protocol. */
  readonly muls: number
  /** Random bits consumed (shared bits from the preprocessing). */
  readonly randomBits: number
  /** Values opened (each party sends its share once). */
  readonly opens: number
}

const log2 = (k: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(2, k))))

export function gateCost(op: Op, attrs: readonly bigint[], fieldBits = 61): GateCost {
  const k = Number(attrs[0] ?? 0n)
  const L = fieldBits
  const half = Math.ceil(L / 2)
  const lt = { rounds: 3 + log2(Math.ceil((L + 1) / 2)), muls: half + L, randomBits: L, opens: 1 }
  switch (op) {
    case 'mul':
      return { rounds: 1, muls: 1, randomBits: 0, opens: 0 }
    case 'lt':
      return lt
    case 'eq':
      return { rounds: 3 + log2(half), muls: 2 * half - 1, randomBits: L, opens: 1 }
    case 'truncpr':
      return { rounds: 3, muls: 0, randomBits: k + 40, opens: 1 }
    case 'divc':
    case 'modc':
      return { rounds: lt.rounds, muls: 2 * L + 2, randomBits: L, opens: 1 }
    case 'divs':
    case 'mods':
      return { rounds: (L > 64 ? 9 : 8) * k + 20, muls: k * (2 * L + 3) + 2 * L, randomBits: (k + 2) * L, opens: k + 2 }
    default:
      return { rounds: 0, muls: 0, randomBits: 0, opens: 0 }
  }
}

/**
 * Rounds to deal the inputs (sharing, coin, batch consistency check; malicious adds authentication)
 * and to deliver the outputs (opening; malicious first runs the MAC check: coin with the key opening,
 * check opening, Chida et al. 2018; 3 rounds before issue #14). Calibrated against `enigma run`
 * (docs/contracts.md, measured table).
 */
export const INPUT_ROUNDS = { 'semi-honest': 4, malicious: 5 } as const
export const OUTPUT_ROUNDS = { 'semi-honest': 2, malicious: 5 } as const
/**
 * Rounds to read a stateful contract's current version (issue #11 §2): the hand-off from its holders by
 * re-sharing (protocols/reshare.ts: deal, agree; malicious adds a coin and a checked opening of the
 * dealing check) and, in malicious mode, one multiplication round to authenticate the shares
 * (engine/circuit-state.ts). Writing the next version is local: each member keeps its share; moving it
 * on is the next task's read. Version 0 needs no hand-off, but a task cannot know its version when it
 * is priced, so the estimate always counts it.
 */
export const STATE_READ_ROUNDS = { 'semi-honest': 2, malicious: 5 } as const
/**
 * Malicious mode draws random bits in two rounds instead of one, and verifies them (a one-time-key MAC
 * check, protocols/bits.ts) before any value they mask is opened: +2 per non-multiplication op call.
 */
export const MALICIOUS_EXTRA_ROUNDS_PER_CALL = 2

/**
 * Field elements one party sends, on average, per unit of work, for a committee of n with threshold t:
 * - a multiplication (DN07 with a rotating king): 1 share to the king + the king's n − 1 amortised
 *   over n parties, plus generating one double random sharing (each party deals 2 sharings per
 *   n − t extracted, hyper-invertible matrices): 2(n − 1)/n + 2(n − 1)/(n − t);
 * - an opening (king reconstructs and broadcasts): 2(n − 1)/n;
 * - a random bit (a random sharing, one multiplication to square it, one opening): (n − 1)/(n − t) + mul + open.
 * Malicious mode doubles the multiplications ([x] and [r·x], Chida et al.).
 */
export function elementsPerParty(n: number, t: number, security: 'semi-honest' | 'malicious') {
  const mul = (2 * (n - 1)) / n + (2 * (n - 1)) / (n - t)
  const open = (2 * (n - 1)) / n
  const f = security === 'malicious' ? 2 : 1
  return { mul: f * mul, open, randomBit: (n - 1) / (n - t) + f * mul + open, input: (n - 1) / n }
}
