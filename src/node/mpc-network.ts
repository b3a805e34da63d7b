/**
 * MPC transport over libp2p (issue #4). One long-lived `/enigma/mpc/1.0.0` stream per peer pair
 * carries the frames of every concurrent task (a new stream per message costs ~1.5 ms vs 0.12 ms,
 * STACK-NOTES.md). Frames name their session (task id) and label (src/node/frames.ts).
 *
 * Who may talk: noise authenticates the remote peer id; a frame is delivered only if that peer id is
 * the committee member of the frame's session. A peer sending for a session it is not a member of is
 * refused: its stream is reset and the frame dropped. Frames for sessions this node has not heard of
 * yet (a faster peer started first) wait in a small bounded limbo with a TTL, then are dropped
 * (src/node/mpc-limbo.ts).
 *
 * Memory (issue #9, defect 5): everything a peer makes us keep is charged, header and overhead
 * included, to ledgers per sender and session, per peer across sessions and for the whole node
 * (src/engine/frame-budget.ts); a frame that does not fit is refused. Strangers (peers in no current
 * committee) may send only tiny frames, hold little in limbo and are cut off when they exceed it; a
 * committee member that exceeds its budget, or sends labels far ahead of our program counter, is
 * refused for that session (its receives fail naming it). A peer holds at most `maxStreamsPerPeer`
 * streams, each decoding at most one frame of the size that peer is allowed.
 *
 * Who dials: the peer with the smaller peer id opens the stream when a session starts, so a pair
 * normally shares one stream; the other side dials itself only if nothing arrived after
 * `fallbackDialMs` (2 s; e.g. the smaller side is slow to start or the machine is overloaded). Two streams for one pair are harmless:
 * delivery is keyed by (session, sender, label), not by stream.
 *
 * Back-pressure: `send` queues; a per-peer flush loop batches queued frames into one `stream.send`
 * (≤ `batchBytes`) and awaits `onDrain()` when the stream's buffer is full.
 *
 * Late is not silent (issue #12: on 2 busy cores an honest member a few seconds behind was named at the
 * receive deadline, the same first-hand evidence a silent member gives). When a receive's deadline
 * passes, this node asks the late member "where are you in this session?" (a `CONTROL_WHERE` frame on the
 * same Noise-authenticated stream; nothing on the fast path). The answer decides what the deadline means:
 * - `HERE_IDLE`: its transport is open, it waits on nobody and has done nothing in the session for a
 *   while — it is alive and chose not to send (the injected `silent`, src/node/faults.ts): named at the
 *   deadline (and grace) exactly as before;
 * - `HERE_WAITING` (it waits on a frame itself: a messenger of someone else's lateness, whose own
 *   deadline and close notice will say who) or `HERE_BEHIND` (it has not opened the session yet), or **no
 *   answer** (its event loop is stalled, or it is cut off or restarting — from here these look the same):
 *   the receive is given more time, one deadline at a time, up to `lateFactor` × the deadline in all
 *   (a computation's session: 3, `LATE_FACTOR`; sessions with long deadlines already, such as a re-run's
 *   hand-off, keep 1 and are named at the deadline + grace as before).
 * At that bound it is named as before, whatever it answers: a corrupt member that says "waiting" for
 * ever, or never answers, delays the task by at most (lateFactor − 1) deadlines and cannot escape. An
 * honest member whose event loop stalls for longer than the deadline but less than the bound is not named.
 * A dropped connection still fails the receive at once.
 */
