/**
 * One communication round: send field vectors to some parties and receive field vectors from others
 * under one label. Received bytes are decoded with validation (every element < p), so a malicious
 * party cannot smuggle non-canonical values into the kernels.
 */
import { CheatingDetectedError } from './errors.ts'
import type { FieldVector } from '../field/types.ts'
import { bytesOf } from '../field/kernel.ts'
import type { MpcSession } from './session.ts'
import { complaintsOf } from './complaints.ts'


/** Vectors up to this many bytes are sent from the session's staging buffer (`bytesToSend`). */
const STAGE_BYTES = 4096

/**
 * The bytes of `v` to hand to `send`. A short vector is copied into the session's staging buffer
 * first: V8 keeps typed arrays of up to 64 bytes (a one-element vector) on its heap, and a byte view
 * of one makes V8 move it into a fresh ArrayBuffer (measured ≈ 0.9 µs against 0.2 µs for the copy,
 * plus the garbage). Reusing the buffer is safe because `send` copies what it keeps before it
 * returns (the Transport contract, src/protocols/transport.ts; transport-contract-suite.ts checks it
 * for every transport), and the staging and sends of one exchange run without a pause.
 */
function bytesToSend(s: MpcSession, v: FieldVector): Uint8Array {
  if (v.byteLength > STAGE_BYTES) return bytesOf(v)
  const stage = (s.sendStage ??= new BigUint64Array(new ArrayBuffer(STAGE_BYTES)))
  stage.set(v)
  return new Uint8Array(stage.buffer, 0, v.byteLength)
}

export interface RoundPlan {
  /** Vectors to send, by recipient. */
  readonly send: ReadonlyMap<number, FieldVector>
  /** Expected number of elements from each sender. */
  readonly receive: ReadonlyMap<number, number>
}

/** Runs one round under a fresh label; returns the decoded vectors by sender. */
export async function exchange(s: MpcSession, tag: string, plan: RoundPlan): Promise<Map<number, FieldVector>> {
  const label = s.nextLabel(tag)
  s.stats.rounds++
  let staged: FieldVector | undefined
  let bytes: Uint8Array | undefined
  for (const [to, v] of plan.send) {
    if (v !== staged) { staged = v; bytes = bytesToSend(s, v) }
    s.transport.send(to, label, bytes!)
  }
  // One `then` per receive rather than an async closure each: a one-element round's hot path (issue #14).
  const receives: Promise<readonly [number, FieldVector]>[] = []
  for (const [from, len] of plan.receive) {
    let received: Promise<Uint8Array>
    try {
      received = s.transport.receive(from, label, s.receiveOptions)
    } catch (e) {
      received = Promise.reject(e) // a transport that throws is treated as one that rejects
    }
    receives.push(received.then((bytes) => [from, decodeFrom(s, label, from, len, bytes)] as const))
  }
  const receiving = Promise.all(receives)
  if (s.malicious) return new Map(await receiving)
  // Semi-honest: a missed frame is complained about, so every honest party witnesses a silent one (complaints.ts).
  const complaints = complaintsOf(s)
  complaints.waiting()
  try {
    return new Map(await receiving)
  } catch (e) {
    return await complaints.failed(e)
  } finally {
    complaints.ended()
  }
}

/** `len` elements from `from`'s frame, or CheatingDetectedError naming it (wrong length, non-canonical). */
function decodeFrom(s: MpcSession, label: string, from: number, len: number, bytes: Uint8Array): FieldVector {
  if (bytes.length !== len * s.field.bytes) {
    throw new CheatingDetectedError(label, `party ${from} sent ${bytes.length} bytes, expected ${len * s.field.bytes}`, [from])
  }
  try {
    return s.field.decode(bytes)
  } catch {
    throw new CheatingDetectedError(label, `party ${from} sent a non-canonical field element`, [from])
  }
}

/** Send the same vector to every other party and receive one of `len` elements from each. */
export function broadcastPlan(s: MpcSession, v: FieldVector, len: number): RoundPlan {
  const others = s.others()
  return { send: new Map(others.map((p) => [p, v])), receive: new Map(others.map((p) => [p, len])) }
}
