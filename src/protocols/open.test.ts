/**
 * An opening without the MAC check must not spread (issue #9, defect 7): values are opened before
 * verification only through `openMasked(s, mask(s, x, r))`, whose type says the value is masked. The
 * old unguarded `open(s, x)` is gone; this test fails if anything brings it back.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { p61 } from '../field/index.ts'
import { runParties, runPartiesSettled } from './harness.test-util.ts'
import { authenticate, input, mask, openMasked, takeRandom } from './index.ts'
import { isEnigmaError } from '../common/errors.ts'

test('no protocol calls an unguarded open()', () => {
  const dir = fileURLToPath(new URL('.', import.meta.url))
  const callers = readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !/\.test(-util)?\.ts$/.test(name) && name !== 'open.ts')
    .filter((name) => /[^\w.]open\(s\s*,/.test(readFileSync(join(dir, name), 'utf8')))
  assert.deepEqual(callers, [], 'use openMasked(s, mask(s, x, r))')
  const openModule = readFileSync(join(dir, 'open.ts'), 'utf8')
  assert.doesNotMatch(openModule, /export async function open\(/, 'no unguarded open() export')
})

test('openMasked opens x + r; in malicious mode an altered share aborts naming no one', async () => {
  const f = p61
  const program = async (s: import('./session.ts').MpcSession) => {
    const x = await input(s, 0, s.self === 0 ? f.fromBigInts([5n, 6n]) : null, 2)
    const r = await authenticate(s, f.slice(await takeRandom(s, 2), 0))
    return f.toBigInts(await openMasked(s, mask(s, x, r)))
  }
  const ok = await runParties({ field: f, n: 3, t: 1, security: 'malicious' }, program)
  assert.deepEqual(ok[0], ok[1])
  const bad = await runPartiesSettled({
    field: f, n: 3, t: 1, security: 'malicious',
    tamper: (from, _to, label, payload) => {
      if (from !== 2 || !label.startsWith('open#')) return undefined
      const v = f.decode(payload)
      f.set(v, 0, f.addS(f.get(v, 0), 1n))
      return f.encode(v)
    },
  }, program)
  for (const p of [0, 1]) {
    const r = bad[p]!
    assert.equal(r.status, 'rejected')
    const e = (r as PromiseRejectedResult).reason
    assert.ok(isEnigmaError(e, 'MPC_CHEATING_DETECTED'), String(e))
    assert.deepEqual(e.meta.parties, [])
  }
})
