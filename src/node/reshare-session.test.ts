import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createHost, type NodeHost } from './host.ts'
import { MpcNetwork, type MpcMember } from './mpc-network.ts'
import { p61 } from '../field/index.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { handoffMembers, runHandoff } from './reshare-session.ts'
import type { SecurityMode } from '../protocols/session.ts'

const hosts: NodeHost[] = []
const nets: MpcNetwork[] = []
after(async () => {
  for (const n of nets) await n.stop()
  for (const h of hosts) await h.stop()
})

async function node(): Promise<{ net: MpcNetwork; member: MpcMember }> {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  const net = new MpcNetwork(host, { defaultTimeoutMs: 5_000 })
  await net.start()
  hosts.push(host); nets.push(net)
  return { net, member: { peerId: host.peerId.toString(), multiaddrs: host.getMultiaddrs().map(String) } }
}

const nodes = await Promise.all([node(), node(), node(), node(), node()])

test('handoffMembers: old committee first, then the new members not in it; both index lists point into the union', () => {
  const m = (id: string): MpcMember => ({ peerId: id })
  const u = handoffMembers([m('a'), m('b'), m('c')], [m('c'), m('d'), m('a')])
  assert.deepEqual(u.members.map((x) => x.peerId), ['a', 'b', 'c', 'd'])
  assert.deepEqual(u.oldIdx, [0, 1, 2])
  assert.deepEqual(u.newIdx, [2, 3, 0])
  assert.throws(() => handoffMembers([m('a'), m('a')], [m('b')]), /twice/)
})

for (const security of ['semi-honest', 'malicious'] as SecurityMode[]) {
  test(`${security}: a vector moves from 3 nodes (t = 1) to 3 overlapping nodes over libp2p, never reconstructed on the way`, async () => {
    const f = p61
    const secret = f.fromBigInts([7n, 11n, 2n ** 40n + 3n])
    const oldC = [0, 1, 2]
    const newC = [2, 3, 4]
    const shares = split(f, secret, 3, 1)
    const session = `test-handoff-${security}`
    const outcomes = await Promise.all(nodes.map((n, i) => runHandoff(n.net, n.member.peerId, {
      session, field: f, security,
      oldCommittee: oldC.map((k) => nodes[k]!.member), oldT: 1,
      newCommittee: newC.map((k) => nodes[k]!.member), newT: 1,
      share: oldC.includes(i) ? shares[oldC.indexOf(i)]! : null,
      length: 3, timeoutMs: 30_000,
    })))
    assert.equal(outcomes[0], null)
    assert.equal(outcomes[1], null)
    const fresh = newC.map((k) => outcomes[k]!)
    assert.ok(fresh.every((s) => s !== null))
    // Any t + 1 = 2 of the new shares reconstruct the same value; the new sharing is fresh, not the old one.
    assert.deepEqual(f.toBigInts(reconstruct(f, [fresh[0]!, fresh[2]!], [0, 2], 1)), f.toBigInts(secret))
    assert.deepEqual(f.toBigInts(reconstruct(f, [fresh[1]!, fresh[2]!], [1, 2], 1)), f.toBigInts(secret))
    assert.notDeepEqual(f.toBigInts(fresh[0]!), f.toBigInts(shares[2]!))
  })
}
