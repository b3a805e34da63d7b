/**
 * n parties in one process, for tests of the protocol and engine layers. Behaves like the TCP
 * transport above the wire (same Inbox, same argument checks, same close and disconnect rules) so a
 * test that passes here means something over TCP.
 *
 * - Frames are delivered asynchronously (a microtask after `send`, in send order per sender), never
 *   inside `send`, so code that only works if delivery is synchronous fails here too.
 * - `send` copies the payload once: the sender may reuse its buffer right away, and the receiver owns
 *   its bytes (it can never mutate the sender's buffer).
 * - Fault injection: `tamper` sees every frame (after the copy) and may replace it or drop it;
 *   `setSilent(true)` makes a party drop everything it sends (a crashed or withholding party).
 * - Closing a party tells the others, as a TCP disconnect would: their receives from it that have no
 *   frame buffered reject with MPC_PEER_DISCONNECTED instead of waiting for the timeout.
 */
import type { ReceiveOptions, Transport, TransportStats } from '../protocols/transport.ts'
import { TransportClosedError } from '../protocols/transport.ts'
import { check } from '../common/errors.ts'
import { Inbox } from './transport-inbox.ts'
import { checkLabel, checkPartyCount, checkPayload, checkPeer, checkTimeout } from './transport-checks.ts'
import { PeerDisconnectedError } from './transport-errors.ts'

/**
 * Sees a frame in flight. Return a payload to deliver instead, `null` to drop the frame, or
 * `undefined` to deliver it unchanged. `payload` is already the receiver's private copy.
 */
export type TamperHook = (from: number, to: number, label: string, payload: Uint8Array) => Uint8Array | null | undefined

export interface MemoryNetworkOptions {
  /** Default receive timeout in ms (30 000). */
  readonly timeoutMs?: number
  readonly tamper?: TamperHook
  /** Parties that start silent: everything they send is dropped. */
  readonly silent?: readonly number[]
}

export interface MemoryTransport extends Transport {
  /** While silent, every frame this party sends is dropped (it still receives). */
  setSilent(silent: boolean): void
}

export const DEFAULT_RECEIVE_TIMEOUT_MS = 30_000

export function createMemoryNetwork(n: number, options: MemoryNetworkOptions = {}): MemoryTransport[] {
  checkPartyCount('createMemoryNetwork', n)
  const timeoutMs = options.timeoutMs ?? DEFAULT_RECEIVE_TIMEOUT_MS
  checkTimeout('createMemoryNetwork', 'timeoutMs', timeoutMs)
  const inboxes = Array.from({ length: n }, () => new Inbox(n, timeoutMs))
  const silent = new Set(options.silent ?? [])
  for (const s of silent) check(Number.isInteger(s) && s >= 0 && s < n, 'createMemoryNetwork', `silent party ${s} out of range`)
  const parties: MemoryParty[] = []
  for (let i = 0; i < n; i++) parties.push(new MemoryParty(i, n, inboxes, silent, options.tamper))
  return parties
}

class MemoryParty implements MemoryTransport {
  readonly self: number
  readonly n: number
  readonly #inboxes: Inbox[]
  readonly #silent: Set<number>
  readonly #tamper: TamperHook | undefined
  #closed = false

  constructor(self: number, n: number, inboxes: Inbox[], silent: Set<number>, tamper: TamperHook | undefined) {
    this.self = self
    this.n = n
    this.#inboxes = inboxes
    this.#silent = silent
    this.#tamper = tamper
  }

  get stats(): TransportStats {
    return this.#inboxes[this.self]!.stats
  }

  send(to: number, label: string, payload: Uint8Array): void {
    checkPeer('MemoryTransport.send', this.n, this.self, to)
    checkLabel('MemoryTransport.send', label)
    checkPayload('MemoryTransport.send', payload)
    if (this.#closed) throw new TransportClosedError()
    const stats = this.stats
    stats.framesSent++
    stats.bytesSent += payload.byteLength
    if (this.#silent.has(this.self)) return
    const copy = payload.slice()
    const from = this.self
    const tamper = this.#tamper
    const inbox = this.#inboxes[to]!
    queueMicrotask(() => {
      let delivered: Uint8Array | null | undefined = copy
      if (tamper !== undefined) {
        delivered = tamper(from, to, label, copy)
        if (delivered === undefined) delivered = copy
      }
      if (delivered !== null) inbox.deliver(from, label, delivered)
    })
  }

  receive(from: number, label: string, options?: ReceiveOptions): Promise<Uint8Array> {
    try {
      checkPeer('MemoryTransport.receive', this.n, this.self, from)
      checkLabel('MemoryTransport.receive', label)
    } catch (e) {
      return Promise.reject(e)
    }
    return this.#inboxes[this.self]!.receive(from, label, options)
  }

  setSilent(silent: boolean): void {
    if (silent) this.#silent.add(this.self)
    else this.#silent.delete(this.self)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#inboxes[this.self]!.close()
    const self = this.self
    // Queued behind the frames already sent, like a TCP FIN behind the data: peers first get every
    // frame this party sent, then learn it is gone.
    queueMicrotask(() => {
      for (let j = 0; j < this.n; j++) {
        if (j === self) continue
        this.#inboxes[j]!.failPeer(self, (label) => new PeerDisconnectedError(self, label, 'it closed its transport'))
      }
    })
  }
}
