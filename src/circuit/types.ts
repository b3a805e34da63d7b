/**
 * The circuit IR of secret contracts (DESIGN.md §5, o1js / MP-SPDZ habits of §6).
 *
 * A circuit is a list of gates in topological order (a gate's arguments are earlier gates). Values are
 * integers in the *signed* interpretation: the IR is field-agnostic (constants are plain bigints) and
 * the field is picked after tracing (`field-choice.ts`), so a signed value x is the element p + x at
 * run time. Every gate carries the interval [lo, hi] its value is proven to lie in; the compiler uses
 * it to fold comparisons, to size comparisons (`bits`) and to pick the field.
 *
 * Public values never become gates of their own except `const`: public × secret is a `mulc` gate
 * (free, local) and a fully public expression is folded to one `const`.
 */
import type { FieldName } from '../field/types.ts'

/** Gate kinds. Local gates cost nothing; interactive gates cost rounds and communication. */
export type Op =
  | 'const' // attrs [value]
  | 'input' // attrs [slot]: the slot-th element of the flattened inputs
  | 'add' | 'sub' // local (negation is mulc by −1)
  | 'addc' | 'mulc' // attrs [c]: a + c, a · c (local)
  | 'mul' // secret × secret, 1 round
  | 'lt' | 'eq' // attrs [bits, signed]: a < b, a == b as 0/1; both operands are bits-bit ints
  | 'truncpr' // attrs [bits, shift]: ⌊a / 2^shift⌋ or that + 1 (probabilistic), a a bits-bit signed int
  | 'divc' | 'modc' // attrs [bits, d]: ⌊a / d⌋, a mod d for a public d ≥ 1 and 0 ≤ a < 2^bits
  | 'divs' | 'mods' // attrs [bits]: ⌊a / b⌋, a mod b for secret 0 ≤ a, b < 2^bits

export const LOCAL_OPS: ReadonlySet<Op> = new Set(['const', 'input', 'add', 'sub', 'addc', 'mulc'])
export const INTERACTIVE_OPS: readonly Op[] = ['mul', 'lt', 'eq', 'truncpr', 'divc', 'modc', 'divs', 'mods']

export interface Gate {
  readonly op: Op
  readonly args: readonly number[]
  readonly attrs: readonly bigint[]
  /** Proven bounds of the gate's value (signed interpretation), lo ≤ hi. */
  readonly lo: bigint
  readonly hi: bigint
}

/** Types of values at the circuit boundary (inputs and outputs). */
export type ScalarType =
  | { readonly kind: 'bool' }
  /** Optional min/max narrow the declared range of an input (and so every width derived from it). */
  | { readonly kind: 'int'; readonly signed: boolean; readonly bits: number; readonly min?: string; readonly max?: string }
  /** Fixed point: the integer round(x · 2^frac); |x| < 2^intBits, or within [min, max] when given. */
  | { readonly kind: 'fixed'; readonly frac: number; readonly intBits: number; readonly min?: number; readonly max?: number }

export type ValueType =
  | ScalarType
  | { readonly kind: 'array'; readonly of: ValueType; readonly length: number }
  | { readonly kind: 'object'; readonly fields: readonly (readonly [string, ValueType])[] }

export interface CircuitInput {
  readonly name: string
  readonly type: ValueType
  /** Gates of the flattened value, depth first, object fields in declaration order. */
  readonly wires: readonly number[]
}

export interface CircuitOutput {
  readonly name: string
  /** null: revealed to everyone; otherwise only this recipient can reconstruct it. */
  readonly recipient: string | null
  readonly type: ValueType
  readonly wires: readonly number[]
}

/**
 * Persistent secret state of a contract (whitepaper §MPC.set/MPC.get; docs/contracts.md "State"): the
 * version a task reads and the version it writes. Both are kept secret-shared by the committee and its
 * custody successors; `write` is never opened (a contract declassifies part of it with an ordinary
 * `reveal`). Part of the encoding, so the code hash covers the declaration.
 */
export interface CircuitState {
  /** The current version: input gates whose slots follow those of the client inputs. */
  readonly read: readonly CircuitInput[]
  /** The next version: the same names and types as `read`, in the same order. */
  readonly write: readonly CircuitInput[]
}

export interface Circuit {
  readonly format: 'enigma-circuit/1'
  readonly name: string
  readonly params: Readonly<Record<string, number>>
  readonly field: FieldName
  readonly gates: readonly Gate[]
  readonly inputs: readonly CircuitInput[]
  readonly outputs: readonly CircuitOutput[]
  /** Absent for stateless contracts (their encoding and code hash do not mention state at all). */
  readonly state?: CircuitState
}
