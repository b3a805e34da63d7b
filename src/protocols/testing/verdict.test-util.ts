/**
 * What the docs promise, as assertions on one adversarial run (docs/security.md):
 * - malicious mode: every honest party either holds the correct result or aborts with an EnigmaError;
 *   never a wrong result, and no error accuses an honest party (`meta.parties` of MPC_CHEATING_DETECTED
 *   and the like). MPC_TIMEOUT / MPC_PEER_DISCONNECTED name the peer a party waited for (`meta.party`):
 *   a liveness fact, not an accusation — it may be an honest party that aborted first on detecting
 *   cheating and closed its transport;
 * - both modes: the run ends (the harness bounds it) and every failure is an EnigmaError with a code.
 */
import assert from 'node:assert/strict'
import { isEnigmaError } from '../../common/errors.ts'
import type { AdversarialRunResult } from './adversary.test-util.ts'

export interface Verdict {
  readonly correct: number
  readonly aborted: number
  readonly codes: readonly string[]
}

/** Parties an error accuses (`meta.parties`). */
export function culprits(error: unknown): number[] {
  if (!isEnigmaError(error)) return []
  const meta = error.meta as Record<string, unknown>
  return Array.isArray(meta.parties) ? (meta.parties as number[]) : []
}

/**
 * Asserts correct-or-abort and no honest party named; returns counts. `same(value)` says whether an
 * honest party's value is the correct result.
 */
export function assertCorrectOrAbort<T>(run: AdversarialRunResult<T>, same: (value: T, party: number) => boolean, context: string): Verdict {
  let correct = 0
  let aborted = 0
  const codes: string[] = []
  for (const h of run.adversary.honest) {
    const o = run.outcomes[h]!
    if (o.ok) {
      assert.ok(same(o.value, h), `${context}: honest party ${h} returned a WRONG result`)
      correct++
      continue
    }
    assert.ok(isEnigmaError(o.error), `${context}: honest party ${h} failed with a non-Enigma error: ${String(o.error)}`)
    codes.push(o.error.code)
    const honestNamed = culprits(o.error).filter((p) => !run.adversary.isCorrupt(p))
    assert.deepEqual(honestNamed, [], `${context}: honest party ${h} names honest part${honestNamed.length === 1 ? 'y' : 'ies'} ${honestNamed.join(', ')}: ${o.error.message}`)
    aborted++
  }
  return { correct, aborted, codes }
}

/** Asserts that every honest party ended with an EnigmaError (a crash or silence must not pass unnoticed). */
export function assertAllAbort<T>(run: AdversarialRunResult<T>, context: string): void {
  for (const h of run.adversary.honest) {
    const o = run.outcomes[h]!
    assert.equal(o.ok, false, `${context}: honest party ${h} finished although a party was silent`)
    assert.ok(isEnigmaError((o as { error: unknown }).error), `${context}: honest party ${h}: ${String((o as { error: unknown }).error)}`)
  }
}

/** Element-wise equality of bigint arrays (null equals null). */
export function sameBigInts(a: readonly bigint[] | null, b: readonly bigint[] | null): boolean {
  if (a === null || b === null) return a === b
  return a.length === b.length && a.every((x, i) => x === b[i])
}
