/**
 * Late is not silent inside the computation (issue #12; src/node/mpc-network.ts, file comment): at a
 * receive deadline the late member is asked where it is. Real libp2p hosts (Noise, loopback), one
 * network each; deadlines of 400 ms so the bound (3 deadlines, then the grace) is ≈ 1.6 s.
 * - a member that has not opened the session yet (behind), or does not answer at all (its network does
 *   not know the session: stalled, restarting), and sends its frame after the deadline and grace is waited for
 *   (before: MPC_TIMEOUT naming it at the deadline + grace, a first-hand vote);
 * - a member that answers it is idle (the injected `silent`) is named at the deadline + grace, as before;
 * - a member that says it is waiting for ever (a corrupt one, or a messenger stuck for ever) is named at
 *   the bound: a bounded delay, no escape.
 */
import { test, after, suite } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createHost, type NodeHost } from './host.ts'
import { MpcNetwork, LATE_FACTOR, type MpcMember } from './mpc-network.ts'
import { culpritOf } from './evidence.ts'
import { failureReason } from './failure-reason.ts'

const T = 400
const GRACE = T // min(2 s, the deadline)
const hosts: NodeHost[] = []
const nets: MpcNetwork[] = []

async function node(): Promise<{ net: MpcNetwork; member: MpcMember }> {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  const net = new MpcNetwork(host, { defaultTimeoutMs: T })
  await net.start()
  hosts.push(host); nets.push(net)
  return { net, member: { peerId: host.peerId.toString(), multiaddrs: host.getMultiaddrs().map(String) } }
}

after(async () => {
  for (const n of nets) await n.stop()
  for (const h of hosts) await h.stop()
})

const [a, b, c] = await Promise.all([node(), node(), node()])
const committee = [a!.member, b!.member, c!.member]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** A's receive from B: the error (or undefined) and how long it took. */
async function receiveAtA(session: string, label: string): Promise<{ err: any; ms: number }> {
  const t = a!.net.openSession({ session, committee, timeoutMs: T, lateFactor: LATE_FACTOR })
  const t0 = Date.now()
  const err = await t.receive(1, label).then(() => undefined, (e: unknown) => e)
  return { err, ms: Date.now() - t0 }
}

suite('late is not silent (receive deadlines)', { concurrency: true }, () => {
  const late = [
    ['behind', 'a member that has not opened the session yet (it answers HERE_BEHIND)'],
    ['stalled', 'a member that does not answer at all (stalled: its network does not know the session yet)'],
  ] as const
  for (const [session, who] of late) {
    test(`${who} and sends after the deadline and its grace is waited for, within the bound`, async () => {
      if (session === 'behind') b!.net.expect(session, committee)
      const got = receiveAtA(session, 'open#1')
      // Past the first deadline's grace (where it was named before), well before the bound.
      await sleep(T + GRACE + 50)
      b!.net.openSession({ session, committee, timeoutMs: T }).send(0, 'open#1', Uint8Array.of(7))
      const r = await got
      assert.equal(r.err, undefined, `A named B: ${r.err}`)
    })
  }

  test('a member that answers it is idle (alive, sends nothing: the injected `silent`) is named at the deadline + grace, as before', async () => {
    b!.net.openSession({ session: 'idle', committee, timeoutMs: T })
    await sleep(1_100) // its last own step in the session is over a second old
    const r = await receiveAtA('idle', 'open#1')
    assert.equal(r.err?.code, 'MPC_TIMEOUT')
    assert.equal(culpritOf(failureReason(r.err, () => 'b'), 0), 1)
    assert.ok(r.ms < LATE_FACTOR * T, `named after ${r.ms} ms: given the grace of a late member`)
  })

  test('red team: a member that answers "waiting" for ever is named at the bound, first-hand', async () => {
    // B waits on C for ever (C never sends), so it answers HERE_WAITING to every question of A.
    const tb = b!.net.openSession({ session: 'waits', committee, timeoutMs: 60_000 })
    const stuck = tb.receive(2, 'never').catch(() => undefined)
    const r = await receiveAtA('waits', 'open#1')
    assert.equal(r.err?.code, 'MPC_TIMEOUT')
    assert.equal(culpritOf(failureReason(r.err, () => 'b'), 0), 1)
    assert.ok(r.ms >= LATE_FACTOR * T && r.ms < LATE_FACTOR * T + GRACE + 1_500, `named after ${r.ms} ms`)
    b!.net.closeSession('waits')
    await stuck
  })
})
