/**
 * Shamir secret sharing as pure functions over any `Field` (MPyC habit: sharing is math, not I/O).
 * Party i holds f(i + 1). Modules, in dependency order:
 * - params: committee parameter checks and evaluation points
 * - lagrange: memoised interpolation coefficients
 * - shamir: split, reconstruct, interpolate a share
 * - berlekamp-welch: scalar Reed–Solomon decoding
 * - reconstruct-checked: reconstruction with error detection and correction naming bad shares
 * - extraction: Vandermonde / hyper-invertible matrices for batched random sharings (DN07)
 * - consistency: the batch degree-t check of a dealer's sharing with a random coin
 */
export * from './params.ts'
export * from './lagrange.ts'
export * from './shamir.ts'
export * from './berlekamp-welch.ts'
export * from './reconstruct-checked.ts'
export * from './extraction.ts'
export * from './consistency.ts'
export * from './errors.ts'
