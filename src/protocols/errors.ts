import { EnigmaError } from '../common/errors.ts'

/**
 * Malicious-mode detection (DESIGN.md §2): a value that some party sent was wrong. `meta.step` names
 * the protocol step (label) where it was found; `meta.parties` names the cheaters when the evidence
 * identifies them (error correction with n ≥ t+3, an inconsistent dealer), and is empty otherwise.
 * The run ends with this error before any output is revealed: a wrong output is never returned.
 */
export class CheatingDetectedError extends EnigmaError {
  override name = 'CheatingDetectedError'
  constructor(step: string, what: string, parties: readonly number[] = []) {
    const who = parties.length > 0 ? ` (party ${parties.join(', ')})` : ''
    super('MPC_CHEATING_DETECTED', `${step}: ${what}${who}`, { meta: { step, parties: [...parties] } })
  }
}

/** A dealer's input sharing is not of degree t: the input is rejected, never computed on. */
export class InconsistentInputError extends EnigmaError {
  override name = 'InconsistentInputError'
  constructor(step: string, dealer: number | string) {
    super('MPC_INCONSISTENT_INPUT', `${step}: the sharing dealt by ${typeof dealer === 'number' ? `party ${dealer}` : dealer} is not consistent (degree > t)`, {
      meta: { step, dealer: String(dealer), parties: typeof dealer === 'number' ? [dealer] : [] },
    })
  }
}

/** A protocol was asked for something its parameters cannot do exactly (e.g. a bit width the field cannot hold). */
export class UnsupportedOperationError extends EnigmaError {
  override name = 'UnsupportedOperationError'
  constructor(fn: string, what: string) {
    super('MPC_UNSUPPORTED', `${fn}: ${what}`)
  }
}
