/**
 * Malicious security by MACs (Chida, Genkin, Hamada, Ikarashi, Kikuchi, Lindell, Nof, "Fast
 * Large-Scale Honest-Majority MPC for Malicious Adversaries", CRYPTO 2018, §3-4): every shared value x
 * travels with a sharing of r·x for a secret random key r. Multiplications, which are only secure up
 * to an additive attack, compute both x·y and (r·x)·y. Before anything is revealed, the parties draw
 * public random coefficients α_k (a coin tossed after all checked values exist), compute
 * [u] = Σ α_k·[r·z_k] and [w] = Σ α_k·[z_k], open r, and check that u − r·w opens to 0. Any additive
 * error passes with probability about 2/p. After the check r is public: the session allows no more
 * multiplications (programs reveal their outputs at the end).
 */
import type { FieldVector } from '../field/types.ts'
import { CheatingDetectedError, UnsupportedOperationError } from './errors.ts'
import { openRaw, openToRaw } from './open.ts'
import { coinStream, publicCoin } from './coin.ts'
import { takeRandom } from './pools.ts'
import type { MpcSession, Shared } from './session.ts'

/** Make sure the session has a MAC key (malicious mode). */
export async function ensureMacKey(s: MpcSession): Promise<void> {
  if (!s.malicious || s.macKey) return
  if (s.verified) throw new UnsupportedOperationError('ensureMacKey', 'the MAC key was opened by an output; compute every value before revealing outputs')
  s.macKey = s.field.slice(await takeRandom(s, 1), 0)
}

/** Log a (value, MAC) pair for the final check. */
export function recordForCheck(s: MpcSession, x: Shared): void {
  if (!s.malicious) return
  if (s.verified) throw new UnsupportedOperationError('mul', 'outputs were already revealed in this session; compute every value before revealing outputs')
  s.macLog.push({ v: x.v, m: x.m! })
}

/** Run the MAC check over everything logged so far; throws MPC_CHEATING_DETECTED on failure. */
export async function verify(s: MpcSession): Promise<void> {
  if (!s.malicious || s.macLog.length === 0) return
  const f = s.field
  const stream = coinStream(await publicCoin(s, 'verify-coin'))
  let u = 0n
  let w = 0n
  for (const { v, m } of s.macLog) {
    const alpha = f.random(f.len(v), stream)
    u = f.addS(u, f.dot(alpha, m))
    w = f.addS(w, f.dot(alpha, v))
  }
  const r = f.get(await openRaw(s, s.macKey!, s.t, 'verify-key'), 0)
  const check = await openRaw(s, f.fromBigInts([f.subS(u, f.mulS(r, w))]), s.t, 'verify-check')
  s.macLog.length = 0
  s.macKey = undefined
  s.verified = true
  if (f.get(check, 0) !== 0n) {
    throw new CheatingDetectedError('verify', 'MAC check failed: some party altered a value it sent (multiplication, input or opening)')
  }
}

/** Reveal outputs to all parties: verification first in malicious mode, then a checked opening. */
export async function output(s: MpcSession, a: Shared): Promise<FieldVector> {
  await verify(s)
  return openRaw(s, a.v, s.t, 'output')
}

/** Reveal outputs to one party only (null elsewhere), after verification. */
export async function outputTo(s: MpcSession, party: number, a: Shared): Promise<FieldVector | null> {
  await verify(s)
  return openToRaw(s, party, a.v, 'outputTo')
}
