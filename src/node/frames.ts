/**
 * Wire format of the MPC stream (`/enigma/mpc/1.0.0`). One long-lived stream per peer pair carries the
 * frames of every concurrent task, so each frame names its session (task id) and its label:
 *
 *   u32 BE  length of what follows
 *   u8      session id length S, then S bytes (UTF-8)
 *   u8      label length L, then L bytes (ASCII); L = 0 marks a control frame (payload[0] = kind)
 *   rest    payload
 *
 * A round's frames to one peer are concatenated and handed to the stream in one `send` (batching);
 * the decoder below accepts any chunking. Lengths are checked before allocation so a hostile peer
 * cannot make us buffer more than `maxFrameBytes`.
 */
import { NodeError } from './errors.ts'

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024

export interface Frame {
  readonly session: string
  readonly label: string
  readonly payload: Uint8Array
}

const enc = new TextEncoder()
const dec = new TextDecoder('utf-8', { fatal: true })

export function encodedFrameLength(sessionBytes: Uint8Array, labelBytes: Uint8Array, payload: Uint8Array): number {
  return 4 + 1 + sessionBytes.length + 1 + labelBytes.length + payload.length
}

/** Encode a frame into `out` at `offset`; returns the new offset. */
export function writeFrame(out: Uint8Array, offset: number, sessionBytes: Uint8Array, labelBytes: Uint8Array, payload: Uint8Array): number {
  const body = 2 + sessionBytes.length + labelBytes.length + payload.length
  new DataView(out.buffer, out.byteOffset + offset, 4).setUint32(0, body, false)
  let o = offset + 4
  out[o++] = sessionBytes.length
  out.set(sessionBytes, o); o += sessionBytes.length
  out[o++] = labelBytes.length
  out.set(labelBytes, o); o += labelBytes.length
  out.set(payload, o)
  return o + payload.length
}

export function encodeFrame(session: string, label: string, payload: Uint8Array): Uint8Array {
  const s = checkedName('session', session)
  const l = checkedName('label', label)
  const out = new Uint8Array(encodedFrameLength(s, l, payload))
  writeFrame(out, 0, s, l, payload)
  return out
}

export const CONTROL_SESSION_CLOSED = 1
/** "Where are you in this session?" — asked of a member whose frame is overdue (src/node/mpc-network.ts). */
export const CONTROL_WHERE = 2
/** The answer: `[CONTROL_HERE, code]`, code one of mpc-network.ts `HERE_*`. */
export const CONTROL_HERE = 3

export function checkedName(what: string, value: string): Uint8Array {
  const b = enc.encode(value)
  if (b.length === 0 || b.length > 255) throw new NodeError('NODE_FRAME_INVALID', `${what} must be 1..255 bytes, got ${b.length}`)
  return b
}

/**
 * Incremental decoder: push chunks, get whole frames. Keeps a list of chunks and copies only when a
 * frame spans chunks, so large payloads are not re-copied per chunk.
 */
export class FrameDecoder {
  readonly #max: () => number
  #chunks: Uint8Array[] = []
  #buffered = 0

  /**
   * `maxFrameBytes` may be a function, read at every frame header: the node allows a stranger only
   * tiny frames and a committee member large ones, and a peer can become a member while its stream
   * is open.
   */
  constructor(maxFrameBytes: number | (() => number) = DEFAULT_MAX_FRAME_BYTES) {
    this.#max = typeof maxFrameBytes === 'number' ? () => maxFrameBytes : maxFrameBytes
  }

  get bufferedBytes(): number {
    return this.#buffered
  }

  push(chunk: Uint8Array): Frame[] {
    // libp2p hands out Buffers; consumers expect plain Uint8Array views (deepEqual, subclass quirks).
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (chunk.length > 0) { this.#chunks.push(chunk); this.#buffered += chunk.length }
    const frames: Frame[] = []
    for (;;) {
      if (this.#buffered < 4) break
      const head = this.#peek(4)
      const body = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false)
      const max = this.#max()
      if (body < 2 || body > max) throw new NodeError('NODE_FRAME_INVALID', `frame length ${body} outside 2..${max}`)
      if (this.#buffered < 4 + body) break
      const bytes = this.#take(4 + body).subarray(4)
      frames.push(parseBody(bytes))
    }
    return frames
  }

  #peek(n: number): Uint8Array {
    const first = this.#chunks[0]!
    if (first.length >= n) return first.subarray(0, n)
    const out = new Uint8Array(n)
    let o = 0
    for (const c of this.#chunks) {
      const k = Math.min(c.length, n - o)
      out.set(c.subarray(0, k), o); o += k
      if (o === n) break
    }
    return out
  }

  #take(n: number): Uint8Array {
    this.#buffered -= n
    const first = this.#chunks[0]!
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = new Uint8Array(n)
    let o = 0
    while (o < n) {
      const c = this.#chunks[0]!
      const k = Math.min(c.length, n - o)
      out.set(c.subarray(0, k), o); o += k
      if (k === c.length) this.#chunks.shift()
      else this.#chunks[0] = c.subarray(k)
    }
    return out
  }
}

function parseBody(b: Uint8Array): Frame {
  let o = 0
  const sl = b[o++]!
  if (sl === 0 || o + sl + 1 > b.length) throw new NodeError('NODE_FRAME_INVALID', 'bad session length')
  let session: string
  let label: string
  try {
    session = dec.decode(b.subarray(o, o + sl)); o += sl
    const ll = b[o++]!
    // ll = 0 marks a control frame (e.g. "I closed this session"); user labels are never empty.
    if (o + ll > b.length) throw new NodeError('NODE_FRAME_INVALID', 'bad label length')
    label = dec.decode(b.subarray(o, o + ll)); o += ll
  } catch (e) {
    if (e instanceof NodeError) throw e
    throw new NodeError('NODE_FRAME_INVALID', 'session or label is not UTF-8')
  }
  return { session, label, payload: b.subarray(o) }
}
