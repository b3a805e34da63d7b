/**
 * One communication round: send field vectors to some parties and receive field vectors from others
 * under one label. Received bytes are decoded with validation (every element < p), so a malicious
 * party cannot smuggle non-canonical values into the kernels.
 */
import { CheatingDetectedError } from './errors.ts'
import type { FieldVector } from '../field/types.ts'
import type { MpcSession } from './session.ts'
import { complaintsOf } from './complaints.ts'

function bytesOf(v: FieldVector): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
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
  for (const [to, v] of plan.send) s.transport.send(to, label, bytesOf(v))
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
