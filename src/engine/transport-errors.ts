/**
 * Errors of the engine's transports (in-memory and TCP). Codes are a public interface: the node and
 * CLI layers match on them, and the launcher carries them across process boundaries.
 */
import { EnigmaError } from '../common/errors.ts'

/** A peer went away (closed or crashed) before sending a frame someone is waiting for. */
export class PeerDisconnectedError extends EnigmaError {
  override name = 'PeerDisconnectedError'
  constructor(party: number, label: string | undefined, why: string) {
    const what = label === undefined ? '' : ` before sending '${label}'`
    super('MPC_PEER_DISCONNECTED', `party ${party} disconnected${what}: ${why}`, {
      meta: { party, label, why },
    })
  }
}

/** Not every peer was connected and handshaken within the connect timeout. */
export class ConnectTimeoutError extends EnigmaError {
  override name = 'ConnectTimeoutError'
  constructor(self: number, missing: readonly number[], timeoutMs: number, lastError?: unknown) {
    super('MPC_CONNECT_TIMEOUT', `party ${self} could not connect to part${missing.length === 1 ? 'y' : 'ies'} ${missing.join(', ')} within ${timeoutMs} ms`, {
      meta: { party: self, missing, timeoutMs },
      ...(lastError === undefined ? {} : { cause: lastError, details: `last error: ${String((lastError as Error)?.message ?? lastError)}` }),
    })
  }
}

/** The other side refused our hello (wrong session, wrong index, wrong n) or spoke another protocol. */
export class HandshakeError extends EnigmaError {
  override name = 'HandshakeError'
  constructor(party: number, reason: string) {
    super('MPC_HANDSHAKE_REFUSED', `handshake with party ${party} failed: ${reason}`, { meta: { party, reason } })
  }
}

/** A peer sent bytes that are not a valid frame (too large, truncated label): it is cut off. */
export class BadFrameError extends EnigmaError {
  override name = 'BadFrameError'
  constructor(what: string, meta: Record<string, number> = {}) {
    super('MPC_BAD_FRAME', `bad frame: ${what}`, { meta })
  }
}
