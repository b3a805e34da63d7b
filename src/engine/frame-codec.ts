/**
 * The TCP transport's wire format, one frame per `send`:
 *
 *     [u8 labelLen][label: labelLen latin1 bytes][u32 BE payloadLen][payload]
 *
 * A u32 length allows frames up to 4 GiB; the decoder refuses anything above its `maxPayloadBytes`
 * so a broken or hostile peer cannot make us allocate without bound.
 *
 * Throughput matters here (the MPC benchmark pushes hundreds of MB/s per party), so:
 * - encoding builds one buffer per frame (header and payload together, a single copy of the payload,
 *   which also snapshots it so the sender may reuse its buffer);
 * - decoding never concatenates its chunk queue: headers are read byte-wise across chunks, a payload
 *   that lies inside one socket chunk is returned as a view of it, and a payload spread over many
 *   chunks is copied once, when its last byte has arrived (no quadratic Buffer.concat).
 * - a header never makes us allocate (issue #9, defect 6): the payload buffer is allocated only once
 *   all its bytes are here, so a peer that announces 256 MiB and sends 10 bytes costs 10 bytes.
 */
import { BadFrameError } from './transport-errors.ts'

export const FRAME_HEADER_FIXED_BYTES = 5
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024 * 1024

export function encodeFrame(label: string, payload: Uint8Array): Buffer {
  const labelLen = label.length
  const frame = Buffer.allocUnsafe(FRAME_HEADER_FIXED_BYTES + labelLen + payload.byteLength)
  frame[0] = labelLen
  frame.write(label, 1, labelLen, 'latin1')
  frame.writeUInt32BE(payload.byteLength, 1 + labelLen)
  frame.set(payload, FRAME_HEADER_FIXED_BYTES + labelLen)
  return frame
}

/** Just the header, for sending a large payload without copying it (written right after). */
export function encodeFrameHeader(label: string, payloadBytes: number): Buffer {
  const labelLen = label.length
  const header = Buffer.allocUnsafe(FRAME_HEADER_FIXED_BYTES + labelLen)
  header[0] = labelLen
  header.write(label, 1, labelLen, 'latin1')
  header.writeUInt32BE(payloadBytes, 1 + labelLen)
  return header
}

export type FrameHandler = (label: string, payload: Uint8Array) => void

/**
 * Incremental decoder: `push` socket chunks in arrival order, get `onFrame` calls in frame order.
 * Throws BadFrameError on a frame above the size limit; the caller should then drop the connection.
 */
export class FrameDecoder {
  readonly #onFrame: FrameHandler
  readonly #maxPayloadBytes: number
  /** Unconsumed chunks; `#offset` bytes of the first one are already consumed. */
  #chunks: Buffer[] = []
  #offset = 0
  #buffered = 0
  /** Header of the frame whose payload is being collected, or undefined while reading a header. */
  #label: string | undefined
  #need = 0
  #parts: Buffer[] = []
  #filled = 0

  constructor(onFrame: FrameHandler, maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES) {
    this.#onFrame = onFrame
    this.#maxPayloadBytes = maxPayloadBytes
  }

  /** Bytes received but not yet handed out (including a partly filled payload). */
  get pendingBytes(): number {
    return this.#buffered + this.#filled
  }

