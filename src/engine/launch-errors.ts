/**
 * Errors of the multi-process launcher, and the (de)serialisation that carries a child's error to the
 * parent with its `code` and `meta` intact (EnigmaError codes are the contract; class identity is
 * not kept across the process boundary, so match on `code`, not `instanceof`).
 */
import { EnigmaError, type ErrorMeta } from '../common/errors.ts'

/** One party failed (threw, crashed or was killed); `cause` is that party's own error. */
export class PartyFailedError extends EnigmaError {
  override name = 'PartyFailedError'
  readonly party: number
  /** The party's error as rebuilt in the parent (same `code` and `meta` as in the child). */
  readonly partyError: Error
  constructor(party: number, partyError: Error, details?: string) {
    const code = (partyError as { code?: unknown }).code
    const what = partyError instanceof EnigmaError ? partyError.shortMessage : partyError.message
    super('ENGINE_PARTY_FAILED', `party ${party} failed: ${typeof code === 'string' ? `${code}: ` : ''}${what}`, {
      cause: partyError,
      meta: { party, partyCode: typeof code === 'string' ? code : undefined },
      ...(details ? { details } : {}),
    })
    this.party = party
    this.partyError = partyError
  }
}

/** A child process ended without reporting a result or an error (crash, kill, `process.exit`). */
export class PartyExitedError extends EnigmaError {
  override name = 'PartyExitedError'
  constructor(party: number, exitCode: number | null, signal: string | null, stderrTail: string) {
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${exitCode}`
    super('ENGINE_PARTY_EXITED', `party ${party} ${how} before reporting a result`, {
      meta: { party, exitCode: exitCode ?? undefined, signal: signal ?? undefined },
      ...(stderrTail ? { details: `last output:\n${stderrTail}` } : {}),
    })
  }
}

export class LaunchTimeoutError extends EnigmaError {
  override name = 'LaunchTimeoutError'
  constructor(timeoutMs: number, pending: readonly number[]) {
    super('ENGINE_LAUNCH_TIMEOUT', `parties ${pending.join(', ')} did not finish within ${timeoutMs} ms`, {
      meta: { timeoutMs, pending },
    })
  }
}

export class BadPartyModuleError extends EnigmaError {
  override name = 'BadPartyModuleError'
  constructor(module: string, what: string) {
    super('ENGINE_BAD_PARTY_MODULE', `${module}: ${what}`, { meta: { module } })
  }
}

export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly stack?: string
  readonly code?: string
  readonly shortMessage?: string
  readonly details?: string
  readonly docsPath?: string
  readonly meta?: ErrorMeta
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof EnigmaError) {
    return {
      name: e.name, message: e.message, stack: e.stack, code: e.code, shortMessage: e.shortMessage,
      details: e.details, docsPath: e.docsPath, meta: { ...e.meta },
    }
  }
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    return { name: e.name, message: e.message, stack: e.stack, ...(typeof code === 'string' ? { code } : {}) }
  }
  return { name: 'Error', message: `non-error thrown: ${String(e)}` }
}

export function deserializeError(s: SerializedError): Error {
  let e: Error
  if (s.shortMessage !== undefined && s.code !== undefined) {
    e = new EnigmaError(s.code, s.shortMessage, {
      ...(s.details !== undefined ? { details: s.details } : {}),
      ...(s.docsPath !== undefined ? { docsPath: s.docsPath } : {}),
      ...(s.meta !== undefined ? { meta: s.meta } : {}),
    })
  } else {
    e = new Error(s.message)
    if (s.code !== undefined) Object.assign(e, { code: s.code })
  }
  Object.defineProperty(e, 'name', { value: s.name, configurable: true, writable: true })
  if (s.stack !== undefined) e.stack = s.stack
  return e
}
