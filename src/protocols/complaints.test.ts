/**
 * Complaints about a silent party, semi-honest mode (complaints.ts, issue #12). A semi-honest opening
 * hears its t ring neighbours only, so without complaints a silent member is witnessed first-hand by t
 * parties and the others fail on *them* (a messenger's close). With complaints every honest party ends
 * naming the silent one with a deadline of its own (MPC_TIMEOUT), as in malicious mode. Red team: a
 * colluder's false complaint against an honest member (told to everyone but the accused) makes no
 * honest party name it. The fast path sends no complaint frame at all.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { p61 } from '../field/index.ts'
import type { FieldVector } from '../field/types.ts'
import { split } from '../sharing/shamir.ts'
import { createMemoryNetwork } from '../engine/transport-memory.ts'
import { createSession, type MpcSession } from './session.ts'
import { openRaw } from './open.ts'
import { mulRaw } from './mul.ts'
import { complaintLabel, complaintPayload } from './complaints.ts'
import type { Transport } from './transport.ts'

const f = p61
const N = 5
const T = 2
const TIMEOUT = 800

/** Openings and a multiplication on dealt shares: what every party runs. */
async function program(s: MpcSession, shares: readonly FieldVector[]): Promise<bigint[]> {
  const x = shares[s.self]!
  const a = await openRaw(s, x, T)
  const b = await openRaw(s, f.addScalar(x, 1n), T)
  const p = await mulRaw(s, x, x)
  const c = await openRaw(s, p, T)
  return [...f.toBigInts(a), ...f.toBigInts(b), ...f.toBigInts(c)]
}

interface Run {
  /** Parties that send nothing and never end (the node's injected `silent`: its receives hang). */
  readonly silent?: readonly number[]
  /** Frames a party sends through its transport before it runs (or, silent, instead of running). */
  readonly before?: (party: number, t: Transport) => void
  readonly wrap?: (party: number, t: Transport) => Transport
  readonly frames?: { label: string }[]
}

async function run(r: Run): Promise<PromiseSettledResult<bigint[]>[]> {
  const shares = split(f, f.fromBigInts([3n, 4n]), N, T)
  const transports = createMemoryNetwork(N, {
    timeoutMs: TIMEOUT,
    tamper: (_from, _to, label) => { r.frames?.push({ label }); return undefined },
  })
  const out = await Promise.allSettled(transports.map(async (inner) => {
    r.before?.(inner.self, inner)
    if (r.silent?.includes(inner.self)) throw new Error('silent')
    const transport = r.wrap ? r.wrap(inner.self, inner) : inner
    const s = createSession({ field: f, n: N, t: T, transport, security: 'semi-honest', timeoutMs: TIMEOUT })
    try {
      return await program(s, shares)
    } catch (e) {
      // As the node does: a party that fails closes, and the others learn it at once.
      await inner.close()
      throw e
    }
  }))
  await Promise.all(transports.map((t) => t.close()))
  return out
}

/** Every honest party failed with a deadline of its own on `culprit`. */
function assertAllWitnessed(out: readonly PromiseSettledResult<bigint[]>[], honest: readonly number[], culprit: number): void {
  for (const i of honest) {
    const r = out[i]!
    assert.equal(r.status, 'rejected', `party ${i} completed`)
    const e = (r as PromiseRejectedResult).reason as { code?: string; meta?: { party?: number }; message?: string }
    assert.deepEqual([e.code, e.meta?.party], ['MPC_TIMEOUT', culprit], `party ${i}: ${e.message}`)
  }
}

test('semi-honest: every honest party witnesses a silent member first-hand (a deadline of its own on it), not only its ring neighbours', async () => {
  for (const silent of [3, 0]) {
    const out = await run({ silent: [silent] })
    assertAllWitnessed(out, [0, 1, 2, 3, 4].filter((i) => i !== silent), silent)
  }
})

test('semi-honest: a crashed member (its transport closed mid-run) is named by every honest party', async () => {
  const crashed = 2
  let sent = 0
  const out = await run({
    wrap: (party, t) => party !== crashed ? t : {
      n: t.n, self: t.self, stats: t.stats, close: () => t.close(), receive: (a, b, c) => t.receive(a, b, c),
      // It sends its share of the first opening, then dies.
      send: (to, label, payload) => { if (sent++ < T) t.send(to, label, payload); else void t.close() },
    },
  })
  for (const i of [0, 1, 3, 4]) {
    const r = out[i]!
    assert.equal(r.status, 'rejected')
    const e = (r as PromiseRejectedResult).reason as { code?: string; meta?: { party?: number }; message?: string }
    assert.equal(e.meta?.party, crashed, `party ${i} names another party: ${e.message}`)
  }
})

test('red team: a silent colluder complains about an honest member to everyone but it; no honest party names the honest member', async () => {
  const colluder = 0
  const framed = 2
  const out = await run({
    // The colluder's false complaint (the first it "makes") goes to every party but the accused; then it says nothing.
    before: (party, t) => { if (party === colluder) for (const j of [1, 3, 4]) t.send(j, complaintLabel('', 0), complaintPayload(framed)) },
    silent: [colluder],
  })
  assertAllWitnessed(out, [1, 2, 3, 4], colluder)
})

test('red team: two colluders, one silent, one that completes honestly but complains about an honest member to everyone but it', async () => {
  const silent = 4
  const liar = 1
  const framed = 3
  const out = await run({
    before: (party, t) => { if (party === liar) for (const j of [0, 2, 4]) t.send(j, complaintLabel('', 0), complaintPayload(framed)) },
    silent: [silent],
  })
  for (const i of [0, 2, 3]) {
    const r = out[i]!
    assert.equal(r.status, 'rejected')
    const e = (r as PromiseRejectedResult).reason as { code?: string; meta?: { party?: number }; message?: string }
    assert.notEqual(e.meta?.party, framed, `party ${i} names the framed honest member: ${e.message}`)
    if (e.code === 'MPC_TIMEOUT') assert.ok(e.meta?.party === silent || e.meta?.party === liar, `party ${i}: ${e.message}`)
  }
})

test('the fast path: no complaint frame (only program-counter frames), and the right values', async () => {
  const frames: { label: string }[] = []
  const out = await run({ frames })
  const values = out.map((r) => { assert.equal(r.status, 'fulfilled'); return (r as PromiseFulfilledResult<bigint[]>).value })
  for (const v of values) assert.deepEqual(v, values[0])
  assert.deepEqual(values[0]!.slice(0, 4), [3n, 4n, 4n, 5n])
  // Every frame is a protocol step's (a program-counter label): nothing else was sent.
  assert.ok(frames.length > 0 && frames.every((x) => /#\d+$/.test(x.label)), frames.map((x) => x.label).join(' '))
})
