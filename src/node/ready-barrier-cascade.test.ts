/**
 * Red team of the ready barrier's evidence (issue #12): a whole committee in process, each honest member
 * running the real `ReadyBarrier.wait` and answering as the task runner does (`readyAnswer`: READY or
 * PASSED at the barrier, `endedAnswer` once its task ended, NOT_YET before), recording its failure with
 * the runner's `failureReason`, and voting on what `culpritOf` reads in it. Corrupt members answer
 * whatever they like, to whomever they like, and always vote against the honest member they target.
 * The guarantee: no honest member's failure names an honest member, so t corrupt votes never reach the
 * controller's majority against an honest one; a corrupt member that stalls the barrier is still named.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ReadyBarrier, READY, PASSED, NOT_YET, ENDED, NO_ANSWER, LATE_FACTOR, endedAnswer, type ReadyAnswer } from './ready-barrier.ts'
import { failureReason } from './failure-reason.ts'
import { culpritOf, suspendVotes } from './evidence.ts'
import type { NodeHost } from './host.ts'
import type { Hex } from './task-source.ts'

const TASK = `0x${'cd'.repeat(32)}` as Hex
const DEADLINE_MS = 150

type Answer = ReadyAnswer | typeof NO_ANSWER
/** What a corrupt member answers member `to` (asked `ms` after the test started). */
type Corrupt = (to: number, ms: number) => Answer

interface Honest { atBarrier: boolean; passed: boolean; ended?: { reason: string } }

/** n members; `corrupt` scripts some of them; honest member i reaches the barrier `arrive[i]` ms in. */
async function runCommittee(n: number, corrupt: ReadonlyMap<number, Corrupt>, arrive: (i: number) => number) {
  const t0 = Date.now()
  const names = Array.from({ length: n }, (_, i) => `m${i}`)
  const honest = new Map<number, Honest>()
  for (let i = 0; i < n; i++) if (!corrupt.has(i)) honest.set(i, { atBarrier: false, passed: false })
  // The runner's `readyAnswer`, for an honest member (every asker here is a committee member).
  const answerOf = (i: number, to: number): Answer => {
    const c = corrupt.get(i)
    if (c) return c(to, Date.now() - t0)
    const h = honest.get(i)!
    if (h.ended) return endedAnswer('failed', h.ended.reason)
    return h.atBarrier ? (h.passed ? PASSED : READY) : NOT_YET
  }
  class InProcess extends ReadyBarrier {
    constructor(readonly self: number) { super(undefined as unknown as NodeHost, { answer: async () => NOT_YET, pollMs: 10 }) }
    override async ask(peer: string): Promise<Answer> { return answerOf(names.indexOf(peer), this.self) }
  }
  await Promise.all([...honest].map(async ([i, h]) => {
    await new Promise((r) => setTimeout(r, arrive(i)))
    h.atBarrier = true
    try {
      await new InProcess(i).wait(TASK, names, i, DEADLINE_MS, new AbortController().signal)
      h.passed = true
    } catch (e) {
      h.ended = { reason: failureReason(e, (p) => names[p] ?? '?') }
      h.atBarrier = false
    }
  }))
  // Votes of the honest members (first-hand only, evidence.ts).
  const votes = new Map<number, number[]>()
  for (const [i, h] of honest) {
    const culprit = h.ended ? culpritOf(h.ended.reason, i) : undefined
    if (culprit !== undefined && culprit !== i) votes.set(culprit, [...(votes.get(culprit) ?? []), i])
  }
  return { honest, votes, ms: Date.now() - t0 }
}

/** No honest member gets an honest vote: with t corrupt votes it stays below the majority. */
function assertNoHonestFramed(r: Awaited<ReturnType<typeof runCommittee>>, n: number, t: number): void {
  for (const i of r.honest.keys()) {
    const against = r.votes.get(i) ?? []
    assert.deepEqual(against, [], `honest member ${i} named by ${against.join(', ')}: ${[...r.honest].map(([j, h]) => `${j}: ${h.ended?.reason ?? 'passed'}`).join(' | ')}`)
    assert.ok(against.length + t < suspendVotes(n))
  }
}

test('red team: a corrupt member answers ENDED to the honest member that reaches the barrier last; the members waiting on it do not vote it out', async () => {
  // Before ENDED_ELSEWHERE: member 2 stopped on member 3's ENDED (naming 3), then answered ENDED to 0
  // and 1, which still waited on it and named it — 2 honest votes + 2 corrupt ones = 4 of 5: suspended.
  const n = 5
  const corrupt = new Map<number, Corrupt>([[3, (to) => (to === 2 ? ENDED : READY)], [4, () => READY]])
  const r = await runCommittee(n, corrupt, (i) => (i === 2 ? 40 : 0))
  assert.ok(r.honest.get(2)!.ended, 'member 2 stopped on the corrupt ENDED')
  assert.deepEqual(r.votes.get(3), [2], 'member 2 names the member that told it the task ended')
  assertNoHonestFramed(r, n, 2)
})

test('red team: corrupt members answering NOT_YET for ever delay the barrier by a bounded time and are named by every honest member', async () => {
  const n = 5
  const corrupt = new Map<number, Corrupt>([[3, () => NOT_YET], [4, () => NOT_YET]])
  const r = await runCommittee(n, corrupt, () => 0)
  assert.ok(r.ms < DEADLINE_MS * LATE_FACTOR + 500, `took ${r.ms} ms`)
  assert.deepEqual(r.votes.get(3), [0, 1, 2])
  assert.ok(r.votes.get(3)!.length >= suspendVotes(n))
  assertNoHonestFramed(r, n, 2)
})

test('red team: corrupt members silent toward one honest member and alive toward the others cannot get it named', async () => {
  // Member 1 hears nothing from 3 and 4 and names them at its deadline; 0 and 2 see them alive and wait.
  // Member 1's ENDED_ELSEWHERE then reads as a messenger's to anyone still waiting on it.
  for (const late of [0, 60, 200]) {
    const n = 5
    const corrupt = new Map<number, Corrupt>([[3, (to) => (to === 1 ? NO_ANSWER : NOT_YET)], [4, (to) => (to === 1 ? NO_ANSWER : READY)]])
    const r = await runCommittee(n, corrupt, (i) => (i === 1 ? late : 0))
    assert.equal(culpritOf(r.honest.get(1)!.ended?.reason, 1), 3)
    assertNoHonestFramed(r, n, 2)
  }
})

test('an honest member late by more than the deadline (within the grace) delays the barrier and is named by nobody; all pass', async () => {
  const n = 5
  const r = await runCommittee(n, new Map(), (i) => (i === 4 ? DEADLINE_MS * 2 : 0))
  for (const [i, h] of r.honest) assert.ok(h.passed, `member ${i}: ${h.ended?.reason}`)
})
