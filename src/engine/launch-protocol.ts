/**
 * Messages between the launcher (parent) and a party process (child) over the Node IPC channel
 * (`serialization: 'advanced'`, so bigint and typed arrays survive in args and results).
 *
 *   parent → child  init   who you are, what to run
 *   child → parent  ready  module imported, listening on `port`
 *   parent → child  peers  everyone's address (sent once all are ready: no port races)
 *   child → parent  result | error
 */
import type { Transport } from '../protocols/transport.ts'
import type { SerializedError } from './launch-errors.ts'
import type { TcpPeerAddress } from './transport-tcp.ts'
import type { PartyKeys } from './transport-tcp-keys.ts'

export interface InitMessage {
  readonly type: 'init'
  readonly self: number
  readonly n: number
  readonly sessionId: string
  /** file: URL of the party module. */
  readonly module: string
  readonly args: unknown
  readonly host: string
  readonly receiveTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly copyOnSend: boolean
  /** This party's key and everyone's public key (absent only with `insecurePlaintext`). */
  readonly keys?: PartyKeys
  readonly insecurePlaintext?: boolean
}

export interface PeersMessage {
  readonly type: 'peers'
  readonly peers: readonly TcpPeerAddress[]
}

export type ParentMessage = InitMessage | PeersMessage

export type ChildMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'result'; readonly value: unknown }
  | { readonly type: 'error'; readonly error: SerializedError }

/** What a party module's `party` function receives. */
export interface PartyContext<A = unknown> {
  readonly self: number
  readonly n: number
  readonly sessionId: string
  readonly transport: Transport
  readonly args: A
}

export type PartyFunction<A = unknown, R = unknown> = (ctx: PartyContext<A>) => Promise<R>

