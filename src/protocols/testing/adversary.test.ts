/** The red-team harness itself: a passive adversary changes nothing, a rushing one sees honest frames first. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../../field/index.ts'
import { input, mul, output } from '../index.ts'
import { runAdversarial, type Strategy } from './adversary.test-util.ts'

const f = p61

const program = async (s: import('../session.ts').MpcSession) => {
  const x = await input(s, 0, s.self === 0 ? f.fromBigInts([3n, 5n]) : null, 2)
  return f.toBigInts(await output(s, await mul(s, x, x)))
}

test('a passive adversary sees what the corrupt parties receive and changes nothing', async () => {
  const seen: string[] = []
  const passive: Strategy = { name: 'passive', onReceive: (fr) => { seen.push(fr.step) } }
  for (const security of ['semi-honest', 'malicious'] as const) {
    const r = await runAdversarial({ field: f, n: 5, t: 2, security, corrupt: [1, 3], strategy: passive }, program)
    for (const o of r.outcomes) assert.deepEqual(o.ok && o.value, [9n, 25n])
    assert.equal(r.adversary.interventions, 0)
    assert.ok(r.adversary.outbox.length > 0)
  }
  assert.ok(seen.some((s) => s.startsWith('mul#')) && seen.some((s) => s.startsWith('output#')))
})

test('a rushing adversary can wait for the honest frames of a round before choosing its own', async () => {
  let waited = 0
  const rushing: Strategy = {
    name: 'rushing',
    async onSend(fr, adv) {
      if (!fr.step.startsWith('output#')) return undefined
      // Wait for every honest share this corrupt party gets in the same round, then send unchanged.
      await Promise.all(adv.honest.map((h) => adv.observe(fr.from, h, fr.step)))
      waited++
      return { payload: fr.payload, delayMs: 0 }
    },
  }
  const r = await runAdversarial({ field: f, n: 3, t: 1, security: 'malicious', corrupt: [2], strategy: rushing }, program)
  for (const o of r.outcomes) assert.deepEqual(o.ok && o.value, [9n, 25n])
  assert.equal(waited, 2)
})

test('dropping every frame of a corrupt party ends the honest parties with a clear error, not a hang', async () => {
  const silent: Strategy = { name: 'silent', onSend: () => null }
  const r = await runAdversarial({ field: f, n: 3, t: 1, security: 'semi-honest', corrupt: [1], strategy: silent, timeoutMs: 300 }, program)
  for (const p of [0, 2]) {
    const o = r.outcomes[p]!
    assert.equal(o.ok, false)
    assert.match(String((o as { error: unknown }).error), /MPC_TIMEOUT|disconnected|sent nothing/)
  }
})
