/**
 * Encrypted records of the TCP transport (issue #9, defect 6), keyed by the handshake
 * (transport-tcp-handshake.ts): every byte after the handshake travels in AES-256-GCM records
 *
 *     [u32 BE ciphertext length L][L bytes of ciphertext][16-byte tag]
 *
 * with a 96-bit nonce that counts records per direction (never reused: one key per direction per
 * connection, fresh ephemeral keys per connection). A record that fails authentication (a flipped
 * byte, a replayed, dropped or reordered record: the counter would differ) ends the connection; no
 * byte of it is handed on. Records carry at most `MAX_RECORD_BYTES`, and a length above that is refused
 * before anything is allocated. AES-GCM rather than ChaCha20-Poly1305: both from node:crypto, AES is
 * faster with AES-NI (STACK-NOTES.md: 1.3 vs 1.1 GB/s).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { BadFrameError } from './transport-errors.ts'

export const MAX_RECORD_BYTES = 1024 * 1024
const TAG_BYTES = 16
const CIPHER = 'aes-256-gcm'

/**
 * Records up to this size leave as ONE buffer (length, ciphertext and tag copied together): a round's
 * small record was three buffers (three write requests in the socket's writev); larger records keep
 * their parts, where the copy would cost more than the buffers.
 */
const ONE_BUFFER_RECORD_BYTES = 16 * 1024

/**
 * The 96-bit nonce of record `counter` (a per-direction count), written into one reused buffer:
 * `createCipheriv` copies the IV into the cipher context before it returns, so the buffer is free
 * again at once (issue #14: one allocation less per record).
 */
class NonceCounter {
  readonly #iv = Buffer.alloc(12)
  #counter = 0

  next(): Buffer {
    this.#iv.writeUIntBE(this.#counter++, 6, 6)
    return this.#iv
  }
}

/** Seals outgoing bytes into records. */
export class RecordSealer {
  readonly #key: Buffer
  readonly #nonce = new NonceCounter()

  constructor(key: Buffer) {
    this.#key = key
  }

  /** Buffers to write, in order, carrying `parts` (split into records of at most MAX_RECORD_BYTES). */
  seal(parts: readonly Uint8Array[]): Buffer[] {
    const out: Buffer[] = []
    let i = 0
    let offset = 0
    while (i < parts.length) {
      // Gather up to MAX_RECORD_BYTES of plaintext from the parts.
      const pieces: Uint8Array[] = []
      let len = 0
      while (i < parts.length && len < MAX_RECORD_BYTES) {
        const p = parts[i]!
        const take = Math.min(p.byteLength - offset, MAX_RECORD_BYTES - len)
        pieces.push(offset === 0 && take === p.byteLength ? p : p.subarray(offset, offset + take))
        len += take
        offset += take
        if (offset === p.byteLength) { i++; offset = 0 }
      }
      if (len === 0) continue
      const cipher = createCipheriv(CIPHER, this.#key, this.#nonce.next(), { authTagLength: TAG_BYTES })
      if (len <= ONE_BUFFER_RECORD_BYTES) {
        const record = Buffer.allocUnsafe(4 + len + TAG_BYTES)
        record.writeUInt32BE(len, 0)
        let o = 4
        for (const p of pieces) o += cipher.update(p).copy(record, o)
        o += cipher.final().copy(record, o)
        cipher.getAuthTag().copy(record, o)
        out.push(record)
        continue
      }
      const head = Buffer.allocUnsafe(4)
      head.writeUInt32BE(len, 0)
      out.push(head)
      for (const p of pieces) out.push(cipher.update(p))
      const fin = cipher.final()
      if (fin.length > 0) out.push(fin)
      out.push(cipher.getAuthTag())
    }
    return out
  }
}

/** Opens incoming records; throws BadFrameError on anything that is not an authentic next record. */
export class RecordOpener {
  readonly #key: Buffer
  readonly #nonce = new NonceCounter()
  /** Unconsumed socket chunks; the first `#offset` bytes of the first one are consumed. */
  #chunks: Buffer[] = []
  #offset = 0
  #buffered = 0

  constructor(key: Buffer) {
    this.#key = key
  }

  /** Bytes received but not yet authenticated. */
  get pendingBytes(): number {
    return this.#buffered
  }

  /** Feeds socket bytes; returns the plaintext of every record they complete, in order. */
  open(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) { this.#chunks.push(chunk); this.#buffered += chunk.length }
    const out: Buffer[] = []
    for (;;) {
      if (this.#buffered < 4) return out
      const first = this.#chunks[0]!
      const at = this.#offset
      const len = first.length - at >= 4 ? first.readUInt32BE(at) : this.#peek(4).readUInt32BE(0)
      if (len === 0 || len > MAX_RECORD_BYTES) throw new BadFrameError(`record of ${len} bytes (limit ${MAX_RECORD_BYTES})`, { len })
      const recordBytes = 4 + len + TAG_BYTES
      if (this.#buffered < recordBytes) return out
      const decipher = createDecipheriv(CIPHER, this.#key, this.#nonce.next(), { authTagLength: TAG_BYTES })
      const plain: Buffer[] = []
      if (first.length - at >= recordBytes) {
        // The whole record in one socket chunk (a round's small records): no views but the two needed.
        decipher.setAuthTag(first.subarray(at + 4 + len, at + recordBytes))
        plain.push(decipher.update(first.subarray(at + 4, at + 4 + len)))
        this.#skip(recordBytes)
      } else {
        this.#skip(4)
        let need = len
        while (need > 0) {
          const c = this.#chunks[0]!
          const take = Math.min(need, c.length - this.#offset)
          plain.push(decipher.update(c.subarray(this.#offset, this.#offset + take)))
          this.#skip(take)
          need -= take
        }
        decipher.setAuthTag(this.#peek(TAG_BYTES))
        this.#skip(TAG_BYTES)
      }
      try {
        plain.push(decipher.final())
      } catch {
        throw new BadFrameError('record failed authentication (tampered, replayed or out of order)')
      }
      for (const p of plain) if (p.length > 0) out.push(p)
    }
  }

  /** The next `n` buffered bytes (a view when they lie in the first chunk, else a copy). */
  #peek(n: number): Buffer {
    const first = this.#chunks[0]!
    if (first.length - this.#offset >= n) return first.subarray(this.#offset, this.#offset + n)
    const all = Buffer.concat(this.#chunks, Math.min(this.#buffered + this.#offset, n + this.#offset))
    return all.subarray(this.#offset, this.#offset + n)
  }

  #skip(n: number): void {
    this.#buffered -= n
    while (n > 0) {
      const first = this.#chunks[0]!
      const avail = first.length - this.#offset
      if (n < avail) { this.#offset += n; return }
      n -= avail
      this.#chunks.shift()
      this.#offset = 0
    }
  }
}