  push(chunk: Buffer): void {
    if (this.#label !== undefined) {
      // Collecting a large payload: keep the socket chunks, copy once when complete.
      const take = Math.min(this.#need - this.#filled, chunk.byteLength)
      this.#parts.push(take === chunk.byteLength ? chunk : chunk.subarray(0, take))
      this.#filled += take
      if (this.#filled < this.#need) return
      const label = this.#label
      const payload = allocPayload(this.#need)
      let o = 0
      for (const p of this.#parts) { payload.set(p, o); o += p.byteLength }
      this.#label = undefined
      this.#parts = []
      this.#filled = 0
      this.#need = 0
      this.#onFrame(label, payload)
      if (take === chunk.byteLength) return
      chunk = chunk.subarray(take)
    }
    this.#chunks.push(chunk)
    this.#buffered += chunk.byteLength
    this.#drain()
  }

  #drain(): void {
    while (this.#buffered >= 1) {
      const labelLen = this.#peekByte(0)
      const headerLen = FRAME_HEADER_FIXED_BYTES + labelLen
      if (this.#buffered < headerLen) return
      const label = this.#readLatin1(1, labelLen)
      const payloadLen = (this.#peekByte(1 + labelLen) * 0x1000000) + (this.#peekByte(2 + labelLen) << 16) +
        (this.#peekByte(3 + labelLen) << 8) + this.#peekByte(4 + labelLen)
      if (payloadLen > this.#maxPayloadBytes) {
        throw new BadFrameError(`payload of ${payloadLen} bytes exceeds the limit of ${this.#maxPayloadBytes}`, { payloadLen, max: this.#maxPayloadBytes })
      }
      this.#skip(headerLen)
      if (this.#buffered >= payloadLen) {
        this.#onFrame(label, this.#take(payloadLen))
        continue
      }
      // Not all there yet: collect the chunks as they come (nothing allocated on the header's word).
      this.#filled = 0
      this.#parts = []
      while (this.#chunks.length > 0) {
        const c = this.#chunks.shift()!
        const part = this.#offset === 0 ? c : c.subarray(this.#offset)
        this.#offset = 0
        this.#parts.push(part)
        this.#filled += part.byteLength
      }
      this.#buffered = 0
      this.#label = label
      this.#need = payloadLen
      return
    }
  }

  #peekByte(at: number): number {
    let i = 0
    at += this.#offset
    while (at >= this.#chunks[i]!.byteLength) {
      at -= this.#chunks[i]!.byteLength
      i++
    }
    return this.#chunks[i]![at]!
  }

  #readLatin1(at: number, len: number): string {
    const first = this.#chunks[0]!
    const start = this.#offset + at
    if (start + len <= first.byteLength) return first.toString('latin1', start, start + len)
    let s = ''
    for (let k = 0; k < len; k++) s += String.fromCharCode(this.#peekByte(at + k))
    return s
  }

  #skip(len: number): void {
    this.#buffered -= len
    while (len > 0) {
      const first = this.#chunks[0]!
      const avail = first.byteLength - this.#offset
      if (len < avail) {
        this.#offset += len
        return
      }
      len -= avail
      this.#chunks.shift()
      this.#offset = 0
    }
  }

  /** Next `len` bytes (all buffered): a view when that is cheap to keep alive, else a copy. */
  #take(len: number): Uint8Array {
    if (len === 0) return new Uint8Array(0)
    const first = this.#chunks[0]!
    const start = this.#offset
    if (start + len <= first.byteLength) {
      // A view pins its whole socket chunk; only do that when the payload is a good part of it.
      const view = new Uint8Array(first.buffer, first.byteOffset + start, len)
      const out = len >= 16384 || len * 2 >= first.byteLength ? view : view.slice()
      this.#skip(len)
      return out
    }
    const out = allocPayload(len)
    let filled = 0
    while (filled < len) {
      const c = this.#chunks[0]!
      const avail = c.byteLength - this.#offset
      const n = Math.min(avail, len - filled)
      out.set(c.subarray(this.#offset, this.#offset + n), filled)
      filled += n
      this.#skip(n)
    }
    return out
  }
}

/**
 * A plain Uint8Array (not a Buffer: Buffer#slice shares memory, a trap for protocol code) over
 * uninitialised memory: every byte is overwritten before the payload is handed out, so skipping the
 * zero-fill is safe and saves a pass over large frames.
 */
function allocPayload(len: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(len)
  return new Uint8Array(b.buffer, b.byteOffset, len)
}
