/**
 * MPC transport over libp2p (issue #4). One long-lived `/enigma/mpc/1.0.0` stream per peer pair
 * carries the frames of every concurrent task (a new stream per message costs ~1.5 ms vs 0.12 ms,
 * STACK-NOTES.md). Frames name their session (task id) and label (src/node/frames.ts).
 *
 * Who may talk: noise authenticates the remote peer id; a frame is delivered only if that peer id is
 * the committee member of the frame's session. A peer sending for a session it is not a member of is
 * refused: its stream is reset and the frame dropped. Frames for sessions this node has not heard of
 * yet (a faster peer started first) wait in a small bounded limbo with a TTL, then are dropped.
 *
 * Who dials: the peer with the smaller peer id opens the stream when a session starts, so a pair
 * normally shares one stream; the other side dials itself only if nothing arrived after
 * `fallbackDialMs` (2 s; e.g. the smaller side is slow to start or the machine is overloaded). Two streams for one pair are harmless:
 * delivery is keyed by (session, sender, label), not by stream.
 *
 * Back-pressure: `send` queues; a per-peer flush loop batches queued frames into one `stream.send`
 * (≤ `batchBytes`) and awaits `onDrain()` when the stream's buffer is full.
 */
import type { Stream, Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { EnigmaError, InvalidArgumentError } from '../common/errors.ts'
import { MpcTimeoutError, TransportClosedError, type ReceiveOptions, type Transport, type TransportStats } from '../protocols/transport.ts'
import { PeerDisconnectedError } from '../engine/transport-errors.ts'
import { checkLabel, checkPayload, checkPeer, checkTimeout } from '../engine/transport-checks.ts'
import { checkedName, encodedFrameLength, writeFrame, FrameDecoder, DEFAULT_MAX_FRAME_BYTES, CONTROL_SESSION_CLOSED, type Frame } from './frames.ts'
import type { NodeHost } from './host.ts'

export const MPC_PROTOCOL = '/enigma/mpc/1.0.0'

export interface MpcMember {
  readonly peerId: string
  readonly multiaddrs?: readonly string[]
}

export interface MpcNetworkInit {
  readonly maxFrameBytes?: number
  /** Default receive deadline of a session (ms). */
  readonly defaultTimeoutMs?: number
  readonly dialTimeoutMs?: number
  readonly fallbackDialMs?: number
  /** Largest batch handed to one `stream.send`. */
  readonly batchBytes?: number
  /** Frames for unknown sessions: kept at most this long and this many bytes per peer. */
  readonly limboTtlMs?: number
  readonly limboBytesPerPeer?: number
  /** Called for observability (metrics/logs); never given payloads. */
  readonly onEvent?: (event: MpcNetworkEvent) => void
}

export type MpcNetworkEvent =
  | { kind: 'refused'; peer: string; session: string; reason: string }
  | { kind: 'stream-open'; peer: string; direction: 'inbound' | 'outbound' }
  | { kind: 'stream-closed'; peer: string }
  | { kind: 'dial-failed'; peer: string; error: string }

export interface OpenSessionOptions {
  /** Session id (the task id): 1..255 bytes. */
  readonly session: string
  /** Committee in party-index order; this node's own entry included. */
  readonly committee: readonly MpcMember[]
  /** Receive deadline for this session's frames (ms). */
  readonly timeoutMs?: number
}

interface Waiter {
  resolve(b: Uint8Array): void
  reject(e: unknown): void
}

/** Per-session state: exists from `expect` (task known) or `openSession` on. */
class SessionState {
  readonly id: string
  readonly idBytes: Uint8Array
  readonly members: readonly MpcMember[]
  readonly indexOf = new Map<string, number>()
  readonly mailbox = new Map<string, Uint8Array>()
  readonly waiters = new Map<string, Waiter>()
  readonly stats: TransportStats = { bytesSent: 0, bytesReceived: 0, framesSent: 0, framesReceived: 0 }
  closed: TransportClosedError | undefined
  /** Parties that closed the session or whose every stream went away: their later receives fail. */
  readonly gone = new Map<number, string>()
  /** Whether this node opened its transport (only then does a lost peer fail receives). */
  opened = false

  constructor(id: string, members: readonly MpcMember[]) {
    this.id = id
    this.idBytes = checkedName('session', id)
    this.members = members
    members.forEach((m, i) => this.indexOf.set(m.peerId, i))
  }

  deliver(from: number, label: string, payload: Uint8Array): void {
    if (this.closed) return
    this.stats.framesReceived++
    this.stats.bytesReceived += payload.length
    const key = `${from}\u0000${label}`
    const w = this.waiters.get(key)
    if (w) { this.waiters.delete(key); w.resolve(payload) } else this.mailbox.set(key, payload)
  }

  markGone(party: number, why: string): void {
    if (this.closed || this.gone.has(party)) return
    this.gone.set(party, why)
    const prefix = `${party}\u0000`
    for (const [key, w] of this.waiters) {
      if (key.startsWith(prefix)) {
        this.waiters.delete(key)
        w.reject(new PeerDisconnectedError(party, key.slice(prefix.length), why))
      }
    }
  }

  close(err: TransportClosedError): void {
    if (this.closed) return
    this.closed = err
    for (const w of this.waiters.values()) w.reject(err)
    this.waiters.clear()
    this.mailbox.clear()
  }
}

interface Link {
  readonly peer: string
  streams: Stream[]
  queue: Uint8Array[]
  queuedBytes: number
  flushing: boolean
  dialing: Promise<Stream | undefined> | undefined
  firstWaitAt: number | undefined
  fallbackTimer: ReturnType<typeof setTimeout> | undefined
  limbo: { frame: Frame; at: number }[]
  limboBytes: number
}

export class MpcNetwork {
  readonly #host: NodeHost
  readonly #init: Required<Omit<MpcNetworkInit, 'onEvent'>> & Pick<MpcNetworkInit, 'onEvent'>
  readonly #sessions = new Map<string, SessionState>()
  readonly #links = new Map<string, Link>()
  readonly #self: string
  #started = false
  readonly #stop = new AbortController()
  readonly totals = { bytesSent: 0, bytesReceived: 0, framesSent: 0, framesReceived: 0, refused: 0 }

  constructor(host: NodeHost, init: MpcNetworkInit = {}) {
    this.#host = host
    this.#self = host.peerId.toString()
    this.#init = {
      maxFrameBytes: init.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      defaultTimeoutMs: init.defaultTimeoutMs ?? 30_000,
      dialTimeoutMs: init.dialTimeoutMs ?? 10_000,
      fallbackDialMs: init.fallbackDialMs ?? 2_000,
      batchBytes: init.batchBytes ?? 1024 * 1024,
      limboTtlMs: init.limboTtlMs ?? 30_000,
      limboBytesPerPeer: init.limboBytesPerPeer ?? 16 * 1024 * 1024,
      onEvent: init.onEvent,
    }
  }

  get peerId(): string {
    return this.#self
  }

  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    await this.#host.handle(MPC_PROTOCOL, (stream: Stream, connection: Connection) => {
      this.#attach(connection.remotePeer.toString(), stream, 'inbound')
    }, { maxInboundStreams: 8 })
  }

  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#stop.abort(new TransportClosedError('MPC network stopped'))
    for (const s of this.#sessions.values()) s.close(new TransportClosedError('MPC network stopped'))
    this.#sessions.clear()
    await this.#host.unhandle(MPC_PROTOCOL).catch(() => {})
    for (const link of this.#links.values()) {
      if (link.fallbackTimer) clearTimeout(link.fallbackTimer)
      for (const s of link.streams) s.abort(new Error('MPC network stopped'))
    }
    this.#links.clear()
  }

  /** Number of live MPC streams (for metrics and the one-stream-per-pair test). */
  streamCount(): number {
    let n = 0
    for (const l of this.#links.values()) n += l.streams.length
    return n
  }

  /**
   * Declare a session before computing, so frames from faster peers are accepted (and frames from
   * strangers refused) from the start.
   */
  expect(session: string, committee: readonly MpcMember[]): void {
    if (this.#sessions.has(session)) return
    const state = new SessionState(session, committee)
    if (!state.indexOf.has(this.#self)) {
      throw new InvalidArgumentError('MpcNetwork.expect', `this node (${this.#self}) is not in the committee of ${session}`)
    }
    this.#sessions.set(session, state)
    for (const m of committee) {
      if (m.peerId === this.#self) continue
      if (m.multiaddrs && m.multiaddrs.length > 0) {
        void this.#host.peerStore.merge(peerIdFromString(m.peerId), { multiaddrs: m.multiaddrs.map((a) => multiaddr(a)) }).catch(() => {})
      }
      // Adopt frames that arrived before we knew the session.
      const link = this.#links.get(m.peerId)
      if (link) this.#drainLimbo(link)
    }
  }

  /** Open this node's transport for a session; the smaller peer id of each pair dials right away. */
  openSession(options: OpenSessionOptions): Transport {
    this.expect(options.session, options.committee)
    const state = this.#sessions.get(options.session)!
    const self = state.indexOf.get(this.#self)!
    state.opened = true
    // A peer whose streams are all gone right now is not yet "gone": it may still dial us.
    for (const m of state.members) {
      if (m.peerId !== this.#self && this.#self < m.peerId) this.#ensureStream(this.#link(m.peerId))
    }
    return new Libp2pSessionTransport(this, state, self, options.timeoutMs ?? this.#init.defaultTimeoutMs)
  }

  /**
   * Forget a session (after the task ended); pending receives fail with MPC_TRANSPORT_CLOSED, and the
   * other members are told (a control frame), so their receives from us fail fast instead of waiting
   * for the deadline.
   */
  closeSession(session: string, reason = 'session closed'): void {
    const s = this.#sessions.get(session)
    if (!s) return
    if (s.opened && !s.closed) {
      for (const m of s.members) {
        if (m.peerId !== this.#self) this.#enqueueRaw(m.peerId, s.idBytes, new Uint8Array(0), closeFrame(reason))
      }
    }
    s.close(new TransportClosedError(reason))
    this.#sessions.delete(session)
  }

  /** @internal used by the session transport */
  enqueue(state: SessionState, to: number, label: string, payload: Uint8Array): void {
    const labelBytes = new TextEncoder().encode(label)
    state.stats.framesSent++
    state.stats.bytesSent += payload.length
    this.#enqueueRaw(state.members[to]!.peerId, state.idBytes, labelBytes, payload)
  }

  #enqueueRaw(peer: string, sessionBytes: Uint8Array, labelBytes: Uint8Array, payload: Uint8Array): void {
    // Copy now: the caller may reuse its buffer right after send (Transport contract).
    const frame = new Uint8Array(encodedFrameLength(sessionBytes, labelBytes, payload))
    writeFrame(frame, 0, sessionBytes, labelBytes, payload)
    const link = this.#link(peer)
    link.queue.push(frame)
    link.queuedBytes += frame.length
    if (!link.flushing) {
      link.flushing = true
      queueMicrotask(() => { void this.#flush(link) })
    }
  }

  #link(peer: string): Link {
    let link = this.#links.get(peer)
    if (!link) {
      link = { peer, streams: [], queue: [], queuedBytes: 0, flushing: false, dialing: undefined, firstWaitAt: undefined, fallbackTimer: undefined, limbo: [], limboBytes: 0 }
      this.#links.set(peer, link)
    }
    return link
  }

  #attach(peer: string, stream: Stream, direction: 'inbound' | 'outbound'): void {
    if (!this.#started) { stream.abort(new Error('not started')); return }
    // A stranger that is in no known session's committee gets no stream at all, unless it may be a
    // member of a task we have not heard of yet: we cannot know, so accept and judge per frame.
    const link = this.#link(peer)
    link.streams.push(stream)
    this.#init.onEvent?.({ kind: 'stream-open', peer, direction })
    const decoder = new FrameDecoder(this.#init.maxFrameBytes)
    stream.addEventListener('message', (evt) => {
      const data = evt.data instanceof Uint8Array ? evt.data : evt.data.subarray()
      let frames: Frame[]
      try {
        frames = decoder.push(data)
      } catch (e) {
        this.#refuse(peer, stream, '?', e instanceof Error ? e.message : 'bad frame')
        return
      }
      for (const f of frames) this.#route(peer, stream, f)
    })
    stream.addEventListener('close', () => {
      link.streams = link.streams.filter((s) => s !== stream)
      this.#init.onEvent?.({ kind: 'stream-closed', peer })
      if (link.streams.length === 0 && this.#started) {
        // The peer crashed or stopped: fail its receives now rather than at the deadline. Sessions
        // opened later start afresh (the peer may come back).
        for (const st of this.#sessions.values()) {
          const idx = st.indexOf.get(peer)
          if (st.opened && idx !== undefined && peer !== this.#self) st.markGone(idx, 'connection closed')
        }
      }
    })
    if (link.queue.length > 0 && !link.flushing) {
      link.flushing = true
      void this.#flush(link)
    }
  }

  #route(peer: string, stream: Stream, frame: Frame): void {
    this.totals.framesReceived++
    this.totals.bytesReceived += frame.payload.length
    const state = this.#sessions.get(frame.session)
    if (!state) {
      const link = this.#link(peer)
      const now = Date.now()
      link.limbo = link.limbo.filter((x) => now - x.at < this.#init.limboTtlMs)
      link.limboBytes = link.limbo.reduce((s, x) => s + x.frame.payload.length, 0)
      if (link.limboBytes + frame.payload.length > this.#init.limboBytesPerPeer) {
        this.#refuse(peer, stream, frame.session, 'too many bytes for unknown sessions')
        return
      }
      link.limbo.push({ frame: { ...frame, payload: frame.payload.slice() }, at: now })
      link.limboBytes += frame.payload.length
      return
    }
    const from = state.indexOf.get(peer)
    if (from === undefined || peer === this.#self) {
      this.#refuse(peer, stream, frame.session, 'peer is not in the committee of this session')
      return
    }
    if (frame.label === '') {
      if (frame.payload[0] === CONTROL_SESSION_CLOSED) state.markGone(from, closeReason(frame.payload))
      return
    }
    state.deliver(from, frame.label, frame.payload)
  }

  #drainLimbo(link: Link): void {
    const keep: { frame: Frame; at: number }[] = []
    for (const x of link.limbo) {
      const state = this.#sessions.get(x.frame.session)
      if (!state) { keep.push(x); continue }
      const from = state.indexOf.get(link.peer)
      if (from !== undefined && x.frame.label === '') {
        if (x.frame.payload[0] === CONTROL_SESSION_CLOSED) state.markGone(from, closeReason(x.frame.payload))
        continue
      }
      if (from === undefined) {
        this.totals.refused++
        this.#init.onEvent?.({ kind: 'refused', peer: link.peer, session: x.frame.session, reason: 'peer is not in the committee of this session' })
        for (const s of link.streams) s.abort(new EnigmaError('NODE_PEER_REFUSED', 'not in committee'))
        continue
      }
      state.deliver(from, x.frame.label, x.frame.payload)
    }
    link.limbo = keep
    link.limboBytes = keep.reduce((s, x) => s + x.frame.payload.length, 0)
  }

  #refuse(peer: string, stream: Stream, session: string, reason: string): void {
    this.totals.refused++
    this.#init.onEvent?.({ kind: 'refused', peer, session, reason })
    stream.abort(new EnigmaError('NODE_PEER_REFUSED', reason))
  }

  #ensureStream(link: Link): void {
    if (link.streams.length > 0 || link.dialing || !this.#started) return
    link.dialing = (async () => {
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(this.#init.dialTimeoutMs), this.#stop.signal])
        const pid: PeerId = peerIdFromString(link.peer)
        const stream = await this.#host.dialProtocol(pid, MPC_PROTOCOL, { signal })
        this.#attach(link.peer, stream, 'outbound')
        return stream
      } catch (e) {
        this.#init.onEvent?.({ kind: 'dial-failed', peer: link.peer, error: e instanceof Error ? e.message : String(e) })
        return undefined
      } finally {
        link.dialing = undefined
      }
    })()
  }

  /** Wait for a stream to `link.peer`: dial if we are the smaller id, else give the peer a moment. */
  async #streamFor(link: Link): Promise<Stream | undefined> {
    for (;;) {
      if (!this.#started) return undefined
      const live = link.streams.find((s) => s.status === 'open' && s.writeStatus === 'writable')
      if (live) { link.firstWaitAt = undefined; return live }
      link.firstWaitAt ??= Date.now()
      const waited = Date.now() - link.firstWaitAt
      if (this.#self < link.peer || waited >= this.#init.fallbackDialMs) {
        this.#ensureStream(link)
        const s = await link.dialing
        if (s) continue
        // Dial failed: back off, the peer may be restarting; the receiver's deadline bounds this.
        await sleep(250, this.#stop.signal)
        if (link.queue.length === 0) return undefined
      } else {
        await sleep(Math.min(50, this.#init.fallbackDialMs - waited), this.#stop.signal)
      }
    }
  }

  async #flush(link: Link): Promise<void> {
    try {
      while (link.queue.length > 0 && this.#started) {
        const stream = await this.#streamFor(link)
        if (!stream) break
        const batch = takeBatch(link, this.#init.batchBytes)
        try {
          if (!stream.send(batch)) await stream.onDrain({ signal: AbortSignal.any([AbortSignal.timeout(this.#init.defaultTimeoutMs), this.#stop.signal]) })
          this.totals.bytesSent += batch.length
          this.totals.framesSent++
        } catch {
          // The stream died under us: put the batch back and retry on a new stream. A frame that
          // did reach the peer may arrive twice; delivery is idempotent per (session, sender, label).
          link.queue.unshift(batch)
          link.queuedBytes += batch.length
          link.streams = link.streams.filter((s) => s !== stream)
          stream.abort(new Error('send failed'))
        }
      }
    } finally {
      link.flushing = false
      if (link.queue.length > 0 && this.#started && link.streams.length > 0) {
        link.flushing = true
        queueMicrotask(() => { void this.#flush(link) })
      }
    }
  }

  /** @internal */
  receiveFrom(state: SessionState, from: number, label: string, timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (state.closed) return Promise.reject(state.closed)
    const key = `${from}\u0000${label}`
    const ready = state.mailbox.get(key)
    if (ready) { state.mailbox.delete(key); return Promise.resolve(ready) }
    const gone = state.gone.get(from)
    if (gone !== undefined) return Promise.reject(new PeerDisconnectedError(from, label, gone))
    if (state.waiters.has(key)) return Promise.reject(new InvalidArgumentError('receive', `already waiting for party ${from} '${label}'`))
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<Uint8Array>((resolve, reject) => {
      const cleanup = () => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort) }
      const timer = setTimeout(() => {
        state.waiters.delete(key)
        cleanup()
        reject(new MpcTimeoutError(from, label, timeoutMs))
      }, timeoutMs)
      const onAbort = () => { state.waiters.delete(key); cleanup(); reject(signal!.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      state.waiters.set(key, {
        resolve: (b) => { cleanup(); resolve(b) },
        reject: (e) => { cleanup(); reject(e) },
      })
    })
  }
}

/**
 * "I closed this session", with my reason (e.g. which party I timed out on), so that members who
 * fail because of it report the original cause rather than blaming the messenger. Never secret:
 * reasons name parties, labels and error codes only. Capped at 200 bytes.
 */
function closeFrame(reason: string): Uint8Array {
  const r = new TextEncoder().encode(reason).subarray(0, 200)
  const out = new Uint8Array(1 + r.length)
  out[0] = CONTROL_SESSION_CLOSED
  out.set(r, 1)
  return out
}

function closeReason(payload: Uint8Array): string {
  const text = new TextDecoder().decode(payload.subarray(1, 201)).replace(/[^\x20-\x7e]/g, '?')
  return text ? `closed the session (${text})` : 'closed the session'
}

function takeBatch(link: Link, max: number): Uint8Array {
  const first = link.queue[0]!
  if (first.length >= max || link.queue.length === 1) {
    link.queue.shift()
    link.queuedBytes -= first.length
    return first
  }
  let n = 0
  let k = 0
  while (k < link.queue.length && n + link.queue[k]!.length <= max) { n += link.queue[k]!.length; k++ }
  const out = new Uint8Array(n)
  let o = 0
  for (const f of link.queue.splice(0, k)) { out.set(f, o); o += f.length }
  link.queuedBytes -= n
  return out
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return }
    const t = setTimeout(() => { signal.removeEventListener('abort', done); resolve() }, ms)
    const done = () => { clearTimeout(t); resolve() }
    signal.addEventListener('abort', done, { once: true })
  })
}

/** One party's `Transport` in one session, over the node's shared streams. */
export class Libp2pSessionTransport implements Transport {
  readonly n: number
  readonly self: number
  readonly session: string
  readonly #net: MpcNetwork
  readonly #state: SessionState
  readonly #timeoutMs: number

  constructor(net: MpcNetwork, state: SessionState, self: number, timeoutMs: number) {
    this.#net = net
    this.#state = state
    this.n = state.members.length
    this.self = self
    this.session = state.id
    this.#timeoutMs = timeoutMs
  }

  get stats(): TransportStats {
    return this.#state.stats
  }

  /** Peer id of a party (for error messages naming a silent peer). */
  peerOf(party: number): string {
    return this.#state.members[party]?.peerId ?? '?'
  }

  send(to: number, label: string, payload: Uint8Array): void {
    checkPeer('send', this.n, this.self, to)
    checkLabel('send', label)
    if (label.length === 0) throw new InvalidArgumentError('send', 'label must not be empty')
    checkPayload('send', payload)
    if (this.#state.closed) throw this.#state.closed
    this.#net.enqueue(this.#state, to, label, payload)
  }

  receive(from: number, label: string, options: ReceiveOptions = {}): Promise<Uint8Array> {
    try {
      checkPeer('receive', this.n, this.self, from)
      checkLabel('receive', label)
      if (options.timeoutMs !== undefined) checkTimeout('receive', 'timeoutMs', options.timeoutMs)
    } catch (e) {
      return Promise.reject(e)
    }
    return this.#net.receiveFrom(this.#state, from, label, options.timeoutMs ?? this.#timeoutMs, options.signal)
  }

  async close(): Promise<void> {
    this.#net.closeSession(this.session, 'transport closed')
  }
}
