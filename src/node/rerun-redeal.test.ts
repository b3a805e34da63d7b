/**
 * Restart without harm, a re-run's input hand-off (issue #12 item 4): a survivor of the previous
 * committee killed while dealing its input shares to the re-run's committee, restarted from its data
 * directory, deals again under the same hand-off session (`rr:<taskId>:<k>`, src/node/rerun.ts). The
 * new members that took part of the first dealing and those that take the second must hold sub-shares
 * of ONE polynomial (why, on the protocol: state-redeal.test.ts, "a dealer whose two lives reached
 * different members"), so the second life's dealing must be byte-identical to the first's: the
 * dealing randomness is a PRF of the node's key and the session (dealing-random.ts), as for a state
 * holder. With fresh randomness per dealing this test fails.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract } from '../lang/index.ts'
import { getField, type FieldVector } from '../field/index.ts'
import millionaires from '../../examples/millionaires.ts'
import { loadOrCreateIdentity } from './identity.ts'
import { handOffInputs } from './rerun.ts'
import { slotLayout } from './slots.ts'
import { recordingNet } from './testing/recording-net.ts'
import type { CommitteeMember, Hex, TaskSpec } from './task-source.ts'

const mill = compileContract(millionaires, {})
const field = getField(mill.circuit.field)
const account = (k: number) => `0x${k.toString(16).padStart(40, '0')}` as Hex
const member = (peerId: string, index: number, k: number): CommitteeMember =>
  ({ index, peerId, account: account(k), encryptionKey: `0x${'00'.repeat(32)}`, multiaddrs: [] })

/** Attempt 1 of a task whose attempt 0 ran on `survivor` and 'old-1' … 'old-4' (culprit 'old-3'); the new committee drops the survivor and the culprit. */
function attemptOne(taskId: Hex, survivor: string): TaskSpec {
  const previous = [survivor, 'old-1', 'old-2', 'old-3', 'old-4'].map((p, i) => member(p, i, i + 1))
  const committee = ['old-1', 'old-2', 'old-4', 'new-5', 'new-6'].map((p, i) => member(p, i, 10 + i))
  return {
    taskId, codeHash: mill.codeHash, params: {}, paramsHash: `0x${'00'.repeat(32)}`, n: 5, t: 2, security: 'malicious',
    committee, inputSlots: [{ name: 'alice', owner: account(99) }, { name: 'bob', owner: account(98) }],
    deadline: Math.floor(Date.now() / 1000) + 600, attempt: 1, rerun: { previousCommittee: previous, culprit: account(4) },
  }
}

/** One life of the survivor's process: its side of the hand-off, until it has dealt to the five new members. */
async function life(dir: string, spec: TaskSpec, oldShares: readonly FieldVector[]): Promise<Map<number, string>> {
  const { identity } = await loadOrCreateIdentity(dir)
  const sent = new Map<number, string>()
  const stop = new AbortController()
  const run = handOffInputs({
    net: recordingNet(identity.peerId, sent), self: identity.peerId, spec,
    circuit: mill.circuit, field, oldShares, timeoutMs: 5_000, signal: stop.signal, dealingKey: identity.encryptionSecretKey,
  }).catch(() => null)
  try {
    const end = Date.now() + 30_000
    while (sent.size < 5 && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
    assert.equal(sent.size, 5, 'the survivor dealt to the five new members')
    return sent
  } finally {
    stop.abort() // then "killed": what it dealt is gone with the process
    await run
  }
}

test('a survivor restarted in the middle of a re-run hand-off deals the same dealing again into the same session, and a fresh one into another attempt', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-rerun-redeal-'))
  try {
    const taskId = `0x${'7e'.repeat(32)}` as Hex
    const spec = attemptOne(taskId, (await loadOrCreateIdentity(dir)).identity.peerId)
    const oldShares = spec.inputSlots.map((s, k) => field.fromBigInts(Array.from({ length: slotLayout(mill.circuit, s.name).length + 1 }, (_, i) => BigInt(1000 * k + i + 1))))
    const first = await life(dir, spec, oldShares)
    const again = await life(dir, spec, oldShares)
    assert.deepEqual([...again.entries()].sort(), [...first.entries()].sort())
    // Another attempt is another session: its dealing must be fresh (the same randomness never masks two hand-offs).
    const other = await life(dir, { ...spec, attempt: 2 }, oldShares)
    for (const [to, bytes] of other) assert.notEqual(bytes, first.get(to), `a dealing to member ${to} of another attempt must be fresh`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
