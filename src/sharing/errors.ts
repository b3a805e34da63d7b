import { EnigmaError } from '../common/errors.ts'

/**
 * The shares handed in do not lie on one polynomial of the expected degree, and the redundancy does
 * not allow correcting them with certainty: somebody sent a wrong share. No value is returned.
 */
export class InconsistentSharesError extends EnigmaError {
  override name = 'InconsistentSharesError'
  constructor(fn: string, what: string) {
    super('SHARING_INCONSISTENT', `${fn}: ${what}`)
  }
}

/**
 * Too few shares are present to rule out that the corrupt ones chose the value (fewer than
 * degree + 1 + t): no value is returned, even if the present shares agree.
 */
export class UndeterminedSharesError extends EnigmaError {
  override name = 'UndeterminedSharesError'
  constructor(fn: string, what: string) {
    super('SHARING_UNDETERMINED', `${fn}: ${what}`)
  }
}
