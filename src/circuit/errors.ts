import { EnigmaError, type EnigmaErrorOptions } from '../common/errors.ts'

/**
 * A value could leave the exact range of every supported field, or an operation needs more bits than
 * the protocols support. Code: CIRCUIT_OVERFLOW.
 */
export class CircuitOverflowError extends EnigmaError {
  override name = 'CircuitOverflowError'
  constructor(what: string, options: EnigmaErrorOptions = {}) {
    super('CIRCUIT_OVERFLOW', what, { docsPath: 'contracts.md#integer-semantics', ...options })
  }
}

/** A malformed circuit (bad gate, bad argument index, unknown op). Code: CIRCUIT_INVALID. */
export class CircuitInvalidError extends EnigmaError {
  override name = 'CircuitInvalidError'
  constructor(what: string, options: EnigmaErrorOptions = {}) {
    super('CIRCUIT_INVALID', what, options)
  }
}

/**
 * An input value that does not match its declared type: unknown or missing name, wrong array length,
 * out of range, not a number. Code: INPUT_INVALID. The message names the input and the position.
 */
export class InputInvalidError extends EnigmaError {
  override name = 'InputInvalidError'
  constructor(where: string, what: string) {
    super('INPUT_INVALID', `${where}: ${what}`, { docsPath: 'contracts.md#inputs' })
  }
}
