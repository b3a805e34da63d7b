/**
 * One error model for the whole code base (viem's BaseError habit, DESIGN.md §6): every error the
 * project throws is an `EnigmaError` with a stable machine-readable `code`, a short human message,
 * optional details, and an optional cause. Codes are a public interface: never rename one.
 */
export type ErrorMeta = Readonly<Record<string, string | number | boolean | bigint | undefined | readonly (string | number)[]>>

export interface EnigmaErrorOptions {
  /** Longer explanation, shown after the short message. Never include secret values. */
  details?: string
  /** Underlying error, kept for debugging. */
  cause?: unknown
  /** Structured, non-secret facts (party index, step name, sizes) for programmatic handling. */
  meta?: ErrorMeta
  /** Path under docs/ that explains this error. */
  docsPath?: string
}

export class EnigmaError extends Error {
  override name = 'EnigmaError'
  readonly code: string
  readonly shortMessage: string
  readonly details: string | undefined
  readonly meta: ErrorMeta
  readonly docsPath: string | undefined

  constructor(code: string, shortMessage: string, options: EnigmaErrorOptions = {}) {
    const lines = [shortMessage]
    if (options.details) lines.push('', `Details: ${options.details}`)
    if (options.docsPath) lines.push(`Docs: docs/${options.docsPath}`)
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = shortMessage
    this.details = options.details
    this.meta = options.meta ?? {}
    this.docsPath = options.docsPath
  }

  /** One line for command-line output: `CODE: message`. */
  toLine(): string {
    return `${this.code}: ${this.shortMessage}`
  }
}

/** Bad argument to a public function: wrong length, out-of-range element, bad parameter. */
export class InvalidArgumentError extends EnigmaError {
  override name = 'InvalidArgumentError'
  constructor(fn: string, what: string, options: EnigmaErrorOptions = {}) {
    super('INVALID_ARGUMENT', `${fn}: ${what}`, options)
  }
}

export function isEnigmaError(e: unknown, code?: string): e is EnigmaError {
  return e instanceof EnigmaError && (code === undefined || e.code === code)
}

/** Throw an InvalidArgumentError unless `cond` holds. */
export function check(cond: unknown, fn: string, what: string): asserts cond {
  if (!cond) throw new InvalidArgumentError(fn, what)
}
