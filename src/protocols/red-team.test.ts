/**
 * The red-team matrix (issue #9; docs/security.md): every named strategy × n ∈ {3, 5, 7} with
 * t = ⌊(n−1)/2⌋ × both security modes × every protocol, the t last parties corrupt and coordinated.
 * - malicious: honest parties get the correct result or abort, never a wrong one, never accuse an
 *   honest party; attacks that change a value every protocol uses are detected; a silent party ends
 *   the run with an error;
 * - semi-honest: active attacks are out of its scope (documented); the run still ends, every failure
 *   is an EnigmaError, and a silent party ends it with an error.
 * `npm test` runs every strategy × mode × committee with each protocol on one committee of the three
 * (rotating, so every protocol meets every strategy in both modes and every committee meets every
 * strategy); `npm run test:adversary` (ENIGMA_REDTEAM=full) runs every cell with five seeds.
 * Deadlines are short where honest parties wait for withheld frames or where an abort is acceptable
 * anyway (semi-honest): a spurious timeout under load is then still a permitted outcome.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { isEnigmaError } from '../common/errors.ts'
import { COMMITTEES, MODES, PROTOCOLS, STRATEGIES, inputs, runCell } from './testing/matrix.test-util.ts'
import { assertAllAbort, assertCorrectOrAbort } from './testing/verdict.test-util.ts'

const FULL = process.env.ENIGMA_REDTEAM === 'full'
const SEEDS = FULL ? [1, 2, 3, 4, 5] : [1]

/** Outcomes of honest parties per strategy and mode (printed with ENIGMA_REDTEAM_SUMMARY=1, for docs/security.md). */
const summary = new Map<string, Map<string, number>>()
function record(row: string, outcome: string): void {
  const m = summary.get(row) ?? new Map<string, number>()
  m.set(outcome, (m.get(outcome) ?? 0) + 1)
  summary.set(row, m)
}
after(() => {
  if (!process.env.ENIGMA_REDTEAM_SUMMARY) return
  for (const [row, m] of summary) console.log(`${row}: ${[...m].map(([k, v]) => `${k} ×${v}`).join(', ')}`)
})

/** Cells that fail on this branch only because of a defect another branch fixes. */
const TODO: Readonly<Record<string, string>> = {}

STRATEGIES.forEach((strategy, si) => {
  for (const security of MODES) {
    COMMITTEES.forEach(([n, t], ci) => {
      const name = `${strategy.name} · ${security} · n=${n} t=${t}`
      test(name, { todo: TODO[name] }, async () => {
        for (const [pi, protocol] of PROTOCOLS.entries()) {
          if (!FULL && (pi + ci + si) % COMMITTEES.length !== 0) continue
          for (const seed of SEEDS) {
            const [xs, ys] = inputs(seed)
            const context = `${name} · ${protocol.name} · seed ${seed}`
            const timeoutMs = strategy.withholds || security === 'semi-honest' ? 400 : 2500
            const run = await runCell({ protocol, strategy, n, t, security, seed, timeoutMs })
            for (const h of run.adversary.honest) {
              const o = run.outcomes[h]!
              record(`${strategy.name} · ${security}`, o.ok ? (protocol.check(o.value, xs, ys, h) ? 'correct' : 'WRONG') : isEnigmaError(o.error) ? o.error.code : 'non-Enigma error')
            }
            // Never a hang: the harness returns; bound it well below the per-receive deadlines' sum.
            assert.ok(run.elapsedMs < 60_000, `${context}: took ${run.elapsedMs} ms`)
            if (strategy.mustAbort) {
              assertAllAbort(run, context)
              continue
            }
            if (security === 'semi-honest') {
              for (const h of run.adversary.honest) {
                const o = run.outcomes[h]!
                if (!o.ok) assert.ok(isEnigmaError(o.error), `${context}: honest party ${h}: ${String(o.error)}`)
              }
              continue
            }
            const v = assertCorrectOrAbort(run, (got, party) => protocol.check(got, xs, ys, party), context)
            if (strategy.mustDetect && run.adversary.interventions > 0) assert.ok(v.aborted > 0, `${context}: the attack went unnoticed (${v.correct} correct)`)
          }
        }
      })
    })
  }
})
