/**
 * Refusals of the records contract (contracts/EnigmaRecords.sol) as stable error codes, so a refused
 * use prints one line `RECORD_REVOKED: …` on the command line (issue #11, §4) and programs can branch
 * on the code instead of a Solidity error name.
 */
import { EnigmaError } from '../common/errors.ts'
import { ControllerRevertError } from './errors.ts'

/** Solidity error name → stable code. Codes are a public interface: never rename one. */
export const RECORD_ERROR_CODES: Readonly<Record<string, string>> = {
  UnknownRecord: 'RECORD_UNKNOWN',
  RecordIsDeleted: 'RECORD_DELETED',
  NotRecordOwner: 'RECORD_NOT_OWNER',
  NotGranted: 'RECORD_NOT_GRANTED',
  GrantRevoked: 'RECORD_REVOKED',
  GrantExpired: 'RECORD_EXPIRED',
  UsesExhausted: 'RECORD_USES_EXHAUSTED',
  TypeMismatch: 'RECORD_TYPE_MISMATCH',
  SlotAlreadyBound: 'RECORD_SLOT_ALREADY_BOUND',
  NotTaskCreator: 'RECORD_NOT_TASK_CREATOR',
  RecordExists: 'RECORD_EXISTS',
  NoCustodyEpoch: 'RECORD_NO_CUSTODY_EPOCH',
  InvalidExpiry: 'RECORD_INVALID_EXPIRY',
  NotCustodian: 'RECORD_NOT_CUSTODIAN',
  EpochNotCurrent: 'RECORD_EPOCH_NOT_CURRENT',
  NotHandedOff: 'RECORD_NOT_HANDED_OFF',
  AlreadyConfirmed: 'RECORD_ALREADY_CONFIRMED',
  StaleAttempt: 'RECORD_STALE_ATTEMPT',
  FutureAttempt: 'RECORD_FUTURE_ATTEMPT',
  LengthMismatch: 'RECORD_LENGTH_MISMATCH',
}

const PLAIN: Readonly<Record<string, (args: readonly unknown[]) => string>> = {
  UnknownRecord: (a) => `no record ${String(a[0])}`,
  RecordIsDeleted: (a) => `record ${String(a[0])} was deleted by its owner (block ${String(a[1])})`,
  NotRecordOwner: (a) => `${String(a[1])} does not own record ${String(a[0])}`,
  NotGranted: (a) => `record ${String(a[0])}: no grant for contract ${String(a[1])} and requester ${String(a[2])}`,
  GrantRevoked: (a) => `record ${String(a[0])}: the grant for contract ${String(a[1])} and requester ${String(a[2])} was revoked by its owner (block ${String(a[3])})`,
  GrantExpired: (a) => `record ${String(a[0])}: the grant expired at ${new Date(Number(a[1]) * 1000).toISOString()}`,
  UsesExhausted: (a) => `record ${String(a[0])}: all ${String(a[1])} granted uses are spent`,
  TypeMismatch: (a) => `record ${String(a[0])} has type ${String(a[1])}, the input needs ${String(a[2])}`,
  SlotAlreadyBound: (a) => `input slot ${String(a[1])} of task ${String(a[0])} is already bound to record ${String(a[2])}`,
  NotTaskCreator: (a) => `${String(a[1])} did not create task ${String(a[0])}`,
  RecordExists: (a) => `record ${String(a[0])} exists already`,
  NoCustodyEpoch: () => 'no custody committee has been drawn yet (beginEpoch, then drawEpoch)',
  InvalidExpiry: (a) => `expiry ${String(a[0])} is not in the future`,
  NotCustodian: (a) => `${String(a[1])} is not a custodian of epoch ${String(a[0])}`,
  EpochNotCurrent: (a) => `hand-offs are confirmed for the current epoch ${String(a[1])} only, not ${String(a[0])}`,
  NotHandedOff: (a) => `record ${String(a[0])} was not handed to epoch ${String(a[1])} (it was stored in it)`,
  AlreadyConfirmed: (a) => `${String(a[1])} already confirmed its share of record ${String(a[0])}`,
  StaleAttempt: (a) => `record ${String(a[0])}: hand-off attempt ${String(a[1])} is not the one counted (${String(a[2])})`,
  FutureAttempt: (a) => `hand-off attempt ${String(a[0])} has not begun (current slot ${String(a[1])})`,
  LengthMismatch: (a) => `${String(a[0])} records but ${String(a[1])} attempts`,
}

export class RecordRefusedError extends EnigmaError {
  override name = 'RecordRefusedError'
  constructor(code: string, message: string, readonly errorName: string, readonly args: readonly unknown[], cause: unknown) {
    super(code, message, { cause, meta: { errorName }, docsPath: 'state.md' })
  }
}

/** A records-contract revert with a known name becomes a RecordRefusedError; anything else is kept. */
export function toRecordError(e: unknown): unknown {
  if (!(e instanceof ControllerRevertError)) return e
  const code = RECORD_ERROR_CODES[e.errorName]
  if (!code) return e
  return new RecordRefusedError(code, PLAIN[e.errorName]!(e.args), e.errorName, e.args, e)
}
