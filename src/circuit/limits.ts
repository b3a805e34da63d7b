/**
 * What the protocols and fields can hold. One place, so the rules move when the protocols are measured.
 *
 * - A field of b bits holds a signed value x exactly when |x| < p/2, so at most b − 2 bits of magnitude.
 * - Comparisons (and exact truncation, division) mask with L random bits perfectly (Mersenne
 *   primes), so they only need operands below p/2: k + 2 ≤ field bits (src/protocols/compare.ts).
 * - Probabilistic truncation masks statistically with κ = 40 extra bits (Catrina–Saxena 2010):
 *   k + κ + 1 < field bits.
 * - Division by a public d multiplies by ⌈2^ℓ/d⌉ and truncates: 2k + 3 ≤ field bits is always exact;
 *   division by a secret (long division): k + 3 ≤ field bits.
 * The rules live in field-choice.ts; `COMPARE_NEEDS_MASK` switches comparisons to statistical masking.
 */
export const KAPPA = 40
/** Largest operand width of lt / eq / division protocols (protocol API: k ≤ 64). */
export const MAX_PROTOCOL_BITS = 64
/** Largest magnitude a value may reach: p127 holds |x| < 2^126; one bit of slack. */
export const MAX_VALUE_BITS = 125
/** Whether lt/eq mask their operand statistically (true) or need only |a − b| < p/2 (false). */
export const COMPARE_NEEDS_MASK = false
