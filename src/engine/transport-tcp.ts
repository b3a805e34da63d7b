/**
 * Transport between OS processes over TCP (loopback by default): one connection per pair of
 * parties, full mesh. Party i dials every j > i and accepts from every j < i, so each pair agrees
 * on who dials without negotiating.
 *
 * Two steps, so a parent can hand out addresses before anyone dials:
 *
 *     const listener = await listenTcp({ self, n, sessionId })   // binds (port 0 = any free port)
 *     // ...tell the others listener.port, learn theirs...
 *     const transport = await listener.connect(peers)            // peers[j] = { host, port }
 *
 * or `createTcpTransport({ self, n, sessionId, peers })` when ports are known in advance. Frames from
 * peers that connect before our own `connect()` are buffered, not lost.
 *
 * Security (issue #9, defect 6): by default every connection is mutually authenticated against the
 * parties' Ed25519 keys (`keys`: own private key, everyone's public key) and encrypted (signed
 * X25519 handshake, AES-GCM records: transport-tcp-handshake.ts, transport-tcp-secure.ts), so the
 * party index a peer claims is proven, and nobody on the path can read or alter frames.
 * `insecurePlaintext: true` turns that off for loopback benchmarks only: it is refused for any
 * address that is not loopback. Receive memory is bounded per sender and per session
 * (frame-budget.ts); a sender over budget, or a frame header above `maxPayloadBytes`, cuts that
 * peer off, and no payload buffer is allocated before its bytes have arrived.
 *
 * Semantics follow src/protocols/transport.ts; additionally a peer whose connection ends makes the
 * receives from it that have no frame buffered reject with MPC_PEER_DISCONNECTED naming it. Sends to
 * a peer that is gone are dropped (the protocol learns of it on its next receive from that peer).
 * `stats` count payload bytes, as the in-memory transport does.
 */
import { createServer, isIP, type Server, type Socket } from 'node:net'
import type { ReceiveOptions, Transport, TransportStats } from '../protocols/transport.ts'
import { TransportClosedError } from '../protocols/transport.ts'
import { InvalidArgumentError } from '../common/errors.ts'
import { Inbox } from './transport-inbox.ts'
import { PeerLink } from './transport-tcp-link.ts'
import { FramePool } from './frame-pool.ts'
import { DEFAULT_MAX_PAYLOAD_BYTES, encodeFrame, encodeFrameHeader } from './frame-codec.ts'
import { checkLabel, checkPartyCount, checkPayload, checkPeer, checkTimeout } from './transport-checks.ts'
import { ConnectTimeoutError, HandshakeError, PeerDisconnectedError } from './transport-errors.ts'
import { deriveChannel, dialPeer, encodeReply, HandshakeStatus, newEphemeral, parseConfirm, parseHello, readHandshake, signedPart, transcript, type SecureChannel } from './transport-tcp-handshake.ts'
import { LoadedPartyKeys, type PartyKeys } from './transport-tcp-keys.ts'
import { DEFAULT_RECEIVE_LIMITS, ReceiveBudget, type ReceiveLimits } from './frame-budget.ts'
import { BadFrameError } from './transport-errors.ts'

export interface TcpPeerAddress {
  readonly host: string
  readonly port: number
}

/** 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`: the only addresses plaintext is allowed on. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host)
  return false
}

export interface ListenTcpOptions {
  readonly self: number
  readonly n: number
  /** Names the task/session; a peer with another id is refused in the handshake. */
  readonly sessionId: string
  /** This party's key and every party's public key; required unless `insecurePlaintext`. */
  readonly keys?: PartyKeys
  /**
   * No authentication, no encryption: for benchmarks on one machine only. Refused unless the listen
   * address and every peer address are loopback.
   */
  readonly insecurePlaintext?: boolean
  /** Per-session receive limits (bytes per sender, per session, labels ahead of ours). */
  readonly receiveLimits?: Partial<ReceiveLimits>
  /** Address to bind; loopback by default. */
  readonly host?: string
  /** Port to bind; 0 (default) lets the OS pick a free one, read it back from `listener.port`. */
  readonly port?: number
  /** Default receive timeout in ms (30 000). */
  readonly receiveTimeoutMs?: number
  /** Largest payload accepted from a peer (256 MiB); a bigger frame cuts that peer off. */
  readonly maxPayloadBytes?: number
  /**
   * Copy each payload in `send` (default true), so the caller may reuse its buffer at once (large
   * payloads are copied into pooled buffers, see frame-pool.ts). With false, payloads of 64 KiB and
   * more are written from the caller's memory, which must then not be modified until the transport
   * is closed or the peer has answered: one copy less per frame (see bench/transport.bench.ts).
   */
  readonly copyOnSend?: boolean
  /** How long `close()` waits for queued frames to flush before cutting connections (10 000 ms). */
  readonly closeTimeoutMs?: number
}

