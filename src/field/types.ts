/**
 * The field interface every layer above is generic over (noble-curves habit, DESIGN.md §6): a field
 * instance is parameters plus kernels; algorithms never name a concrete prime.
 *
 * Representation (chosen for WebAssembly and zero-copy networking):
 * - An element is `limbs` little-endian 64-bit words, each element fully reduced (canonical, < p).
 * - A vector of `len` elements is a `BigUint64Array` of `len * limbs` words: element i occupies
 *   words [i*limbs, (i+1)*limbs). Its bytes (`new Uint8Array(v.buffer, v.byteOffset, v.byteLength)`)
 *   are the canonical little-endian encoding on little-endian hosts.
 * - Scalars (one element, e.g. a Lagrange coefficient) are `bigint` in [0, p). BigInt is fine for
 *   scalars, never per element of a vector on a hot path.
 *
 * Vector operations write into `out` when given (it may alias an input) and return it; otherwise
 * they allocate. Inputs must have equal lengths; elements must be canonical (< p): vectors that come
 * from outside (network, disk) go through `decode`, which validates.
 */
export type FieldVector = BigUint64Array

/** Fills a byte array with random bytes (crypto.getRandomValues-compatible, or a seeded PRG). */
export type RandomSource = (bytes: Uint8Array) => void

export type FieldName = 'p61' | 'p127'

export interface Field {
  /** Short stable name used in wire formats, benchmarks and code hashes: 'p61', 'p127'. */
  readonly name: FieldName
  readonly p: bigint
  /** Bit length of p (61, 127). */
  readonly bits: number
  /** 64-bit words per element (1 for p61, 2 for p127). */
  readonly limbs: 1 | 2
  /** Bytes per element in the canonical encoding (8 * limbs). */
  readonly bytes: number
  /** Which kernel runs the vector operations: 'wasm' or 'js'. */
  readonly kernel: 'wasm' | 'js'

  // --- scalars (bigint in [0, p)) ---
  /** Reduce any bigint (negative too) into [0, p). */
  reduce(x: bigint): bigint
  addS(a: bigint, b: bigint): bigint
  subS(a: bigint, b: bigint): bigint
  mulS(a: bigint, b: bigint): bigint
  negS(a: bigint): bigint
  /** Multiplicative inverse; throws FIELD_DIVISION_BY_ZERO for 0. */
  invS(a: bigint): bigint
  powS(a: bigint, e: bigint): bigint

  // --- vectors ---
  /** Number of elements in v (v.length / limbs). */
  len(v: FieldVector): number
  /** A zero vector of n elements. */
  zeros(n: number): FieldVector
  /** n copies of scalar s. */
  fill(n: number, s: bigint): FieldVector
  /** Element i as a bigint (boundary/tests only, not for hot loops). */
  get(v: FieldVector, i: number): bigint
  /** Set element i (boundary/tests only). */
  set(v: FieldVector, i: number, s: bigint): void
  /** Elements [start, end) as a new vector sharing no memory with v. */
  slice(v: FieldVector, start: number, end?: number): FieldVector
  /** Elements [start, end) as a view into v (no copy). */
  view(v: FieldVector, start: number, end?: number): FieldVector
  /** Concatenate vectors. */
  concat(vs: readonly FieldVector[]): FieldVector

  add(a: FieldVector, b: FieldVector, out?: FieldVector): FieldVector
  sub(a: FieldVector, b: FieldVector, out?: FieldVector): FieldVector
  neg(a: FieldVector, out?: FieldVector): FieldVector
  /** Element-wise product. */
  mul(a: FieldVector, b: FieldVector, out?: FieldVector): FieldVector
  /** Element-wise a*b + c. */
  muladd(a: FieldVector, b: FieldVector, c: FieldVector, out?: FieldVector): FieldVector
  /** s * a for a scalar s. */
  scale(a: FieldVector, s: bigint, out?: FieldVector): FieldVector
  /** a + s for a scalar s. */
  addScalar(a: FieldVector, s: bigint, out?: FieldVector): FieldVector
  /** y += s * x, in place on y (axpy); returns y. The kernel of sharing and reconstruction. */
  axpy(s: bigint, x: FieldVector, y: FieldVector): FieldVector
  /**
   * a^(2^k) element-wise: k squarings of each element (one kernel pass instead of k; square roots in
   * the Mersenne fields are x^((p+1)/4) = x^(2^(bits−2))).
   */
  sqrPow2k(a: FieldVector, k: number, out?: FieldVector): FieldVector
  /** Σ_j coeffs[j] * vs[j] (a linear combination of equal-length vectors). */
  lincomb(coeffs: readonly bigint[], vs: readonly FieldVector[], out?: FieldVector): FieldVector
  /** Σ_i a[i] * b[i]. */
  dot(a: FieldVector, b: FieldVector): bigint
  /** Σ_i a[i]. */
  sum(a: FieldVector): bigint
  /** Element-wise inverse by Montgomery's batch trick; throws FIELD_DIVISION_BY_ZERO on a zero. */
  inv(a: FieldVector, out?: FieldVector): FieldVector
  /** True when every element of a equals the one of b. */
  equal(a: FieldVector, b: FieldVector): boolean
  /** True when every element is zero. */
  isZero(a: FieldVector): boolean

  /** n uniform elements (rejection sampling, no modular bias). Default source: crypto.getRandomValues. */
  random(n: number, source?: RandomSource): FieldVector
  /**
   * y += s · random(len(y), source), in place on y; returns y. Consumes the source exactly as `random`
   * does (same candidates accepted in the same order), so it equals `axpy(s, random(len(y), source), y)`
   * bit for bit on a seeded stream, without the intermediate vector and its second pass (PRSS).
   */
  randomAxpy(s: bigint, y: FieldVector, source?: RandomSource): FieldVector

  // --- conversions at the boundary ---
  fromBigInts(xs: readonly bigint[]): FieldVector
  toBigInts(v: FieldVector): bigint[]
  /**
   * Signed 64-bit integers embedded in the field (negative x ↦ p + x). Lets integer data enter the
   * field without per-element BigInt.
   */
  fromInt64(xs: BigInt64Array): FieldVector
  /** Non-negative safe integers / uint32 values embedded in the field. */
  fromUint32(xs: Uint32Array | readonly number[]): FieldVector
  /** Canonical little-endian bytes (a copy). */
  encode(v: FieldVector): Uint8Array
  /** Parse canonical bytes; throws FIELD_INVALID_ENCODING on a wrong length or an element ≥ p. */
  decode(bytes: Uint8Array): FieldVector
}
