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
import type { FieldVector, RandomSource } from '../field/types.ts'
import { CheatingDetectedError, UnsupportedOperationError } from './errors.ts'
import { openRaw, openToRaw } from './open.ts'
import { coinSeed, coinStream } from './coin.ts'
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

/** A (value, MAC) pair of share vectors: m should be a sharing of key·v. */
export interface MacPair {
  readonly v: FieldVector
  readonly m: FieldVector
}

/**
 * This party's shares of u = Σ α_k·m_k and w = Σ α_k·v_k over the pairs, with the public random
 * coefficients α drawn from `stream` in order (Chida et al. 2018, §4, verification step).
 */
function macCombination(s: MpcSession, pairs: readonly MacPair[], stream: RandomSource): { u: bigint; w: bigint } {
  const f = s.field
  let u = 0n
  let w = 0n
  for (const { v, m } of pairs) {
    const alpha = f.random(f.len(v), stream)
    u = f.addS(u, f.dot(alpha, m))
    w = f.addS(w, f.dot(alpha, v))
  }
  return { u, w }
}

/**
 * Run the MAC check over everything logged so far; throws MPC_CHEATING_DETECTED on failure. Two rounds:
 * the key r is opened together with the check's coin (oneTimeCheckShare, 'verify-key'), then T
 * ('verify-check'). Opening both at once is sound for the reason given at oneTimeCheckShare: every
 * additive error is fixed before r and α are known, and after this check r authenticates nothing
 * (the session refuses further multiplications). It was 3 rounds (coin, key, check) before issue #14.
 */
export async function verify(s: MpcSession): Promise<void> {
  if (!s.malicious || s.macLog.length === 0) return
  const f = s.field
  const T = await oneTimeCheckShare(s, s.macKey!, s.macLog, 'verify')
  const check = await openRaw(s, f.fromBigInts([T]), s.t, 'verify-check')
  s.macLog.length = 0
  s.macKey = undefined
  s.verified = true
  if (f.get(check, 0) !== 0n) {
    throw new CheatingDetectedError('verify', 'MAC check failed: some party altered a value it sent (multiplication, input or opening)')
  }
}

/** Random sharings a one-time check consumes: its key is drawn by the caller, the coin here (2). */
export const ONE_TIME_CHECK_RANDOMS = 2

/**
 * The same MAC check, run early on a few pairs authenticated under a ONE-TIME key r' (not the session
 * key), so that it can run before those values are used while the session key stays secret.
 * Chida et al. 2018 (§4, the verification stage) open the key and check u = r·w; opening a
 * key that authenticates nothing else costs no security, and this way the check takes one round plus
 * the opening of its result, which the caller merges with the opening it protects (the check value T
 * reveals only errors and random values unrelated to any input, and the run aborts when T ≠ 0).
 * Soundness is Chida et al.'s argument (§4): the additive errors of the multiplications
 * are fixed before r' and the coefficients α are opened, and an error δ ≠ 0 on a product adds −α·r'·δ
 * to T, so T = 0 with probability at most 2/p.
 *
 * Opens r' and a fresh coin in one round ('<tag>-key') and returns this party's share of
 * T = Σ α_k·m_k − r'·Σ α_k·v_k (degree t), which must open to 0.
 */
export async function oneTimeCheckShare(s: MpcSession, key: FieldVector, pairs: readonly MacPair[], tag: string): Promise<bigint> {
  const f = s.field
  const opened = await openRaw(s, f.concat([key, await takeRandom(s, ONE_TIME_CHECK_RANDOMS)]), s.t, `${tag}-key`)
  const r = f.get(opened, 0)
  const { u, w } = macCombination(s, pairs, coinStream(coinSeed(f, f.view(opened, 1))))
  return f.subS(u, f.mulS(r, w))
}

/** Throws MPC_CHEATING_DETECTED (no culprit: a failed check does not say who) unless the opened T is 0. */
export function assertCheckPassed(T: bigint, step: string, what: string): void {
  if (T !== 0n) throw new CheatingDetectedError(step, `MAC check failed: ${what}`)
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