export interface ConnectTcpOptions {
  readonly signal?: AbortSignal
  /** Time for all peers to be up and handshaken (15 000 ms). */
  readonly connectTimeoutMs?: number
}

export interface TcpListener {
  readonly host: string
  readonly port: number
  /** Completes the mesh; `peers[j]` is party j's listening address (`peers[self]` is ignored). */
  connect(peers: readonly TcpPeerAddress[], options?: ConnectTcpOptions): Promise<TcpTransport>
  /** Gives up before or after connecting; closes the transport. */
  close(): Promise<void>
}

export interface TcpTransport extends Transport {
  /** Bytes queued for each peer and not yet handed to the kernel (back-pressure visibility). */
  backlogBytes(peer: number): number
}

export const DEFAULT_TCP_RECEIVE_TIMEOUT_MS = 30_000
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000

export async function listenTcp(options: ListenTcpOptions): Promise<TcpListener> {
  const fn = 'listenTcp'
  checkPartyCount(fn, options.n, options.self)
  if (typeof options.sessionId !== 'string' || Buffer.byteLength(options.sessionId) > 255) {
    throw new InvalidArgumentError(fn, 'sessionId must be a string of at most 255 UTF-8 bytes')
  }
  const host = options.host ?? '127.0.0.1'
  if (options.insecurePlaintext === true) {
    if (options.keys !== undefined) throw new InvalidArgumentError(fn, 'give either keys or insecurePlaintext, not both')
    if (!isLoopbackHost(host)) throw new InvalidArgumentError(fn, `insecurePlaintext is for loopback only; refusing to listen on ${host}`)
  } else if (options.keys === undefined) {
    throw new InvalidArgumentError(fn, 'keys are required (own private key and every party\'s public key); insecurePlaintext: true is for loopback benchmarks only')
  }
  const session = new TcpSession(options)
  await session.listen(host, options.port ?? 0)
  return session
}

export async function createTcpTransport(options: ListenTcpOptions & ConnectTcpOptions & { readonly peers: readonly TcpPeerAddress[] }): Promise<TcpTransport> {
  const own = options.peers[options.self]
  const listener = await listenTcp({ ...options, host: options.host ?? own?.host, port: options.port ?? own?.port })
  return listener.connect(options.peers, options)
}

class TcpSession implements TcpListener, TcpTransport {
  readonly self: number
  readonly n: number
  readonly #sessionId: string
  readonly #inbox: Inbox
  readonly #links: (PeerLink | undefined)[]
  readonly #pending = new Set<Socket>()
  readonly #maxPayloadBytes: number
  readonly #keys: LoadedPartyKeys | undefined
  readonly #closeTimeoutMs: number
  readonly #copyOnSend: boolean
  readonly #pool = new FramePool(128 * 1024 * 1024)
  #server: Server | undefined
  #host = ''
  #port = 0
  #connected = false
  #closing: Promise<void> | undefined
  /** Wakes `connect()` when a link comes up or a dial fails. */
  #onChange: (() => void) | undefined

