/**
 * Refusals of the state contract (contracts/EnigmaState.sol) as stable error codes, so a refused bind
 * prints one line `STATE_BUSY: …` on the command line and programs branch on the code (issue #11 §2).
 */
import { EnigmaError } from '../common/errors.ts'
import { ControllerRevertError } from './errors.ts'

/** Solidity error name → stable code. Codes are a public interface: never rename one. */
export const STATE_ERROR_CODES: Readonly<Record<string, string>> = {
  StateBusy: 'STATE_BUSY',
  UnknownState: 'STATE_UNKNOWN',
  StateExists: 'STATE_EXISTS',
  InvalidPrograms: 'STATE_INVALID_PROGRAMS',
  ZeroHash: 'STATE_INVALID_PROGRAMS',
  ProgramNotAllowed: 'STATE_PROGRAM_NOT_ALLOWED',
  UnknownTask: 'STATE_TASK_UNKNOWN',
  TaskNotOpen: 'STATE_TASK_NOT_OPEN',
  NotTaskCreator: 'STATE_NOT_TASK_CREATOR',
  CallbackNotSet: 'STATE_CALLBACK_NOT_SET',
  TaskAlreadyBound: 'STATE_TASK_ALREADY_BOUND',
  NotBound: 'STATE_NOT_BOUND',
  TaskStillLive: 'STATE_TASK_LIVE',
  OnlyController: 'STATE_ONLY_CONTROLLER',
  StaleVersion: 'STATE_STALE_VERSION',
}

const PLAIN: Readonly<Record<string, (args: readonly unknown[]) => string>> = {
  StateBusy: (a) => `state ${String(a[0])} is busy: task ${String(a[1])} is computing on version ${String(a[2])}; retry after its receipt (or after it fails and is released)`,
  UnknownState: (a) => `no state ${String(a[0])}`,
  StateExists: (a) => `state ${String(a[0])} exists already`,
  InvalidPrograms: (a) => `a state allows 1 to 16 programs (one caller each), got ${String(a[0])}`,
  ZeroHash: () => 'a zero type hash or code hash',
  ProgramNotAllowed: (a) => `state ${String(a[0])} does not allow contract ${String(a[1])} for ${String(a[2])}`,
  UnknownTask: (a) => `no task ${String(a[0])}`,
  TaskNotOpen: (a) => `task ${String(a[0])} is no longer open`,
  NotTaskCreator: (a) => `${String(a[1])} did not create task ${String(a[0])}`,
  CallbackNotSet: (a) => `task ${String(a[0])} must name the state contract's onTaskResult as its callback with at least ${String(a[1])} gas`,
  TaskAlreadyBound: (a) => `task ${String(a[0])} is already bound to state ${String(a[1])}`,
  NotBound: (a) => `task ${String(a[0])} holds no binding`,
  TaskStillLive: (a) => `task ${String(a[0])} can still deliver its receipt: its binding stays until it is refunded, past its deadline or its callback failed for good`,
  OnlyController: (a) => `${String(a[0])} is not the controller`,
  StaleVersion: (a) => `state ${String(a[0])}: the task computed on version ${String(a[1])}, the state is at ${String(a[2])}`,
}

export class StateRefusedError extends EnigmaError {
  override name = 'StateRefusedError'
  constructor(code: string, message: string, readonly errorName: string, readonly args: readonly unknown[], cause: unknown) {
    super(code, message, { cause, meta: { errorName }, docsPath: 'state.md' })
  }
}

/** A state-contract revert with a known name becomes a StateRefusedError; anything else is kept. */
export function toStateError(e: unknown): unknown {
  if (!(e instanceof ControllerRevertError)) return e
  const code = STATE_ERROR_CODES[e.errorName]
  if (!code) return e
  return new StateRefusedError(code, PLAIN[e.errorName]!(e.args), e.errorName, e.args, e)
}
