/**
 * Issue #11 §3, privacy of custody epochs at node level: shares of different epochs never combine into
 * the value, and t old + t new custodians' shares together say nothing about it. (The full view of a
 * hand-off — sub-shares and opened check values included — is covered by the rank test of
 * src/sharing/redistribute.test.ts; this file attacks the shares the custody stores keep.)
 *
 * A: three epochs over real libp2p nodes with runHandoff (the path custody-handoff.ts takes), committees
 *    re-ordered each epoch, the last hand-off from a committee where one custodian lost its share (it
 *    missed the hand-off that made it): every t + 1 shares of one epoch open the value; no t + 1 shares
 *    mixing epochs do (all 240 mixed choices of three points, p61).
 * B: the strongest share-level attack, over 100 hand-offs for each of two values: t old custodians
 *    and t new ones interpolate through their t + t shares (every choice of t + 1 of them) — never the
 *    value, and the guess's low bit is balanced whatever the value; a leaky hand-off (new shares on the
 *    old polynomial) is caught by the same attack every time, so the test can fail.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createHost, type NodeHost } from './host.ts'
import { MpcNetwork, type MpcMember } from './mpc-network.ts'
import { runHandoff } from './reshare-session.ts'
import { p61 } from '../field/index.ts'
import type { FieldVector } from '../field/types.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { reshare } from '../protocols/reshare.ts'
import { createMemoryNetwork } from '../engine/transport-memory.ts'

const f = p61
const T = 2
const N = 5

const hosts: NodeHost[] = []
const nets: MpcNetwork[] = []
after(async () => {
  for (const n of nets) await n.stop()
  for (const h of hosts) await h.stop()
})

function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]]
  if (n < k) return []
  return [...subsets(n - 1, k - 1).map((c) => [...c, n - 1]), ...subsets(n - 1, k)]
}

test('A: three epochs over libp2p (one custodian without its share in the last): each epoch opens the value, no mix of epochs does', async () => {
  const nodes = await Promise.all(Array.from({ length: N }, async () => {
    const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
    const net = new MpcNetwork(host, { defaultTimeoutMs: 10_000 })
    await net.start()
    hosts.push(host); nets.push(net)
    return { net, member: { peerId: host.peerId.toString(), multiaddrs: host.getMultiaddrs().map(String) } as MpcMember }
  }))
  const secret = f.fromBigInts([123_456_789n, 2n ** 60n + 5n])
  // Committees as node indices in share order (epoch 1 → 2 → 3), re-ordered like a new draw.
  const committees = [[0, 1, 2, 3, 4], [3, 1, 4, 0, 2], [2, 0, 1, 4, 3]]
  // byEpoch[e][pos] = share of custodian at position pos of epoch e.
  const byEpoch: FieldVector[][] = [split(f, secret, N, T)]
  for (let e = 1; e < committees.length; e++) {
    const oldC = committees[e - 1]!, newC = committees[e]!
    // In the last hand-off the old custodian at position 4 lost its share: it deals nothing.
    const lost = e === 2 ? 4 : -1
    const out = await Promise.all(nodes.map((n, i) => {
      const oldPos = oldC.indexOf(i)
      return runHandoff(n.net, n.member.peerId, {
        session: `ep:${e + 1}:privacy:0`, field: f, security: 'malicious',
        oldCommittee: oldC.map((k) => nodes[k]!.member), oldT: T, newCommittee: newC.map((k) => nodes[k]!.member), newT: T,
        share: oldPos >= 0 && oldPos !== lost ? byEpoch[e - 1]![oldPos]! : null, length: 2, timeoutMs: 15_000,
      })
    }))
    byEpoch.push(newC.map((k) => { const s = out[k]; assert.ok(s, `node ${k} got a share of epoch ${e + 1}`); return s }))
  }
  for (const [e, shares] of byEpoch.entries()) {
    for (const pts of subsets(N, T + 1)) assert.ok(f.equal(reconstruct(f, pts.map((p) => shares[p]!), pts, T), secret), `epoch ${e + 1}, positions ${pts}`)
  }
  // Every choice of t + 1 distinct points whose shares come from at least two epochs.
  let mixed = 0
  for (const pts of subsets(N, T + 1)) {
    for (let code = 0; code < 3 ** (T + 1); code++) {
      const epochs = pts.map((_, k) => Math.floor(code / 3 ** k) % 3)
      if (new Set(epochs).size === 1) continue
      const guess = reconstruct(f, pts.map((p, k) => byEpoch[epochs[k]!]![p]!), pts, T)
      assert.ok(!f.equal(guess, secret), `positions ${pts} from epochs ${epochs.map((x) => x + 1)} opened the value`)
      assert.ok(f.get(guess, 0) !== f.get(secret, 0) && f.get(guess, 1) !== f.get(secret, 1))
      mixed++
    }
  }
  assert.equal(mixed, 240)
})

/** One 5/2 → 5/2 hand-off of a one-element value over the in-memory transport (the protocol runHandoff runs). */
async function handOff(old: FieldVector[]): Promise<FieldVector[]> {
  const transports = createMemoryNetwork(N, { timeoutMs: 5_000 })
  const out = await Promise.all(transports.map((transport, i) => reshare({
    field: f, transport, security: 'malicious', length: 1, oldMembers: [0, 1, 2, 3, 4], oldT: T, newMembers: [0, 1, 2, 3, 4], newT: T, share: old[i]!,
  })))
  await Promise.all(transports.map((t) => t.close()))
  return out.map((s) => s!)
}

/**
 * The attack of t old custodians (positions 0, 1) with t new ones (positions 2, 3): interpolate at 0
 * through every choice of t + 1 of their 2t shares (points 1, 2 of the old epoch; 3, 4 of the new).
 */
function attack(old: FieldVector[], next: FieldVector[]): bigint[] {
  const view: [number, FieldVector][] = [[0, old[0]!], [1, old[1]!], [2, next[2]!], [3, next[3]!]]
  return subsets(view.length, T + 1).map((c) => f.get(reconstruct(f, c.map((k) => view[k]![1]), c.map((k) => view[k]![0]), T), 0))
}

test('B: t old + t new custodians interpolating through their shares never find the value, and learn nothing of it (two values, 100 hand-offs each); a leaky hand-off is caught', async () => {
  const RUNS = 100
  for (const value of [0n, 1n]) {
    let hits = 0
    const ones = [0, 0, 0, 0]
    for (let r = 0; r < RUNS; r++) {
      const old = split(f, f.fromBigInts([value]), N, T)
      const guesses = attack(old, await handOff(old))
      guesses.forEach((g, k) => { if (g === value) hits++; ones[k]! += Number(g & 1n) })
    }
    assert.equal(hits, 0, `value ${value}: a mixed interpolation opened it`)
    // The guess is a uniform field element whatever the value: its low bit is balanced (±0.2 = 4 σ).
    for (const c of ones) assert.ok(Math.abs(c / RUNS - 0.5) < 0.2, `value ${value}: low bit of the guess is 1 in ${c}/${RUNS}`)
  }
  // Control: a "hand-off" that re-evaluates the old polynomial at the new points (no fresh randomness).
  let caught = 0
  for (let r = 0; r < 20; r++) {
    const value = BigInt(r)
    const old = split(f, f.fromBigInts([value]), N, T)
    if (attack(old, old).every((g) => g === value)) caught++
  }
  assert.equal(caught, 20)
})
