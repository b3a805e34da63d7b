// Who else is gone after a failure (issue #12 item 4, rerun-liveness.ts): a member counts as unreachable
// only if every probe over the span failed; one that answers late (a loaded machine) is not voted out.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { membersToProbe, unreachablePeers, type LivenessProbe } from './rerun-liveness.ts'

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

test('whom a failed member probes: everyone but itself and the named culprit; a messenger everyone but itself; a local failure nobody', () => {
  const committee = ['p0', 'p1', 'p2', 'p3', 'p4'].map((peerId) => ({ peerId }))
  const ids = (r: ReturnType<typeof membersToProbe<{ peerId: string }>>) => r && { named: r.named?.peerId, probe: r.probe.map((m) => m.peerId) }
  // First-hand: party 0 sent nothing. The culprit is voted against already; the probe looks for more.
  assert.deepEqual(ids(membersToProbe(committee, 'p4', "timeout: party 0 sent nothing for 'pair-seeds#0' within 5000 ms (party 0, peer p0)", 0)),
    { named: 'p0', probe: ['p1', 'p2', 'p3'] })
  // A messenger (evidence.ts culpritOf names nobody: party 2's overdue notice blames party 0): it must still
  // witness party 0 itself, or a member SIGKILLed mid-computation gets only the first-hand votes (2 of 3).
  const messenger = "peer disconnected: party 2 disconnected before sending 'input-coin#1': no frame within 5000 ms, then closed the session (timeout: party 0 sent nothing for 'pair-seeds#0' within 5000 ms (party 0, peer p0)) (party 2, peer p2)"
  assert.deepEqual(ids(membersToProbe(committee, 'p1', messenger, undefined)), { named: undefined, probe: ['p0', 'p2', 'p3', 'p4'] })
  // Failures that involve no other member: nothing to witness.
  assert.equal(membersToProbe(committee, 'p1', 'MPC_CHEATING_DETECTED: MAC check failed', undefined), undefined)
  assert.equal(membersToProbe(committee, 'p1', 'bad task: no circuit', undefined), undefined)
  assert.equal(membersToProbe(committee, 'p1', undefined, undefined), undefined)
  // A culprit index outside the committee (a malformed reason) names nobody and probes nobody.
  assert.equal(membersToProbe(committee, 'p1', 'timeout: party 9 sent nothing (party 9, peer p9)', 9), undefined)
})
