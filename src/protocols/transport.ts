/**
 * What the protocols need from the network (DESIGN.md §3: "every protocol message is labelled
 * deterministically (task, step, round) so parties never negotiate order; a round's messages to one
 * peer travel as one batched frame"). One Transport instance serves one party in one session (one
 * task); implementations live in the engine (in-memory, TCP) and node (libp2p) layers.
 *
 * Contract for implementations:
 * - `send` never blocks the caller: it queues the frame and the transport delivers it in order per
 *   peer, applying back-pressure internally. Sending to `self` is not allowed.
 * - The payload is the caller's again when `send` returns: a transport copies what it keeps (the
 *   protocols send short vectors from one reused buffer, src/protocols/exchange.ts). Only an explicit
 *   option may waive this for large payloads (the TCP transport's `copyOnSend: false`, ≥ 64 KiB).
 * - `receive(from, label)` resolves with the frame `from` sent under `label`, whenever it arrives
 *   (before or after the call). Each (from, label) pair is received at most once. Frames under
 *   different labels may be consumed in any order.
 * - A receive that waits longer than its timeout rejects with MpcTimeoutError (code MPC_TIMEOUT)
 *   naming the silent peer and the label; an aborted signal rejects with the signal's reason; a
 *   closed transport rejects pending and later receives with code MPC_TRANSPORT_CLOSED.
 * - Labels are opaque ASCII strings of at most 255 bytes; payloads are opaque bytes.
 */
import { EnigmaError } from '../common/errors.ts'

export interface ReceiveOptions {
  readonly signal?: AbortSignal
  /** Milliseconds to wait for this frame; defaults to the transport's own default. */
  readonly timeoutMs?: number
}

export interface TransportStats {
  bytesSent: number
  bytesReceived: number
  framesSent: number
  framesReceived: number
}

export interface Transport {
  /** Number of parties in the session. */
  readonly n: number
  /** This party's index, 0..n-1. */
  readonly self: number
  send(to: number, label: string, payload: Uint8Array): void
  receive(from: number, label: string, options?: ReceiveOptions): Promise<Uint8Array>
  readonly stats: TransportStats
  close(): Promise<void>
}

export class MpcTimeoutError extends EnigmaError {
  override name = 'MpcTimeoutError'
  constructor(party: number, label: string, timeoutMs: number) {
    super('MPC_TIMEOUT', `party ${party} sent nothing for '${label}' within ${timeoutMs} ms`, {
      meta: { party, label, timeoutMs },
    })
  }
}

export class TransportClosedError extends EnigmaError {
  override name = 'TransportClosedError'
  constructor(reason = 'transport closed') {
    super('MPC_TRANSPORT_CLOSED', reason)
  }
}
