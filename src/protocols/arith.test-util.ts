/**
 * Helpers of the arithmetic protocol tests (arith.test.ts, division.test.ts): deal plaintext values
 * with a trusted test dealer, run a program for every party, reveal all results in one output and
 * decode them as signed integers. Tests only.
 */
import assert from 'node:assert/strict'
import type { Field } from '../field/types.ts'
import { runParties, dealtShares, sharedFromDealt } from './harness.test-util.ts'
import { concat, length } from './linear.ts'
import { output } from './mac.ts'
import type { MpcSession, SecurityMode, Shared } from './session.ts'

export const committees = [[3, 1], [5, 2], [7, 3]] as const
export const modes: readonly SecurityMode[] = ['semi-honest', 'malicious']

export interface Setup {
  readonly field: Field
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
}

/** Runs `program` on dealt shares of `inputs`; returns the revealed results (signed) as seen by party 0, checking all parties agree. */
export async function evaluate(
  setup: Setup,
  inputs: readonly (readonly bigint[])[],
  program: (s: MpcSession, xs: Shared[]) => Promise<Shared[]>,
): Promise<bigint[][]> {
  const f = setup.field
  const dealt = inputs.map((xs) => dealtShares(f, f.fromBigInts(xs.map((x) => f.reduce(x))), setup.n, setup.t))
  const results = await runParties(setup, async (s) => {
    const xs: Shared[] = []
    for (const d of dealt) xs.push(await sharedFromDealt(s, d))
    const outs = await program(s, xs)
    const lens = outs.map((o) => length(s, o))
    const all = f.toBigInts(await output(s, concat(s, outs)))
    const half = f.p / 2n
    const signed = all.map((x) => (x > half ? x - f.p : x))
    let off = 0
    return lens.map((len) => signed.slice(off, (off += len)))
  })
  for (const r of results.slice(1)) assert.deepEqual(r, results[0])
  return results[0]!
}

/** Random integers in [lo, hi] with the given edge values first. */
export function randomRange(count: number, lo: bigint, hi: bigint, edges: readonly bigint[] = []): bigint[] {
  const span = hi - lo + 1n
  const out = edges.filter((e) => e >= lo && e <= hi).slice(0, count)
  while (out.length < count) {
    let x = 0n
    for (let b = 0; b < span.toString(2).length + 16; b += 16) x = (x << 16n) | BigInt(Math.floor(Math.random() * 65536))
    out.push(lo + (x % span))
  }
  return out
}

/** x mod 2^m in [0, 2^m). */
export const modPow2 = (x: bigint, m: number): bigint => ((x % (1n << BigInt(m))) + (1n << BigInt(m))) % (1n << BigInt(m))
