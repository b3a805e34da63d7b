import { EnigmaError } from '../common/errors.ts'

export class FieldDivisionByZeroError extends EnigmaError {
  override name = 'FieldDivisionByZeroError'
  constructor(fn: string) {
    super('FIELD_DIVISION_BY_ZERO', `${fn}: division by zero`)
  }
}

export class FieldEncodingError extends EnigmaError {
  override name = 'FieldEncodingError'
  constructor(fn: string, what: string) {
    super('FIELD_INVALID_ENCODING', `${fn}: ${what}`)
  }
}
