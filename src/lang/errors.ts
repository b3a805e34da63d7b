import { EnigmaError, type EnigmaErrorOptions } from '../common/errors.ts'

const HINT =
  'Secrets cannot steer JavaScript control flow or be printed while the contract is compiled. ' +
  'Instead of `if (c) { x = a } else { x = b }` write `x = select(c, a, b)`; instead of `while (secret)` ' +
  'loop a public number of times and select inside; to publish a value return reveal(x).'

/** A secret used where JavaScript needs a plain value. Code: LANG_SECRET_COERCION. */
export class SecretCoercionError extends EnigmaError {
  override name = 'SecretCoercionError'
  constructor(kind: string, how: string) {
    super('LANG_SECRET_COERCION', `a secret ${kind} was used as a plain JavaScript value (${how}); use select(c, a, b) instead of branching on it`, {
      details: HINT,
      docsPath: 'contracts.md#secrets-and-control-flow',
    })
  }
}

/** Wrong types or shapes in a contract (e.g. adding a fixed-point number to a boolean). Code: LANG_TYPE. */
export class LangTypeError extends EnigmaError {
  override name = 'LangTypeError'
  constructor(what: string, options: EnigmaErrorOptions = {}) {
    super('LANG_TYPE', what, { docsPath: 'contracts.md#types', ...options })
  }
}

/** A missing, unknown or out-of-range contract parameter. Code: LANG_PARAM_INVALID. */
export class ParamInvalidError extends EnigmaError {
  override name = 'ParamInvalidError'
  constructor(what: string) {
    super('LANG_PARAM_INVALID', what, { docsPath: 'contracts.md#params' })
  }
}

/** A malformed contract definition or output. Code: LANG_CONTRACT_INVALID. */
export class ContractInvalidError extends EnigmaError {
  override name = 'ContractInvalidError'
  constructor(what: string, options: EnigmaErrorOptions = {}) {
    super('LANG_CONTRACT_INVALID', what, { docsPath: 'contracts.md', ...options })
  }
}

/** A secret used as a JavaScript condition (found by the source check, lint.ts). Code: LANG_SECRET_CONDITION. */
export class SecretConditionError extends EnigmaError {
  override name = 'SecretConditionError'
  constructor(where: string, what: string, more: number) {
    super('LANG_SECRET_CONDITION', `${where}: ${what}${more > 0 ? ` (and ${more} more)` : ''}`, {
      details: HINT,
      docsPath: 'contracts.md#secrets-and-control-flow',
    })
  }
}