import type { Stream, Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { EnigmaError, InvalidArgumentError } from '../common/errors.ts'
import { MpcTimeoutError, TransportClosedError, type ReceiveOptions, type Transport, type TransportStats } from '../protocols/transport.ts'
import { PeerDisconnectedError } from '../engine/transport-errors.ts'
import { checkLabel, checkPayload, checkPeer, checkTimeout } from '../engine/transport-checks.ts'
import { checkedName, encodedFrameLength, writeFrame, FrameDecoder, DEFAULT_MAX_FRAME_BYTES, CONTROL_SESSION_CLOSED, CONTROL_WHERE, CONTROL_HERE, type Frame } from './frames.ts'
import type { NodeHost } from './host.ts'
import { ByteLedger, DEFAULT_RECEIVE_LIMITS, ReceiveBudget, type ReceiveLimits } from '../engine/frame-budget.ts'
import { DEFAULT_LIMBO_LIMITS, Limbo, type LimboLimits } from './mpc-limbo.ts'
import { validateCommitteeMembers } from './committee-members.ts'
import { Deadlines } from '../engine/deadlines.ts'

export const MPC_PROTOCOL = '/enigma/mpc/1.0.0'
const textEncoder = new TextEncoder()

export interface MpcMember {
  readonly peerId: string
  readonly multiaddrs?: readonly string[]
}

export interface MpcNetworkInit {
  /** Largest frame a committee member may send (64 MiB). */
  readonly maxFrameBytes?: number
  /** Largest frame a stranger may send (4 KiB: strangers legitimately send only barrier/close frames). */
  readonly strangerMaxFrameBytes?: number
  /** Per session: bytes per sender and in total, and how far ahead of us a label may be. */
  readonly receiveLimits?: Partial<ReceiveLimits>
  /** Bytes one peer may make us keep across all its sessions (256 MiB). */
  readonly peerBytes?: number
  /** Bytes all peers together may make us keep in sessions (1 GiB). */
  readonly totalBytes?: number
  /** Frames for sessions we do not know yet. */
  readonly limbo?: Partial<LimboLimits>
  /** Live streams a peer may hold with us (4: one each way, plus replacements). */
  readonly maxStreamsPerPeer?: number
  /** Default receive deadline of a session (ms). */
  readonly defaultTimeoutMs?: number
  readonly dialTimeoutMs?: number
  readonly fallbackDialMs?: number
  /** Largest batch handed to one `stream.send`. */
  readonly batchBytes?: number
  /**
   * Frames queued for a peer that no dial reached for this long are dropped (default: twice the
   * receive deadline, at least 60 s): every receiver's deadline has passed, and a dead peer is not
   * dialled for ever (a close notice to a crashed member would otherwise keep its link busy).
   */
  readonly undeliverableMs?: number
  /**
   * Sessions' default for `OpenSessionOptions.lateFactor` (1: a member is named at the deadline + grace,
   * as before; the task runner opens its computations with `LATE_FACTOR`).
   */
  readonly lateFactor?: number
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
  /**
   * A member whose frame is overdue but that is not idle (it answers that it waits on a frame itself or
   * has not opened the session, or does not answer at all) is given up to this many receive deadlines
   * in all before it is named (the computation: `LATE_FACTOR`, 3; see the file comment). Default: the
   * network's (1). Sessions whose deadline is already long (a re-run's hand-off waits `mpcStartTimeoutMs`)
   * keep 1.
   */
  readonly lateFactor?: number
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
  readonly mailbox = new Map<string, { payload: Uint8Array; cost: number }>()
  readonly budget: ReceiveBudget
  readonly waiters = new Map<string, Waiter>()
  readonly stats: TransportStats = { bytesSent: 0, bytesReceived: 0, framesSent: 0, framesReceived: 0 }
  closed: TransportClosedError | undefined
  /** Parties that closed the session or whose every stream went away: their later receives fail. */
  readonly gone = new Map<number, string>()
  /** Parties refused in this session (over budget, labels far ahead): their frames are dropped. */
  readonly refused = new Set<number>()
  /** Whether this node opened its transport (only then does a lost peer fail receives). */
  opened = false
  /** Receive deadlines a member that may be late gets in all (`OpenSessionOptions.lateFactor`). */
  lateFactor = 1
  /** When this node last sent or asked for a frame in the session (its own progress, for `HERE_IDLE`). */
  lastActivity = Date.now()
  /** The label sent last and its bytes (`MpcNetwork.enqueue`). */
  sentLabel: string | undefined
  sentLabelBytes = new Uint8Array(0)
  /** The latest answer of each member asked where it is: when it came and its code. */
  readonly here = new Map<number, { at: number; code: number }>()
  /** When each member was last asked / last answered by us (at most one question or answer per grace). */
  readonly askedAt = new Map<number, number>()
  readonly answeredAt = new Map<number, number>()

  constructor(id: string, members: readonly MpcMember[], limits: ReceiveLimits, outer: (from: number) => readonly ByteLedger[]) {
    this.id = id
    this.idBytes = checkedName('session', id)
    this.members = members
    members.forEach((m, i) => this.indexOf.set(m.peerId, i))
    this.budget = new ReceiveBudget(members.length, limits, outer)
  }

  /** Hands the frame to a waiting receive or keeps it within budget; returns why it was refused. */
  deliver(from: number, label: string, payload: Uint8Array): string | undefined {
    if (this.closed || this.refused.has(from)) return undefined
    const key = `${from}\u0000${label}`
    const w = this.waiters.get(key)
    if (w) {
      this.stats.framesReceived++
      this.stats.bytesReceived += payload.length
      this.waiters.delete(key)
      w.resolve(payload)
      return undefined
    }
    const admitted = this.budget.admit(from, label, payload.length)
    if (!admitted.ok) return admitted.reason
    this.stats.framesReceived++
    this.stats.bytesReceived += payload.length
    // Do not let a small payload pin the large network chunk it is a view of.
    const kept = payload.buffer.byteLength > 2 * payload.byteLength + 4096 ? payload.slice() : payload
    const old = this.mailbox.get(key)
    if (old) this.budget.release(from, old.cost)
    this.mailbox.set(key, { payload: kept, cost: admitted.cost })
    return undefined
  }

  /** Takes a kept frame, releasing its budget. */
  take(key: string, from: number): Uint8Array | undefined {
    const e = this.mailbox.get(key)
    if (!e) return undefined
    this.mailbox.delete(key)
    this.budget.release(from, e.cost)
    return e.payload
  }

  /** Frees every frame kept from `from` (a refused or departed party). */
  dropFrom(from: number): void {
    const prefix = `${from}\u0000`
    for (const key of [...this.mailbox.keys()]) if (key.startsWith(prefix)) this.take(key, from)
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
    for (const [key, e] of this.mailbox) this.budget.release(Number(key.slice(0, key.indexOf('\u0000'))), e.cost)
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
  /** Decoders of this peer's live streams (their partly received frames count as its memory). */
  decoders: Set<FrameDecoder>
}

/** What the node holds for its peers right now (tests, metrics). */
export interface MpcMemory {
  /** Bytes charged for frames kept in sessions (header and overhead included). */
  readonly sessionBytes: number
  readonly limboBytes: number
  readonly limboFrames: number
  /** Bytes of partly received frames in stream decoders. */
  readonly decodingBytes: number
  readonly streams: number
  readonly links: number
  readonly bannedPeers: number
}

export class MpcNetwork {
  readonly #host: NodeHost
  readonly #init: Required<Omit<MpcNetworkInit, 'onEvent' | 'receiveLimits' | 'limbo'>> & Pick<MpcNetworkInit, 'onEvent'>
  readonly #receiveLimits: ReceiveLimits
  readonly #sessions = new Map<string, SessionState>()
  readonly #links = new Map<string, Link>()
  readonly #self: string
  readonly #limbo: Limbo
  readonly #limboTtlMs: number
  /** Per peer across sessions, and for the whole node. */
  readonly #peerLedgers = new Map<string, ByteLedger>()
  readonly #total: ByteLedger
  /** How many known sessions each peer is a committee member of (0 or absent: a stranger). */
  readonly #memberOf = new Map<string, number>()
  /** Strangers cut off recently: their new streams are refused until the time given. */
  readonly #banned = new Map<string, number>()
  /** Sessions closed recently: their late frames are dropped, not kept in limbo. */
  readonly #closedAt = new Map<string, number>()
  #sweeper: ReturnType<typeof setInterval> | undefined
  #started = false
  readonly #stop = new AbortController()
  /** Every pending receive's deadline, on one timer. */
  readonly #deadlines = new Deadlines()
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
      undeliverableMs: init.undeliverableMs ?? Math.max(60_000, 2 * (init.defaultTimeoutMs ?? 30_000)),
      strangerMaxFrameBytes: init.strangerMaxFrameBytes ?? 4096,
      peerBytes: init.peerBytes ?? 256 * 1024 * 1024,
      totalBytes: init.totalBytes ?? 1024 * 1024 * 1024,
      maxStreamsPerPeer: init.maxStreamsPerPeer ?? 4,
      lateFactor: Math.max(1, init.lateFactor ?? 1),
      onEvent: init.onEvent,
    }
    this.#receiveLimits = { ...DEFAULT_RECEIVE_LIMITS, ...init.receiveLimits }
    const limbo = { ...DEFAULT_LIMBO_LIMITS, ...init.limbo }
    this.#limbo = new Limbo(limbo)
    this.#limboTtlMs = limbo.ttlMs
    this.#total = new ByteLedger(this.#init.totalBytes)
  }

  /** The node's own accounting of what peers make it hold. */
  memory(): MpcMemory {
    let decodingBytes = 0
    let streams = 0
    for (const l of this.#links.values()) {
      streams += l.streams.length
      for (const d of l.decoders) decodingBytes += d.bufferedBytes
    }
    return {
      sessionBytes: this.#total.used, limboBytes: this.#limbo.bytes, limboFrames: this.#limbo.frames,
      decodingBytes, streams, links: this.#links.size, bannedPeers: this.#banned.size,
    }
  }

  #isMember(peer: string): boolean {
    return (this.#memberOf.get(peer) ?? 0) > 0
  }

  #peerLedger(peer: string): ByteLedger {
    let l = this.#peerLedgers.get(peer)
    if (!l) { l = new ByteLedger(this.#init.peerBytes); this.#peerLedgers.set(peer, l) }
    return l
  }

  #sweep(): void {
    const now = Date.now()
    this.#limbo.expire(now)
    for (const [p, until] of this.#banned) if (until <= now) this.#banned.delete(p)
    for (const [s, at] of this.#closedAt) if (now - at >= this.#limboTtlMs) this.#closedAt.delete(s)
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
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(250, Math.min(5_000, this.#limboTtlMs / 4)))
    this.#sweeper.unref()
  }

  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#stop.abort(new TransportClosedError('MPC network stopped'))
    if (this.#sweeper) clearInterval(this.#sweeper)
    for (const s of this.#sessions.values()) s.close(new TransportClosedError('MPC network stopped'))
    this.#sessions.clear()
    this.#deadlines.clear()
    this.#memberOf.clear()
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
    // Registry entries are whatever someone stored (issue #15, defect 1): a bad peer id fails this
    // task alone (a typed error), a bad address is dropped.
    const checked = validateCommitteeMembers(committee)
    if (!checked.ok) throw new InvalidArgumentError('MpcNetwork.expect', `session ${session}: ${checked.reason}`)
    const members = checked.members.map((m) => ({ peerId: m.peerId, multiaddrs: m.multiaddrs }))
    const state = new SessionState(session, members, this.#receiveLimits, (from) => [this.#peerLedger(members[from]!.peerId), this.#total])
    if (!state.indexOf.has(this.#self)) {
      throw new InvalidArgumentError('MpcNetwork.expect', `this node (${this.#self}) is not in the committee of ${session}`)
    }
    this.#sessions.set(session, state)
    this.#closedAt.delete(session)
    for (const m of checked.members) {
      if (m.peerId === this.#self) continue
      this.#memberOf.set(m.peerId, (this.#memberOf.get(m.peerId) ?? 0) + 1)
      if (m.multiaddrs.length > 0) {
        void Promise.resolve().then(() => this.#host.peerStore.merge(m.id, { multiaddrs: m.multiaddrs.map((a) => multiaddr(a)) })).catch(() => {})
      }
    }
    // Adopt frames that arrived before we knew the session.
    for (const { peer, frame } of this.#limbo.take(session)) {
      const from = state.indexOf.get(peer)
      if (from === undefined || peer === this.#self) {
        this.totals.refused++
        this.#init.onEvent?.({ kind: 'refused', peer, session, reason: 'peer is not in the committee of this session' })
        this.#cutOff(peer, 'not in committee')
        continue
      }
      this.#deliver(state, from, peer, frame)
    }
  }

  /** Open this node's transport for a session; the smaller peer id of each pair dials right away. */
  openSession(options: OpenSessionOptions): Transport {
    this.expect(options.session, options.committee)
    const state = this.#sessions.get(options.session)!
    const self = state.indexOf.get(this.#self)!
    state.opened = true
    state.lateFactor = Math.max(1, options.lateFactor ?? this.#init.lateFactor)
    // A peer whose streams are all gone right now is not yet "gone": it may still dial us.
    for (const m of state.members) {
      if (m.peerId !== this.#self && this.#self < m.peerId) this.#ensureStream(this.#link(m.peerId))
    }
    return new Libp2pSessionTransport(this, state, self, options.timeoutMs ?? this.#init.defaultTimeoutMs)
  }

  /**
   * Forget a session (after the task ended); pending receives fail with MPC_TRANSPORT_CLOSED, and the
   * other members are told (a control frame), so their receives from us fail fast instead of waiting
   * for the deadline. They are told also when this node never opened the session: a member that gave
   * up at the ready barrier (src/node/ready-barrier.ts) while others had passed it would otherwise
   * leave them to time out on it and name it first-hand (src/node/evidence.ts), though its own cause
   * was someone else (issue #12). A member that has not opened the session yet keeps the notice
   * (limbo, or `gone`) and fails fast on us when it opens.
   */
  closeSession(session: string, reason = 'session closed'): void {
    const s = this.#sessions.get(session)
    if (!s) return
    if (!s.closed) {
      for (const m of s.members) {
        if (m.peerId !== this.#self) this.#enqueueRaw(m.peerId, s.idBytes, new Uint8Array(0), closeFrame(reason))
      }
    }
    s.close(new TransportClosedError(reason))
    this.#sessions.delete(session)
    this.#closedAt.set(session, Date.now())
    for (const m of s.members) {
      if (m.peerId === this.#self) continue
      const k = (this.#memberOf.get(m.peerId) ?? 1) - 1
      if (k > 0) this.#memberOf.set(m.peerId, k)
      else {
        this.#memberOf.delete(m.peerId)
        const l = this.#peerLedgers.get(m.peerId)
        if (l && l.used === 0) this.#peerLedgers.delete(m.peerId)
        this.#forgetIfIdle(m.peerId)
      }
    }
  }

  /** @internal used by the session transport */
  enqueue(state: SessionState, to: number, label: string, payload: Uint8Array): void {
    state.lastActivity = Date.now()
    // A round sends one label to every peer: encode it once (issue #14).
    if (label !== state.sentLabel) { state.sentLabel = label; state.sentLabelBytes = textEncoder.encode(label) }
    const labelBytes = state.sentLabelBytes
    state.budget.note(label)
    state.stats.framesSent++
    state.stats.bytesSent += payload.length
    this.#enqueueRaw(state.members[to]!.peerId, state.idBytes, labelBytes, payload)
  }

  #enqueueRaw(peer: string, sessionBytes: Uint8Array, labelBytes: Uint8Array, payload: Uint8Array): void {
    // Copy now: the caller may reuse its buffer right after send (Transport contract).
    const frame = frameBuffer(encodedFrameLength(sessionBytes, labelBytes, payload))
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
      link = { peer, streams: [], queue: [], queuedBytes: 0, flushing: false, dialing: undefined, firstWaitAt: undefined, fallbackTimer: undefined, decoders: new Set() }
      this.#links.set(peer, link)
    }
    return link
  }

  #attach(peer: string, stream: Stream, direction: 'inbound' | 'outbound'): void {
    if (!this.#started) { stream.abort(new Error('not started')); return }
    // A stranger may be a member of a task we have not heard of yet: we cannot know, so accept its
    // stream and judge per frame, under stranger limits. One we cut off recently is refused at once.
    const member = this.#isMember(peer)
    if (!member && (this.#banned.get(peer) ?? 0) > Date.now()) { stream.abort(new EnigmaError('NODE_PEER_REFUSED', 'refused recently')); return }
    const link = this.#link(peer)
    if (direction === 'inbound' && link.streams.length >= this.#init.maxStreamsPerPeer) {
      stream.abort(new EnigmaError('NODE_PEER_REFUSED', 'too many streams'))
      return
    }
    link.streams.push(stream)
    this.#init.onEvent?.({ kind: 'stream-open', peer, direction })
    const decoder = new FrameDecoder(() => this.#isMember(peer) ? this.#init.maxFrameBytes : this.#init.strangerMaxFrameBytes)
    link.decoders.add(decoder)
    let dead = false
    stream.addEventListener('message', (evt) => {
      if (dead) return
      const data = evt.data instanceof Uint8Array ? evt.data : evt.data.subarray()
      let frames: Frame[]
      try {
        frames = decoder.push(data)
      } catch (e) {
        dead = true
        this.#refuse(peer, stream, '?', e instanceof Error ? e.message : 'bad frame')
        return
      }
      for (const f of frames) {
        if (!this.#route(peer, stream, f)) { dead = true; break }
      }
    })
    stream.addEventListener('close', () => {
      link.streams = link.streams.filter((s) => s !== stream)
      link.decoders.delete(decoder)
      this.#init.onEvent?.({ kind: 'stream-closed', peer })
      if (link.streams.length === 0 && this.#started) {
        // The peer crashed or stopped: fail its receives now rather than at the deadline. Sessions
        // opened later start afresh (the peer may come back).
        for (const st of this.#sessions.values()) {
          const idx = st.indexOf.get(peer)
          if (st.opened && idx !== undefined && peer !== this.#self) st.markGone(idx, 'connection closed')
        }
        this.#forgetIfIdle(peer)
      }
    })
    if (link.queue.length > 0 && !link.flushing) {
      link.flushing = true
      void this.#flush(link)
    }
  }

  /** Returns false when the stream was cut off (its remaining frames must not be routed). */
  #route(peer: string, stream: Stream, frame: Frame): boolean {
    this.totals.framesReceived++
    this.totals.bytesReceived += frame.payload.length
    const state = this.#sessions.get(frame.session)
    if (!state) {
      if (this.#closedAt.has(frame.session)) return true // a late frame of a session we finished
      const member = this.#isMember(peer)
      const why = this.#limbo.add(peer, member, frame, Date.now())
      if (why === undefined) return true
      if (member) {
        // Drop the frame but keep the stream: it carries this member's frames for our sessions.
        this.totals.refused++
        this.#init.onEvent?.({ kind: 'refused', peer, session: frame.session, reason: why })
        return true
      }
      this.#refuse(peer, stream, frame.session, why)
      return false
    }
    const from = state.indexOf.get(peer)
    if (from === undefined || peer === this.#self) {
      this.#refuse(peer, stream, frame.session, 'peer is not in the committee of this session')
      return false
    }
    this.#deliver(state, from, peer, frame)
    return true
  }

  #deliver(state: SessionState, from: number, peer: string, frame: Frame): void {
    if (frame.label === '') {
      const kind = frame.payload[0]
      if (kind === CONTROL_SESSION_CLOSED) state.markGone(from, closeReason(frame.payload))
      else if (kind === CONTROL_WHERE) this.#answerWhere(state, peer, from)
      else if (kind === CONTROL_HERE && frame.payload.length >= 2) state.here.set(from, { at: Date.now(), code: frame.payload[1]! })
      return
    }
    const refused = state.deliver(from, frame.label, frame.payload)
    if (refused === undefined) return
    // A member over its budget or far ahead of the protocol is misbehaving: it gets nothing more
    // kept in this session, and our receives from it fail now, naming it, instead of at the deadline.
    this.totals.refused++
    this.#init.onEvent?.({ kind: 'refused', peer, session: state.id, reason: refused })
    state.refused.add(from)
    state.markGone(from, `refused: ${refused}`)
    state.dropFrom(from)
  }

  /** Answer a member's "where are you?" (at most once per grace per member; members only: `#route`). */
  #answerWhere(state: SessionState, peer: string, from: number): void {
    const now = Date.now()
    if (now - (state.answeredAt.get(from) ?? -Infinity) < ANSWER_EVERY_MS) return
    state.answeredAt.set(from, now)
    const code = !state.opened ? HERE_BEHIND
      : state.waiters.size > 0 ? HERE_WAITING
      : now - state.lastActivity >= IDLE_MS ? HERE_IDLE : HERE_WAITING
    this.#enqueueRaw(peer, state.idBytes, new Uint8Array(0), Uint8Array.of(CONTROL_HERE, code))
  }

  /** Ask `from` where it is in the session (once per grace). */
  #askWhere(state: SessionState, from: number): void {
    const now = Date.now()
    if (now - (state.askedAt.get(from) ?? -Infinity) < ANSWER_EVERY_MS) return
    state.askedAt.set(from, now)
    this.#enqueueRaw(state.members[from]!.peerId, state.idBytes, new Uint8Array(0), Uint8Array.of(CONTROL_WHERE))
  }

  /**
   * Whether an overdue member may be late rather than silent: it answered, since the deadline passed,
   * that it waits on a frame itself or has not opened the session, or it did not answer at all (stalled,
   * cut off, restarting). Only an answer of `HERE_IDLE` says it is alive and chose not to send.
   */
  #mayBeLate(state: SessionState, from: number, since: number): boolean {
    const h = state.here.get(from)
    return !h || h.at < since || h.code !== HERE_IDLE
  }

  /** Aborts every stream of `peer`; a stranger is also refused new streams for a while. */
  #cutOff(peer: string, reason: string): void {
    if (!this.#isMember(peer)) this.#banned.set(peer, Date.now() + this.#limboTtlMs)
    const link = this.#links.get(peer)
    if (link) for (const s of link.streams) s.abort(new EnigmaError('NODE_PEER_REFUSED', reason))
  }

  /** Drops the link of a peer that has nothing left with us, so strangers leave no state behind. */
  #forgetIfIdle(peer: string): void {
    const link = this.#links.get(peer)
    if (!link || link.streams.length > 0 || link.queue.length > 0 || link.dialing || this.#isMember(peer)) return
    if (link.fallbackTimer) clearTimeout(link.fallbackTimer)
    this.#links.delete(peer)
  }

  #refuse(peer: string, stream: Stream, session: string, reason: string): void {
    this.totals.refused++
    this.#init.onEvent?.({ kind: 'refused', peer, session, reason })
    if (!this.#isMember(peer)) this.#banned.set(peer, Date.now() + this.#limboTtlMs)
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
        // Dial failed: back off, the peer may be restarting, up to `undeliverableMs`.
        if (Date.now() - (link.firstWaitAt ?? Date.now()) >= this.#init.undeliverableMs) {
          link.queue = []
          link.queuedBytes = 0
        }
        await sleep(250, this.#stop.signal)
        if (link.queue.length === 0) { link.firstWaitAt = undefined; return undefined }
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
    state.budget.note(label)
    const key = `${from}\u0000${label}`
    const ready = state.take(key, from)
    if (ready) return Promise.resolve(ready)
    const gone = state.gone.get(from)
    if (gone !== undefined) return Promise.reject(new PeerDisconnectedError(from, label, gone))
    if (state.waiters.has(key)) return Promise.reject(new InvalidArgumentError('receive', `already waiting for party ${from} '${label}'`))
    if (signal?.aborted) return Promise.reject(signal.reason)
    state.lastActivity = Date.now()
    return new Promise<Uint8Array>((resolve, reject) => {
      // Deadlines share one timer per network (engine/deadlines.ts), not a setTimeout per receive.
      const cleanup = () => { this.#deadlines.cancel(deadline); signal?.removeEventListener('abort', onAbort) }
      // On a timeout, wait a short grace for the silent party's own "closed the session" notice before
      // naming it: when a member crashes, a survivor that was waiting on the crashed one times out at
      // about the same moment as the others time out waiting on *it*, and the notice carries the real
      // cause (the crashed party) instead of blaming the honest messenger (faults.test.ts).
      // Past the deadline (in the grace), a disconnect still names the cause, but says the frame was
      // already overdue: first-hand evidence that the peer was silent (src/node/evidence.ts, issue #12).
      // At the deadline the party is also asked where it is; unless it answers that it is idle, it is
      // given another deadline, up to `lateFactor` deadlines in all (late is not silent: file comment).
      let overdue = false
      const lateEnd = Date.now() + timeoutMs * state.lateFactor
      const onDeadline = () => {
        overdue = true
        const firedAt = Date.now()
        if (state.lateFactor > 1) this.#askWhere(state, from)
        deadline = this.#deadlines.add(Math.min(TIMEOUT_GRACE_MS, timeoutMs), () => {
          const left = lateEnd - Date.now()
          if (left > 0 && this.#mayBeLate(state, from, firedAt)) {
            deadline = this.#deadlines.add(Math.min(timeoutMs, left), onDeadline)
            return
          }
          state.waiters.delete(key)
          cleanup()
          reject(new MpcTimeoutError(from, label, timeoutMs))
        })
      }
      let deadline = this.#deadlines.add(timeoutMs, onDeadline)
      const onAbort = () => { state.waiters.delete(key); cleanup(); reject(signal!.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      state.waiters.set(key, {
        resolve: (b) => { cleanup(); resolve(b) },
        reject: (e) => {
          cleanup()
          reject(overdue && e instanceof PeerDisconnectedError
            ? new PeerDisconnectedError(from, label, `${OVERDUE} ${timeoutMs} ms, then ${String(e.meta.why)}`)
            : e)
        },
      })
    })
  }
}

/**
 * "I closed this session", with my reason (e.g. which party I timed out on), so that members who
 * fail because of it report the original cause rather than blaming the messenger. Never secret:
 * reasons name parties, labels and error codes only. Capped at 200 bytes.
 */
const TIMEOUT_GRACE_MS = 2_000
/** The bound of a late member's receive in a computation, in receive deadlines (see the file comment). */
export const LATE_FACTOR = 3
/** Answers to "where are you?" (`CONTROL_HERE`, src/node/frames.ts). */
export const HERE_IDLE = 0
export const HERE_WAITING = 1
export const HERE_BEHIND = 2
/** No receive pending and nothing sent or asked for this long: idle (a receive follows a send at once). */
const IDLE_MS = 1_000
/** At most one question to, and one answer for, a member per this long. */
const ANSWER_EVERY_MS = 250
/** Marks a disconnect that came after the receive deadline had passed (see `receiveFrom`). */
export const OVERDUE = 'no frame within'

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

/**
 * An outgoing frame's memory, uninitialised (every byte is written before it is sent). Small frames
 * come from Node's buffer pool: a `new Uint8Array` of a one-element round's ≈ 30 bytes lives on V8's
 * heap, and the stream below (noise's cipher) then has to move it off-heap first. A plain Uint8Array
 * view, not a Buffer, so no code below can take a Buffer's shared-memory `slice` for a copy.
 */
function frameBuffer(bytes: number): Uint8Array {
  const b = Buffer.allocUnsafe(bytes)
  return new Uint8Array(b.buffer, b.byteOffset, bytes)
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
  const out = frameBuffer(n)
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
