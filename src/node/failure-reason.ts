/**
 * The reason a task's failure is recorded with (the task record, the close notice to the other members,
 * and what src/node/evidence.ts `culpritOf` reads to decide on a vote). It names the guilty party without
 * leaking anything secret: parties, labels and error codes only.
 */
import { isEnigmaError } from '../common/errors.ts'

/** A failure reason that names the guilty party (`(party i, peer P)`) without leaking anything secret. */
export function failureReason(e: unknown, peerOf: (party: number) => string): string {
  if (isEnigmaError(e)) {
    const party = typeof e.meta.party === 'number' ? e.meta.party : undefined
    const who = party !== undefined ? ` (party ${party}, peer ${peerOf(party)})` : ''
    if (e.code === 'MPC_TIMEOUT') return `timeout: ${e.shortMessage}${who}`
    if (e.code === 'MPC_PEER_DISCONNECTED') return `peer disconnected: ${e.shortMessage}${who}`
    if (e.code === 'NODE_TASK_STATE' && e.shortMessage.startsWith('timeout:')) return e.shortMessage
    return `${e.code}: ${e.shortMessage}${who}`
  }
  if (e instanceof DOMException && e.name === 'TimeoutError') return 'timeout: computation exceeded its time limit'
  return `error: ${errText(e)}`
}

/** One line of an error, for reasons and logs. */
export function errText(e: unknown): string {
  if (isEnigmaError(e)) return e.shortMessage
  return e instanceof Error ? e.message.split('\n')[0]! : String(e)
}
