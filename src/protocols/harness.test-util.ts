/**
 * Test harness: run the same program for n parties in one process over the engine's in-memory
 * transport, and compare against plaintext. Tests only (exempt from the layer rule).
 */
import { createMemoryNetwork, type TamperHook } from '../engine/transport-memory.ts'
import type { Field, FieldVector } from '../field/types.ts'
import { split } from '../sharing/shamir.ts'
import { createSession, type MpcSession, type SecurityMode, type Shared } from './session.ts'
import { ensureMacKey } from './mac.ts'
import { authenticate } from './mul.ts'

export interface RunOptions {
  readonly field: Field
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly tamper?: TamperHook
  readonly timeoutMs?: number
  /** Parties whose every frame is dropped (crashed or withholding). */
  readonly silent?: readonly number[]
}

/** Runs `program` for every party; resolves with each party's result or rejects with the first error. */
export async function runParties<T>(opts: RunOptions, program: (s: MpcSession) => Promise<T>): Promise<T[]> {
  const transports = createMemoryNetwork(opts.n, { tamper: opts.tamper, timeoutMs: opts.timeoutMs ?? 10_000 })
  const sessions = transports.map((transport) =>
    createSession({ field: opts.field, n: opts.n, t: opts.t, transport, security: opts.security, timeoutMs: opts.timeoutMs ?? 10_000 }))
  try {
    return await Promise.all(sessions.map((s) => program(s)))
  } finally {
    await Promise.all(transports.map((t) => t.close()))
  }
}

/** Like runParties, but collects each party's outcome (value or error) instead of failing fast. */
export async function runPartiesSettled<T>(opts: RunOptions, program: (s: MpcSession) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const transports = createMemoryNetwork(opts.n, { tamper: opts.tamper, timeoutMs: opts.timeoutMs ?? 3_000, silent: opts.silent ?? [] })
  const sessions = transports.map((transport) =>
    createSession({ field: opts.field, n: opts.n, t: opts.t, transport, security: opts.security, timeoutMs: opts.timeoutMs ?? 3_000 }))
  const results = await Promise.allSettled(sessions.map(async (s) => {
    try {
      return await program(s)
    } catch (e) {
      // A party that detects cheating stops; closing tells the others so they do not wait for timeouts.
      await s.transport.close()
      throw e
    }
  }))
  await Promise.all(transports.map((t) => t.close()))
  return results
}

/**
 * Shares of plaintext values dealt by a trusted test dealer (bypasses the input protocol, so a test
 * can isolate one protocol step). In malicious mode the MACs are computed with the session key.
 */
export function dealtShares(f: Field, values: FieldVector, n: number, t: number): FieldVector[] {
  return split(f, values, n, t)
}

export async function sharedFromDealt(s: MpcSession, shares: FieldVector[]): Promise<Shared> {
  await ensureMacKey(s)
  return authenticate(s, shares[s.self]!)
}

/** Random k-bit integers (signed: in [−2^(k−1), 2^(k−1))) as bigints, with edge values first. */
export function randomInts(count: number, bits: number, signed: boolean, rand: () => number = Math.random): bigint[] {
  const lo = signed ? -(1n << BigInt(bits - 1)) : 0n
  const hi = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n
  const edges = [0n, 1n, hi, lo, hi - 1n, lo + 1n, signed ? -1n : 2n]
  const out: bigint[] = []
  for (let i = 0; i < count; i++) {
    if (i < edges.length) { out.push(edges[i]!); continue }
    let x = 0n
    for (let b = 0; b < bits; b += 16) x = (x << 16n) | BigInt(Math.floor(rand() * 65536))
    x &= (1n << BigInt(bits)) - 1n
    out.push(signed ? x + lo : x)
  }
  return out
}
