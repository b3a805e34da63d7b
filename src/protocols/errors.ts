import { EnigmaError } from '../common/errors.ts'

/**
 * Malicious-mode detection (DESIGN.md §2): a value that some party sent was wrong. `meta.step` names
 * the protocol step (label) where it was found; `meta.parties` names cheaters only on evidence they sent
 * themselves: a malformed frame (exchange.ts), or a share of a verified output that the redundancy
 * proves wrong (open.ts: within the decoding radius for t corruptions). It is empty otherwise: an
 * inconsistency before the MAC check may come from an equivocation that left honest parties' shares
 * disagreeing, and naming on it could blame an honest party.
 * The run ends with this error before any output is revealed: a wrong output is never returned.
 */
export class CheatingDetectedError extends EnigmaError {
  override name = 'CheatingDetectedError'
  constructor(step: string, what: string, parties: readonly number[] = []) {
    const who = parties.length > 0 ? ` (party ${parties.join(', ')})` : ''
    super('MPC_CHEATING_DETECTED', `${step}: ${what}${who}`, { meta: { step, parties: [...parties] } })
  }
}

/**
 * A dealer's input sharing failed the degree-t check: the input is rejected, never computed on.
 * `meta.dealer` names the rejected input's dealer; `meta.parties` is empty, because a corrupt party
 * that publishes a wrong check value makes an honest dealer's sharing fail too (input.ts): the failure
 * is no evidence against the dealer.
 */
export class InconsistentInputError extends EnigmaError {
  override name = 'InconsistentInputError'
  constructor(step: string, dealer: number | string) {
    super('MPC_INCONSISTENT_INPUT', `${step}: the sharing dealt by ${typeof dealer === 'number' ? `party ${dealer}` : dealer} failed the degree-t check (an inconsistent dealing, or a wrong check value from some party)`, {
      meta: { step, dealer: String(dealer), parties: [] },
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
