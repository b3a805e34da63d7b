/**
 * Fuzz tests of the node's MPC frame decoder (src/node/frames.ts) and of committee validation (issue #9,
 * issue #15): arbitrary bytes from any libp2p peer, cut into arbitrary chunks, never crash the decoder
 * (frames or a typed EnigmaError); valid frames cut anywhere arrive intact; arbitrary registry entries
 * never make validation throw. ≈ 45 000 generated inputs (the engine's decoders: frame-fuzz).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { EnigmaError } from '../common/errors.ts'
import { FrameDecoder, encodeFrame, type Frame } from './frames.ts'
import { validateCommitteeMembers } from './committee-members.ts'

function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let prev = 0
  for (const c of [...at, bytes.length]) {
    if (c > prev) out.push(bytes.slice(prev, c))
    prev = c
  }
  return out
}

test('node frame decoder: arbitrary bytes in arbitrary chunks never crash it', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 0, max: 4096 }), (bytes, cuts, max) => {
    const d = new FrameDecoder(() => max)
    try {
      for (const c of chunks(bytes, cuts)) d.push(c)
    } catch (e) {
      if (!(e instanceof EnigmaError)) throw new Error(`untyped refusal: ${String(e)}`)
    }
  }), { numRuns: 30_000 })
})

test('node frame decoder: valid frames cut anywhere arrive intact', () => {
  const name = fc.string({ minLength: 1, maxLength: 30 })
  const frame = fc.record({ session: name, label: name, payload: fc.uint8Array({ maxLength: 100 }) })
  fc.assert(fc.property(fc.array(frame, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (frames, cuts) => {
    const ok = frames.filter((f) => Buffer.byteLength(f.session) <= 255 && Buffer.byteLength(f.label) <= 255)
    const all = Buffer.concat(ok.map((f) => encodeFrame(f.session, f.label, f.payload)))
    const d = new FrameDecoder()
    const got: Frame[] = []
    for (const c of chunks(all, cuts)) got.push(...d.push(c))
    assert.deepEqual(got.map((f) => ({ session: f.session, label: f.label, payload: Uint8Array.from(f.payload) })),
      ok.map((f) => ({ session: f.session, label: f.label, payload: Uint8Array.from(f.payload) })))
  }), { numRuns: 10_000 })
})

test('committee validation: arbitrary registry entries never throw', () => {
  const entry = fc.oneof(fc.anything(), fc.record({ peerId: fc.oneof(fc.string(), fc.constant('12D3KooWNJqcUq3YT8teCTTg8eUMww9UDNww8VVvd6Sr1pydf66y')), multiaddrs: fc.oneof(fc.anything(), fc.array(fc.string())) }))
  fc.assert(fc.property(fc.oneof(fc.anything(), fc.array(entry, { maxLength: 5 })), (members) => {
    const r = validateCommitteeMembers(members)
    assert.equal(typeof r.ok, 'boolean')
  }), { numRuns: 5_000 })
})
