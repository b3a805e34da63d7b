/**
 * One handshaken TCP connection to one peer: frames out with back-pressure, frames in through the
 * decoder, and one `onClose` call when the connection ends for any reason other than our own close.
 *
 * Sending never blocks: frames go to `socket.write` while it accepts more, then wait in our own
 * queue until 'drain' (the Writable's buffer stays bounded; our queue is the backlog). Writes made
 * in one tick are corked together so a round of small frames leaves as one writev syscall, which
 * matters with TCP_NODELAY on. On a secure connection the frames of one tick are sealed together
 * into AES-GCM records (transport-tcp-secure.ts) at that point, so small frames cost one record.
 */
import type { Socket } from 'node:net'
import { FrameDecoder, type FrameHandler } from './frame-codec.ts'
import type { SecureChannel } from './transport-tcp-handshake.ts'

/** Plaintext sealed at once when a tick gathers this much (bounds the copy made by sealing). */
const SEAL_NOW_BYTES = 4 * 1024 * 1024

/** Called once the bytes of a frame left our hands (reached the kernel, or the socket died). */
export type WriteDone = () => void

export interface PeerLinkEvents {
  onFrame: FrameHandler
  /** The connection ended without our `end()`/`destroy()`: `why` says how, for error messages. */
  onClose(why: string): void
}

export class PeerLink {
  readonly peer: number
  readonly #socket: Socket
  readonly #decoder: FrameDecoder
  readonly #events: PeerLinkEvents
  #queue: Buffer[] = []
  #queueDone: (WriteDone | undefined)[] = []
  #queueHead = 0
  #blocked = false
  #corked = false
  #ending = false
  #localClose = false
  #error: Error | undefined
  #receivedAny = false
  readonly #closed: Promise<void>
  readonly #channel: SecureChannel | undefined
  #plain: Buffer[] = []
  #plainDone: WriteDone[] = []
  #plainBytes = 0

  constructor(peer: number, socket: Socket, leftover: Buffer, events: PeerLinkEvents, maxPayloadBytes: number, channel?: SecureChannel) {
    this.peer = peer
    this.#channel = channel
    this.#socket = socket
    this.#events = events
    this.#decoder = new FrameDecoder(events.onFrame, maxPayloadBytes)
    socket.setNoDelay(true)
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('error', (e) => { this.#error ??= e })
    socket.on('drain', this.#onDrain)
    socket.once('close', this.#onClose)
    socket.on('data', this.#onData)
    if (leftover.length > 0) this.#onData(leftover)
    socket.resume()
  }

  /** True once any byte arrived after the handshake. */
  get receivedAny(): boolean {
    return this.#receivedAny
  }

  /** Bytes queued in our backlog or the socket's buffer, not yet handed to the kernel. */
  get backlogBytes(): number {
    let b = this.#socket.writableLength
    for (let i = this.#queueHead; i < this.#queue.length; i++) b += this.#queue[i]!.byteLength
    return b
  }

  send(frame: Buffer, done?: WriteDone): void {
    if (this.#ending || this.#socket.destroyed) return // the failure surfaces on the next receive
    if (this.#blocked) {
      this.#queue.push(frame)
      this.#queueDone.push(done)
      return
    }
    this.#write(frame, done)
  }

  #write(frame: Buffer, done: WriteDone | undefined): void {
    if (!this.#corked) {
      this.#corked = true
      // A secure link gathers the tick's frames itself and seals them into one record, written at
      // once: corking the socket would only add the Writable's buffering to a single write.
      if (this.#channel === undefined) this.#socket.cork()
      process.nextTick(this.#uncork)
    }
    if (this.#channel !== undefined) {
      this.#plain.push(frame)
      if (done !== undefined) this.#plainDone.push(done)
      this.#plainBytes += frame.byteLength
      if (this.#plainBytes >= SEAL_NOW_BYTES) this.#seal()
      return
    }
    if (!(done === undefined ? this.#socket.write(frame) : this.#socket.write(frame, () => done()))) this.#blocked = true
  }

  /** Encrypts what this tick gathered; the plaintext buffers are free once sealed. */
  #seal(): void {
    if (this.#plain.length === 0) return
    const records = this.#channel!.sealer.seal(this.#plain)
    const dones = this.#plainDone
    this.#plain = []
    this.#plainDone = []
    this.#plainBytes = 0
    for (const d of dones) d()
    if (this.#socket.destroyed) return
    // Several records (a long tick) leave in one writev; one record (a round) in one write.
    const many = records.length > 1
    if (many) this.#socket.cork()
    for (const r of records) if (!this.#socket.write(r)) this.#blocked = true
    if (many) this.#socket.uncork()
  }

  readonly #uncork = (): void => {
    this.#corked = false
    if (this.#channel !== undefined) this.#seal()
    else this.#socket.uncork()
  }

  readonly #onDrain = (): void => {
    this.#blocked = false
    while (!this.#blocked && this.#queueHead < this.#queue.length) {
      const frame = this.#queue[this.#queueHead]!
      const done = this.#queueDone[this.#queueHead]
      this.#queue[this.#queueHead] = undefined as unknown as Buffer
      this.#queueDone[this.#queueHead++] = undefined
      this.#write(frame, done)
    }
    if (this.#queueHead === this.#queue.length) {
      this.#queue = []
      this.#queueDone = []
      this.#queueHead = 0
      if (this.#ending) { if (this.#channel !== undefined) this.#seal(); this.#socket.end() }
    }
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#receivedAny = true
    try {
      if (this.#channel === undefined) this.#decoder.push(chunk)
      else for (const plain of this.#channel.opener.open(chunk)) this.#decoder.push(plain)
    } catch (e) {
      this.#error = e as Error
      this.#socket.destroy()
    }
  }

  readonly #onClose = (): void => {
    if (this.#localClose) return
    let why: string
    if (this.#error !== undefined) {
      const code = (this.#error as { code?: string }).code
      why = code === undefined ? this.#error.message : `${this.#error.message} (${code})`
    } else {
      const pending = this.#decoder.pendingBytes + (this.#channel?.opener.pendingBytes ?? 0)
      why = pending > 0 ? 'its connection closed in the middle of a frame' : 'it closed its connection'
    }
    this.#events.onClose(why)
  }

  /**
   * Flushes everything queued, then closes our side; resolves when the socket is closed or after
   * `timeoutMs`, when it is destroyed (a peer that stops reading must not hang our close).
   */
  async end(timeoutMs: number): Promise<void> {
    this.#localClose = true
    if (!this.#ending) {
      this.#ending = true
      if (this.#queueHead === this.#queue.length) { if (this.#channel !== undefined) this.#seal(); this.#socket.end() }
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([this.#closed, new Promise<void>((r) => { timer = setTimeout(r, timeoutMs) })])
    clearTimeout(timer)
    this.#socket.destroy()
  }

  /** Drops the connection now, without telling `onClose` (used when we close or abandon it). */
  destroy(): void {
    this.#localClose = true
    this.#socket.destroy()
  }
}
