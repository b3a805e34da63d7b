/**
 * `seededRandom`: a deterministic RandomSource, the ChaCha20 keystream (RFC 8439) under a 32-byte
 * seed as key. Parties that share a coin expand it into the same field elements with it (e.g.
 * `field.random(n, seededRandom(coin))`). Pure JS so the field layer runs in browsers too; the
 * block function keeps the 16 state words in locals (no array traffic inside the rounds).
 *
 * The source is a stream: successive calls continue where the previous one stopped, so how a
 * consumer splits its reads does not change the bytes it gets. Keystream is produced in 4 KiB
 * batches; large aligned reads are written in place without the intermediate copy.
 * Assumes a little-endian host (as the whole field layer does).
 */
import { check } from '../common/errors.ts'
import { PrgExhaustedError } from './errors.ts'
import type { RandomSource } from './types.ts'

const BATCH_BLOCKS = 64

export function seededRandom(seed: Uint8Array, nonce: Uint8Array = new Uint8Array(12)): RandomSource {
  check(seed instanceof Uint8Array && seed.length === 32, 'seededRandom', `seed must be 32 bytes, got ${seed instanceof Uint8Array ? seed.length : typeof seed}`)
  check(nonce instanceof Uint8Array && nonce.length === 12, 'seededRandom', `nonce must be 12 bytes, got ${nonce instanceof Uint8Array ? nonce.length : typeof nonce}`)
  const dv = new DataView(seed.buffer, seed.byteOffset, 32)
  const nv = new DataView(nonce.buffer, nonce.byteOffset, 12)
  const st = new Uint32Array(16)
  st.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574])
  for (let i = 0; i < 8; i++) st[4 + i] = dv.getUint32(4 * i, true)
  for (let i = 0; i < 3; i++) st[13 + i] = nv.getUint32(4 * i, true)
  // st[12] is the block counter, starting at 0
  let blocksLeft = 2 ** 32

  const batch = new Uint32Array(16 * BATCH_BLOCKS)
  const batchBytes = new Uint8Array(batch.buffer)
  let pos = batchBytes.length

  const blocks = (out: Uint32Array, count: number): void => {
    if (count > blocksLeft) throw new PrgExhaustedError('seededRandom')
    blocksLeft -= count
    for (let b = 0; b < count; b++) {
      chachaBlock(st, out, 16 * b)
      st[12] = (st[12]! + 1) >>> 0
    }
  }

  return (out: Uint8Array): void => {
    let off = 0
    while (off < out.length) {
      if (pos === batchBytes.length) {
        const rest = out.length - off
        if (rest >= 64 && (out.byteOffset + off) % 4 === 0) {
          // Whole blocks straight into the caller's buffer.
          const n = Math.floor(rest / 64)
          blocks(new Uint32Array(out.buffer, out.byteOffset + off, 16 * n), n)
          off += 64 * n
          continue
        }
        blocks(batch, BATCH_BLOCKS)
        pos = 0
      }
      const take = Math.min(out.length - off, batchBytes.length - pos)
      out.set(batchBytes.subarray(pos, pos + take), off)
      off += take
      pos += take
    }
  }
}

/** One ChaCha20 block of state s into o[at .. at+16). */
function chachaBlock(s: Uint32Array, o: Uint32Array, at: number): void {
  const j0 = s[0]!, j1 = s[1]!, j2 = s[2]!, j3 = s[3]!, j4 = s[4]!, j5 = s[5]!, j6 = s[6]!, j7 = s[7]!
  const j8 = s[8]!, j9 = s[9]!, j10 = s[10]!, j11 = s[11]!, j12 = s[12]!, j13 = s[13]!, j14 = s[14]!, j15 = s[15]!
  let x0 = j0, x1 = j1, x2 = j2, x3 = j3, x4 = j4, x5 = j5, x6 = j6, x7 = j7
  let x8 = j8, x9 = j9, x10 = j10, x11 = j11, x12 = j12, x13 = j13, x14 = j14, x15 = j15
  for (let r = 0; r < 10; r++) {
    // column rounds
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16)
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20)
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24)
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25)
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16)
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20)
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24)
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25)
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16)
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20)
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24)
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25)
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16)
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20)
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24)
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25)
    // diagonal rounds
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16)
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20)
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24)
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25)
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16)
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20)
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24)
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25)
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16)
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20)
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24)
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25)
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16)
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20)
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24)
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25)
  }
  o[at] = x0 + j0; o[at + 1] = x1 + j1; o[at + 2] = x2 + j2; o[at + 3] = x3 + j3
  o[at + 4] = x4 + j4; o[at + 5] = x5 + j5; o[at + 6] = x6 + j6; o[at + 7] = x7 + j7
  o[at + 8] = x8 + j8; o[at + 9] = x9 + j9; o[at + 10] = x10 + j10; o[at + 11] = x11 + j11
  o[at + 12] = x12 + j12; o[at + 13] = x13 + j13; o[at + 14] = x14 + j14; o[at + 15] = x15 + j15
}
