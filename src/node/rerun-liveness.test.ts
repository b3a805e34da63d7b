// Who else is gone after a failure (issue #12 item 4, rerun-liveness.ts): a member counts as unreachable
// only if every probe over the span failed; one that answers late (a loaded machine) is not voted out.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { unreachablePeers, type LivenessProbe } from './rerun-liveness.ts'

test('a dead peer fails every probe, a slow one answers one of them, a live one the first: only the dead one is unreachable', async () => {
  const asked = new Map<string, number>()
  const probe: LivenessProbe = async (peer, signal) => {
    const k = (asked.get(peer) ?? 0) + 1
    asked.set(peer, k)
    if (peer === 'dead') throw new Error('connection refused')
    // 'slow' misses its first two probes' deadlines, then answers.
    if (peer === 'slow' && k < 3) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    return 1
  }
  const started = Date.now()
  const gone = await unreachablePeers(probe, ['live', 'dead', 'slow'], { tries: 4, probeTimeoutMs: 50, intervalMs: 40 })
  assert.deepEqual(gone, ['dead'])
  assert.deepEqual(Object.fromEntries(asked), { live: 1, dead: 4, slow: 3 })
  // The dead peer's refusals are spread over the span, not taken at once.
  assert.ok(Date.now() - started >= 3 * 40, 'probes not spread')
})

test('stopping ends the probes and names nobody', async () => {
  const ac = new AbortController()
  const p = unreachablePeers(async () => { throw new Error('refused') }, ['a', 'b'], { tries: 10, intervalMs: 1_000, signal: ac.signal })
  setTimeout(() => ac.abort(), 20)
  assert.deepEqual(await p, [])
})
