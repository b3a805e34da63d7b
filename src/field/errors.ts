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

/** The platform cannot run the field layer (big-endian host, or the wasm kernel without WebAssembly). */
export class FieldUnsupportedPlatformError extends EnigmaError {
  override name = 'FieldUnsupportedPlatformError'
  constructor(fn: string, what: string) {
    super('FIELD_UNSUPPORTED_PLATFORM', `${fn}: ${what}`)
  }
}

/** A seeded PRG reached the end of its keystream (2^32 ChaCha20 blocks = 256 GiB per seed and nonce). */
export class PrgExhaustedError extends EnigmaError {
  override name = 'PrgExhaustedError'
  constructor(fn: string) {
    super('FIELD_PRG_EXHAUSTED', `${fn}: the 256 GiB ChaCha20 keystream of this seed and nonce is used up`, {
      details: 'Derive a new seed or use another nonce.',
    })
  }
}
