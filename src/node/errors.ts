/**
 * Errors of the node layer. Codes are a public interface (the HTTP API returns them as `error.code`):
 * never rename one.
 */
import { EnigmaError, type EnigmaErrorOptions } from '../common/errors.ts'

export type NodeErrorCode =
  | 'NODE_CONFIG_INVALID'
  | 'NODE_KEYSTORE_LOCKED'
  | 'NODE_KEYSTORE_CORRUPT'
  | 'NODE_KEYSTORE_MISSING'
  | 'NODE_STORE_CLOSED'
  | 'NODE_PEER_REFUSED'
  | 'NODE_FRAME_INVALID'
  | 'NODE_TASK_UNKNOWN'
  | 'NODE_TASK_STATE'
  | 'NODE_SLOT_UNKNOWN'
  | 'NODE_SHARE_INVALID'
  | 'NODE_CIRCUIT_UNAVAILABLE'
  | 'NODE_CIRCUIT_MISMATCH'
  | 'NODE_ENGINE_UNAVAILABLE'
  /** A stateful task's state could not be had: not bound by its deadline, a type mismatch, a lost share (state-handoff.ts). */
  | 'NODE_STATE_UNAVAILABLE'

export class NodeError extends EnigmaError {
  override name = 'NodeError'
  declare readonly code: NodeErrorCode
  constructor(code: NodeErrorCode, message: string, options: EnigmaErrorOptions = {}) {
    super(code, message, options)
  }
}