  constructor(o: ListenTcpOptions) {
    this.self = o.self
    this.n = o.n
    this.#sessionId = o.sessionId
    const receiveTimeoutMs = o.receiveTimeoutMs ?? DEFAULT_TCP_RECEIVE_TIMEOUT_MS
    checkTimeout('listenTcp', 'receiveTimeoutMs', receiveTimeoutMs)
    this.#maxPayloadBytes = o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
    // A sender may always have one largest frame waiting, plus some.
    const limits: ReceiveLimits = {
      ...DEFAULT_RECEIVE_LIMITS,
      bytesPerSender: Math.max(DEFAULT_RECEIVE_LIMITS.bytesPerSender, 2 * this.#maxPayloadBytes),
      bytesPerSession: Math.max(DEFAULT_RECEIVE_LIMITS.bytesPerSession, 4 * this.#maxPayloadBytes),
      ...o.receiveLimits,
    }
    this.#inbox = new Inbox(o.n, receiveTimeoutMs, new ReceiveBudget(o.n, limits))
    this.#links = new Array<PeerLink | undefined>(o.n).fill(undefined)
    this.#keys = o.keys === undefined ? undefined : new LoadedPartyKeys('listenTcp', o.keys, o.n, o.self)
    this.#closeTimeoutMs = o.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS
    this.#copyOnSend = o.copyOnSend ?? true
  }

  get host(): string { return this.#host }
  get port(): number { return this.#port }
  get stats(): TransportStats { return this.#inbox.stats }

  async listen(host: string, port: number): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.#accept(socket))
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    // A stray error after listening (e.g. EMFILE on accept) must not crash the process.
    server.on('error', () => {})
    const addr = server.address()
    this.#host = host
    this.#port = typeof addr === 'object' && addr !== null ? addr.port : port
  }

  async #accept(socket: Socket): Promise<void> {
    if (this.#closing !== undefined) {
      socket.destroy()
      return
    }
    this.#pending.add(socket)
    socket.on('error', () => {}) // reported through readHandshake / the link
    try {
      const started = Date.now()
      const { value: hello, leftover } = await readHandshake(socket, parseHello, DEFAULT_CONNECT_TIMEOUT_MS)
      let status: number = HandshakeStatus.ok
      if (hello.version !== 2) status = HandshakeStatus.badVersion
      else if ((hello.ephemeral !== undefined) !== (this.#keys !== undefined)) status = HandshakeStatus.wrongMode
      else if (hello.sessionId !== this.#sessionId) status = HandshakeStatus.wrongSession
      else if (hello.n !== this.n) status = HandshakeStatus.wrongN
      else if (hello.to !== this.self || hello.from >= this.self) status = HandshakeStatus.wrongParty
      else if (this.#links[hello.from] !== undefined) status = HandshakeStatus.duplicate
      if (this.#closing !== undefined) status = HandshakeStatus.wrongSession
      if (status !== HandshakeStatus.ok || this.#keys === undefined) {
        socket.write(encodeReply(status))
        if (status !== HandshakeStatus.ok) {
          socket.end()
          setTimeout(() => socket.destroy(), 1000).unref()
          return
        }
        this.#addLink(hello.from, socket, leftover)
        return
      }
      // Secure: prove we are party `self`, then the dialer must prove it is party `hello.from`.
      const eph = newEphemeral()
      const t = transcript(hello.raw, eph.publicKey)
      socket.write(encodeReply(status, { ephemeral: eph.publicKey, signature: this.#keys.sign(signedPart(t, 'acceptor')) }))
      socket.resume()
      const left = Math.max(1, DEFAULT_CONNECT_TIMEOUT_MS - (Date.now() - started))
      const { value: sig, leftover: rest } = await readHandshake(socket, parseConfirm, left, leftover)
      if (!this.#keys.verify(hello.from, signedPart(t, 'dialer'), sig)) {
        // An impostor (or a man in the middle): it gets nothing, not even a reason.
        socket.destroy()
        return
      }
      if (this.#links[hello.from] !== undefined || this.#closing !== undefined) { socket.destroy(); return }
      this.#addLink(hello.from, socket, rest, deriveChannel(eph, hello.ephemeral!, t, 'acceptor'))
    } catch {
      socket.destroy()
    } finally {
      this.#pending.delete(socket)
    }
  }

  #addLink(peer: number, socket: Socket, leftover: Buffer, channel?: SecureChannel): void {
    const link = new PeerLink(peer, socket, leftover, {
      onFrame: (label, payload) => {
        const refused = this.#inbox.deliver(peer, label, payload)
        // Over budget or far ahead: the decoder's caller cuts the connection, naming the reason.
        if (refused !== undefined) throw new BadFrameError(`party ${peer} refused: ${refused}`, { party: peer })
      },
      onClose: (why) => {
        // A link that dies during the connect phase before carrying anything may be redialed;
        // after that, a closed link means the peer is gone for this session.
        if (!this.#connected && !link.receivedAny && this.#links[peer] === link) {
          this.#links[peer] = undefined
          return
        }
        this.#inbox.failPeer(peer, (label) => new PeerDisconnectedError(peer, label, why))
      },
    }, this.#maxPayloadBytes, channel)
    this.#links[peer] = link
    this.#onChange?.()
  }

  connect(peers: readonly TcpPeerAddress[], options: ConnectTcpOptions = {}): Promise<TcpTransport> {
    const fn = 'TcpListener.connect'
    if (!Array.isArray(peers) || peers.length !== this.n) {
      return Promise.reject(new InvalidArgumentError(fn, `peers must list ${this.n} addresses, one per party`))
    }
    if (this.#closing !== undefined) return Promise.reject(new TransportClosedError())
    if (this.#keys === undefined) {
      const remote = peers.findIndex((p, j) => j !== this.self && (typeof p?.host !== 'string' || !isLoopbackHost(p.host)))
      if (remote >= 0) return Promise.reject(new InvalidArgumentError(fn, `insecurePlaintext is for loopback only; peers[${remote}] is ${String(peers[remote]?.host)}`))
    }
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    checkTimeout(fn, 'connectTimeoutMs', timeoutMs)
    const deadline = Date.now() + timeoutMs
    const { signal } = options

    return new Promise<TcpTransport>((resolve, reject) => {
      let settled = false
      const dialErrors = new Map<number, unknown>()
      const finish = (err: unknown): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.#onChange = undefined
        if (err === undefined) {
          this.#connected = true
          resolve(this)
        } else {
          void this.close()
          reject(err)
        }
      }
      const missing = (): number[] => {
        const m: number[] = []
        for (let j = 0; j < this.n; j++) if (j !== this.self && this.#links[j] === undefined) m.push(j)
        return m
      }
      this.#onChange = () => {
        if (missing().length === 0) finish(undefined)
      }
      const onAbort = (): void => finish(signal!.reason)
      const timer = setTimeout(() => {
        const m = missing()
        finish(new ConnectTimeoutError(this.self, m, timeoutMs, dialErrors.get(m[0]!)))
      }, timeoutMs)
      if (signal?.aborted) return finish(signal.reason)
      signal?.addEventListener('abort', onAbort, { once: true })

      const dialControl = new AbortController()
      signal?.addEventListener('abort', () => dialControl.abort(signal.reason), { once: true })
      for (let j = this.self + 1; j < this.n; j++) {
        const addr = peers[j]
        if (addr === undefined || typeof addr.host !== 'string' || !Number.isInteger(addr.port)) {
          return finish(new InvalidArgumentError(fn, `peers[${j}] must be { host, port }`))
        }
        dialPeer({ host: addr.host, port: addr.port, deadline, signal: dialControl.signal, hello: { n: this.n, from: this.self, to: j, sessionId: this.#sessionId }, ...(this.#keys ? { keys: this.#keys } : {}) })
          .then(({ socket, leftover, channel }) => {
            if (settled && !this.#connected) socket.destroy()
            else this.#addLink(j, socket, leftover, channel)
          }, (e: unknown) => {
            dialErrors.set(j, e)
            if (e instanceof HandshakeError) finish(e)
          })
      }
      this.#onChange()
    })
  }

  send(to: number, label: string, payload: Uint8Array): void {
    checkPeer('TcpTransport.send', this.n, this.self, to)
    checkLabel('TcpTransport.send', label)
    checkPayload('TcpTransport.send', payload)
    if (this.#closing !== undefined) throw new TransportClosedError()
    this.#inbox.note(label)
    const stats = this.#inbox.stats
    stats.framesSent++
    stats.bytesSent += payload.byteLength
    const link = this.#links[to]
    if (link === undefined) return
    if (payload.byteLength < FramePool.minBytes) {
      link.send(encodeFrame(label, payload))
      return
    }
    // Large payload: header and payload as two buffers that leave in one writev (the link corks
    // the writes of a tick together); the payload is either the caller's memory or a pooled copy.
    link.send(encodeFrameHeader(label, payload.byteLength))
    if (!this.#copyOnSend) {
      link.send(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength))
      return
    }
    const pool = this.#pool
    const backing = pool.acquire(payload.byteLength)
    backing.set(payload)
    link.send(backing.byteLength === payload.byteLength ? backing : backing.subarray(0, payload.byteLength), () => pool.release(backing))
  }

  receive(from: number, label: string, options?: ReceiveOptions): Promise<Uint8Array> {
    try {
      checkPeer('TcpTransport.receive', this.n, this.self, from)
      checkLabel('TcpTransport.receive', label)
    } catch (e) {
      return Promise.reject(e)
    }
    return this.#inbox.receive(from, label, options)
  }

  backlogBytes(peer: number): number {
    return this.#links[peer]?.backlogBytes ?? 0
  }

  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#inbox.close()
    for (const s of this.#pending) s.destroy()
    const server = this.#server
    const serverClosed = server === undefined ? Promise.resolve() : new Promise<void>((r) => server.close(() => r()))
    await Promise.all(this.#links.map((l) => l?.end(this.#closeTimeoutMs)))
    await serverClosed
  }
}
