/**
 * Secrets that refuse to be logged or stringified (DESIGN.md §6). Wrap anything that must never reach
 * a log, an error message or JSON: keys, shares, plaintext inputs. Read the value with `expose()`, at
 * the one place that needs it.
 */
import { EnigmaError } from './errors.ts'

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom')

export class SecretLeakError extends EnigmaError {
  override name = 'SecretLeakError'
  constructor(how: string) {
    super('SECRET_LEAK', `refused to ${how} a secret value`, {
      details: 'Secret values cannot be converted to strings, numbers or JSON. Call expose() where the value is really needed.',
    })
  }
}

export class Secret<T> {
  readonly #value: T
  readonly label: string

  constructor(value: T, label = 'secret') {
    this.#value = value
    this.label = label
  }

  expose(): T {
    return this.#value
  }

  toString(): never {
    throw new SecretLeakError('stringify')
  }

  valueOf(): never {
    throw new SecretLeakError('convert')
  }

  toJSON(): never {
    throw new SecretLeakError('serialize')
  }

  [Symbol.toPrimitive](): never {
    throw new SecretLeakError('convert')
  }

  [inspectSymbol](): string {
    return `[Secret ${this.label}]`
  }
}
