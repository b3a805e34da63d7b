/**
 * What the protocols and fields can hold. One place, so the rules move when the protocols are measured.
 *
 * - A field of b bits holds a signed value x exactly when |x| < p/2, so at most b − 2 bits of magnitude.
 * - Comparisons, probabilistic truncation and divisions by a public or secret value mask their operand
 *   with a random value κ = 40 bits longer than it (statistical security 2^−40, Catrina–de Hoogh
 *   2010 §2), so a k-bit operand needs k + κ + 2 bits of field. Comparisons that the protocols do by
 *   bit decomposition instead only need the operand difference below p/2: `COMPARE_NEEDS_MASK`
 *   records which is the case (the lead's note: "ints up to ~59 bits in p61").
 */
export const KAPPA = 40
/** Largest operand width of lt / eq / division protocols (protocol API: k ≤ 64). */
export const MAX_PROTOCOL_BITS = 64
/** Largest magnitude a value may reach: p127 holds |x| < 2^126; one bit of slack. */
export const MAX_VALUE_BITS = 125
/** Whether lt/eq mask their operand statistically (true) or need only |a − b| < p/2 (false). */
export const COMPARE_NEEDS_MASK = false
