import { EnigmaError } from '../common/errors.ts'

/**
 * The shares handed in do not lie on one polynomial of the expected degree: somebody sent a wrong
 * share. `meta.parties` names the parties whose shares were found wrong, when the code could tell
 * (error correction needs n ≥ 3t+1); otherwise it is empty.
 */
export class InconsistentSharesError extends EnigmaError {
  override name = 'InconsistentSharesError'
  constructor(fn: string, what: string, parties: readonly number[] = []) {
    super('SHARING_INCONSISTENT', `${fn}: ${what}`, { meta: { parties: [...parties] } })
  }
}
