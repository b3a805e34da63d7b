/**
 * Fuzz tests of every decoder that reads bytes from another party over TCP (issue #9): the frame
 * decoder, the record layer and the handshake parsers. Arbitrary bytes, cut into arbitrary chunks,
 * must never crash a decoder: it returns data or refuses with a typed EnigmaError. Valid streams cut
 * anywhere decode to what was sent. ≈ 70 000 generated inputs here (the node's frames: frames-fuzz).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { EnigmaError } from '../common/errors.ts'
import { FrameDecoder, encodeFrame } from './frame-codec.ts'
import { RecordOpener, RecordSealer } from './transport-tcp-secure.ts'
import { parseConfirm, parseHello, replyParser } from './transport-tcp-handshake.ts'

/** Splits `bytes` at the given cut points (each taken modulo the length). */
function chunks(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let prev = 0
  for (const c of [...at, bytes.length]) {
    if (c > prev) out.push(Buffer.from(bytes.subarray(prev, c)))
    prev = c
  }
  return out
}

function typedOrNothing(run: () => void): void {
  try {
    run()
  } catch (e) {
    if (!(e instanceof EnigmaError)) throw new Error(`untyped refusal: ${String(e)}`)
  }
}

const garbage = fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }))

test('frame decoder: arbitrary bytes in arbitrary chunks never crash it', () => {
  fc.assert(fc.property(garbage, fc.integer({ min: 0, max: 1 << 20 }), ([bytes, cuts], max) => {
    const d = new FrameDecoder(() => {}, max)
    typedOrNothing(() => { for (const c of chunks(bytes, cuts)) d.push(c) })
  }), { numRuns: 25_000 })
})

test('frame decoder: valid frames cut anywhere arrive intact and in order', () => {
  const frame = fc.record({ label: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x00-\x7f]/g, 'a')), payload: fc.uint8Array({ maxLength: 200 }) })
  fc.assert(fc.property(fc.array(frame, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
    const got: { label: string; payload: Uint8Array }[] = []
    const d = new FrameDecoder((label, payload) => got.push({ label, payload: Uint8Array.from(payload) }))
    const all = Buffer.concat(frames.map((f) => encodeFrame(f.label, f.payload)))
    for (const c of chunks(all, cuts)) d.push(c)
    assert.deepEqual(got, frames.map((f) => ({ label: f.label, payload: Uint8Array.from(f.payload) })))
  }), { numRuns: 10_000 })
})

test('record opener: arbitrary bytes are refused with a typed error, never passed on', () => {
  const key = Buffer.alloc(32, 3)
  fc.assert(fc.property(garbage, ([bytes, cuts]) => {
    const o = new RecordOpener(key)
    let out = 0
    typedOrNothing(() => { for (const c of chunks(bytes, cuts)) out += o.open(c).length })
    assert.equal(out, 0, 'random bytes never authenticate')
  }), { numRuns: 15_000 })
})

test('record opener: a sealed record with one flipped bit yields nothing; intact ones round-trip', () => {
  const key = Buffer.alloc(32, 4)
  fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 100 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.array(fc.nat(), { maxLength: 4 }), (parts, flip, cuts) => {
    const sealed = Buffer.concat(new RecordSealer(key).seal(parts))
    const o = new RecordOpener(key)
    assert.ok(Buffer.concat(chunks(sealed, cuts).flatMap((c) => o.open(c))).equals(Buffer.concat(parts)))
    const bad = Buffer.from(sealed)
    bad[flip % bad.length]! ^= 1 << (flip % 8)
    // A flipped length only makes the opener wait for more; anything else fails authentication.
    let out: Buffer[] = []
    typedOrNothing(() => { out = new RecordOpener(key).open(bad) })
    assert.equal(out.length, 0, 'a tampered record yields no plaintext')
  }), { numRuns: 5_000 })
})

test('handshake parsers: arbitrary bytes give a value, "need more", or a typed refusal', () => {
  const secureReply = replyParser(true)
  const plainReply = replyParser(false)
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.concat([Buffer.from('ENGM'), b]))), (bytes) => {
    const buf = Buffer.from(bytes)
    for (const parse of [parseHello, secureReply, plainReply, parseConfirm]) typedOrNothing(() => { parse(buf) })
  }), { numRuns: 15_000 })
})
