/**
 * Reusable buffers for outgoing frames. Copying a large payload into a *fresh* buffer costs far
 * more than the copy itself: the kernel maps and zero-fills new pages on first touch (measured: the
 * send-side copy into fresh memory made 1 MB-frame streaming several times slower). A buffer whose
 * bytes have reached the kernel (socket write callback) goes back here and carries the next frame.
 *
 * Power-of-two size classes from 64 KiB; a bounded number of idle bytes is kept, the rest is left
 * to the garbage collector.
 */
const MIN_CLASS_BITS = 16
const MAX_CLASS_BITS = 31

export class FramePool {
  readonly #free: Buffer[][] = Array.from({ length: MAX_CLASS_BITS + 1 }, () => [])
  readonly #maxIdleBytes: number
  #idleBytes = 0

  constructor(maxIdleBytes = 64 * 1024 * 1024) {
    this.#maxIdleBytes = maxIdleBytes
  }

  /** Smallest size worth pooling; smaller frames come from Node's own small-buffer pool. */
  static readonly minBytes = 1 << MIN_CLASS_BITS

  /** A buffer of at least `bytes` (contents undefined); give it back with `release`. */
  acquire(bytes: number): Buffer {
    const bits = classBits(bytes)
    if (bits > MAX_CLASS_BITS) return Buffer.allocUnsafeSlow(bytes)
    const b = this.#free[bits]!.pop()
    if (b !== undefined) {
      this.#idleBytes -= b.byteLength
      return b
    }
    return Buffer.allocUnsafeSlow(2 ** bits)
  }

  release(b: Buffer): void {
    const bits = classBits(b.byteLength)
    if (bits > MAX_CLASS_BITS || 2 ** bits !== b.byteLength) return
    if (this.#idleBytes + b.byteLength > this.#maxIdleBytes) return
    this.#idleBytes += b.byteLength
    this.#free[bits]!.push(b)
  }

  get idleBytes(): number {
    return this.#idleBytes
  }
}

function classBits(bytes: number): number {
  return Math.max(MIN_CLASS_BITS, Math.ceil(Math.log2(Math.max(1, bytes))))
}
