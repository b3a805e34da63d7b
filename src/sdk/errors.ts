/**
 * Errors of the client SDK. Codes are stable (a public interface): callers branch on `code`, never
 * on the message. Chain refusals keep their own `CHAIN_REVERTED` error (src/chain/errors.ts).
 */
import { EnigmaError, type EnigmaErrorOptions } from '../common/errors.ts'

export type SdkErrorCode =
  | 'SDK_CONFIG_INVALID'
  | 'SDK_TASK_UNKNOWN'
  | 'SDK_SLOT_UNKNOWN'
  | 'SDK_NOT_SLOT_OWNER'
  | 'SDK_INPUT_INVALID'
  | 'SDK_NODE_REFUSED'
  | 'SDK_NODE_UNREACHABLE'
  | 'SDK_TASK_FAILED'
  | 'SDK_TASK_REFUNDED'
  | 'SDK_TASK_EXPIRED'
  | 'SDK_TIMEOUT'
  | 'SDK_OUTPUT_UNAVAILABLE'
  | 'SDK_OUTPUT_INCONSISTENT'
  | 'SDK_NO_ACCOUNT'
  | 'SDK_INPUT_BATCH'

export class SdkError extends EnigmaError {
  override name = 'SdkError'
  declare readonly code: SdkErrorCode
  constructor(code: SdkErrorCode, message: string, options: EnigmaErrorOptions = {}) {
    super(code, message, { docsPath: 'devnet.md', ...options })
  }
}
