/**
 * `defineContract({ name, params, inputs, state, compute })`, the outputs `reveal` / `revealTo`, and the
 * next state `persist`.
 *
 * - `params`: public integers fixed when a task is made, each with an inclusive range
 *   (`{ bidders: { min: 2, max: 1000 } }`); they size arrays and loops.
 * - `inputs`: the secret inputs' types, or a function of the params returning them.
 * - `state` (optional): persistent secret state, e.g. `{ balances: array(uint64, 100) }` (or a function of
 *   the params). It lives secret-shared in the network between tasks (whitepaper: MPC.set / MPC.get).
 * - `compute(inputs, params, state)`: receives secret values shaped like the declarations (the state as
 *   of this task; all zeros before the first) and returns an object of outputs, each `reveal(x)` (public
 *   result) or `revealTo(recipient, x)`, plus, for a stateful contract, `state: persist(next)` (omitted:
 *   the state stays as it was). The next state is never revealed; `reveal(state.x)` declassifies a part.
 */
import { ContractInvalidError } from './errors.ts'
import type { SBool, SFixed, SInt, Value } from './secret.ts'
import type { ArraySpec, BoolSpec, FixedSpec, IntSpec, ObjectSpec, TypeSpec } from './types.ts'

export interface ParamSpec {
  readonly min: number
  readonly max: number
  readonly default?: number
  readonly description?: string
}

export type ParamValues<P> = { readonly [K in keyof P]: number }

/** The secret value type of a type spec. */
export type SecretOf<T> = T extends BoolSpec ? SBool
  : T extends IntSpec ? SInt
  : T extends FixedSpec ? SFixed
  : T extends ArraySpec<infer U> ? SecretOf<U>[]
  : T extends ObjectSpec ? { [K in keyof T]: SecretOf<T[K]> }
  : never

const OUTPUT = Symbol('enigma.output')

export interface Output {
  readonly [OUTPUT]: true
  readonly recipient: string | null
  readonly value: Value
}

export function isOutput(v: unknown): v is Output {
  return v !== null && typeof v === 'object' && (v as Record<symbol, unknown>)[OUTPUT] === true
}

/** Publish x to everyone. */
export function reveal(value: Value): Output {
  return { [OUTPUT]: true, recipient: null, value }
}

/** Deliver x only to `recipient` (a name the task maps to a key; in `enigma run`, party 0). */
export function revealTo(recipient: string, value: Value): Output {
  if (typeof recipient !== 'string' || recipient.length === 0) throw new ContractInvalidError('revealTo(recipient, x): recipient must be a non-empty string')
  return { [OUTPUT]: true, recipient, value }
}

const NEXT_STATE = Symbol('enigma.nextState')

/** The next version of a contract's state, returned by `compute` under the key `state`. */
export interface NextState {
  readonly [NEXT_STATE]: true
  readonly value: Readonly<Record<string, Value>>
}

export function isNextState(v: unknown): v is NextState {
  return v !== null && typeof v === 'object' && (v as Record<symbol, unknown>)[NEXT_STATE] === true
}

/**
 * Keep `next` as the contract's state for the next task: `return { ..., state: persist({ balances }) }`.
 * It must have the declared state's shape; every field is stored secret-shared, never revealed.
 */
export function persist(next: Readonly<Record<string, Value>>): NextState {
  if (next === null || typeof next !== 'object' || Array.isArray(next)) throw new ContractInvalidError('persist(next): next must be an object shaped like the declared state')
  return { [NEXT_STATE]: true, value: next }
}

export type StateValues<S> = { [K in keyof S]: S[K] extends TypeSpec ? SecretOf<S[K]> : never }

export interface ContractDefinition<P extends Record<string, ParamSpec>, I extends Record<string, TypeSpec>, S extends Record<string, TypeSpec> = {}> {
  readonly name: string
  readonly description?: string
  readonly params?: P
  readonly inputs: I | ((params: ParamValues<P>) => I)
  readonly state?: S | ((params: ParamValues<P>) => S)
  readonly compute: (inputs: { [K in keyof I]: SecretOf<I[K]> }, params: ParamValues<P>, state: StateValues<S>) => Record<string, Output | NextState>
}

export interface Contract<P extends Record<string, ParamSpec> = Record<string, ParamSpec>, I extends Record<string, TypeSpec> = Record<string, TypeSpec>, S extends Record<string, TypeSpec> = any>
  extends ContractDefinition<P, I, S> {
  readonly kind: 'enigma-contract'
}

export function defineContract<P extends Record<string, ParamSpec> = {}, I extends Record<string, TypeSpec> = Record<string, TypeSpec>, S extends Record<string, TypeSpec> = {}>(
  def: ContractDefinition<P, I, S>,
): Contract<P, I, S> {
  if (typeof def?.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(def.name)) {
    throw new ContractInvalidError('defineContract: name must be 1–64 letters, digits, _ . -')
  }
  if (typeof def.compute !== 'function') throw new ContractInvalidError(`defineContract(${def.name}): compute must be a function`)
  for (const [k, p] of Object.entries(def.params ?? {})) {
    if (!Number.isSafeInteger(p.min) || !Number.isSafeInteger(p.max) || p.min > p.max) {
      throw new ContractInvalidError(`defineContract(${def.name}): param ${k} needs integer min ≤ max`)
    }
  }
  return { ...def, kind: 'enigma-contract' }
}
