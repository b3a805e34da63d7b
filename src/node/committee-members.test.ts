/**
 * One bad registry entry must not brick a node (issue #15, defect 1): members are validated when a
 * task arrives; a garbage peer id fails that task alone with a typed error, a garbage address is
 * dropped, and another task on the same node still runs.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createHost, type NodeHost } from './host.ts'
import { MpcNetwork, type MpcMember } from './mpc-network.ts'
import { validateCommitteeMembers } from './committee-members.ts'

const hosts: NodeHost[] = []
const nets: MpcNetwork[] = []
after(async () => {
  for (const n of nets) await n.stop()
  for (const h of hosts) await h.stop()
})

async function node(): Promise<{ net: MpcNetwork; member: MpcMember }> {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  await host.start()
  const net = new MpcNetwork(host, { defaultTimeoutMs: 10_000 })
  await net.start()
  hosts.push(host); nets.push(net)
  return { net, member: { peerId: host.peerId.toString(), multiaddrs: host.getMultiaddrs().map(String) } }
}

const good = '12D3KooWNJqcUq3YT8teCTTg8eUMww9UDNww8VVvd6Sr1pydf66y'

test('validateCommitteeMembers never throws and says what is wrong', () => {
  const garbage: unknown[] = [undefined, null, 7, 'x', {}, [], [null], [{ peerId: 5 }], [{ peerId: '' }], [{ peerId: 'not-a-peer-id' }],
    [{ peerId: good }, { peerId: good }], [{ peerId: 'Qm' + 'x'.repeat(200) }], [{ peerId: '\u0000\uffff' }]]
  for (const g of garbage) {
    const r = validateCommitteeMembers(g)
    assert.equal(r.ok, false, JSON.stringify(g))
    if (!r.ok) assert.ok(r.reason.length > 0 && !/[\u0000-\u001f]/.test(r.reason))
  }
  const r = validateCommitteeMembers([{ peerId: good, multiaddrs: ['/ip4/127.0.0.1/tcp/1', '/ip4/999.1.1.1/tcp/1', 'garbage', 42, '/dns4/example.org/tcp/443'] }])
  assert.ok(r.ok)
  if (r.ok) {
    assert.deepEqual(r.members[0]!.multiaddrs, ['/ip4/127.0.0.1/tcp/1', '/dns4/example.org/tcp/443'])
    assert.equal(r.droppedAddresses, 3)
  }
})

test('a task with a garbage peer id fails alone; one with a garbage address runs, on the same node', async () => {
  const [a, b] = [await node(), await node()]
  // Registry garbage in one task's committee: a typed error for that task, nothing thrown elsewhere.
  for (const bad of ['not-a-peer-id', '/ip4/1.2.3.4', '']) {
    assert.throws(() => a.net.expect('bad-task', [a.member, { peerId: bad, multiaddrs: ['/ip4/127.0.0.1/tcp/1'] }]), { code: 'INVALID_ARGUMENT' } as object)
  }
  assert.throws(() => a.net.openSession({ session: 'bad-task', committee: [a.member, { peerId: 'junk' }] }), { code: 'INVALID_ARGUMENT' } as object)
  // Another task, whose member has one good and two garbage addresses, still computes.
  const withJunk: MpcMember = { peerId: b.member.peerId, multiaddrs: ['/ip4/300.0.0.1/tcp/1', 'garbage', ...b.member.multiaddrs!] }
  const ta = a.net.openSession({ session: 'good-task', committee: [a.member, withJunk] })
  const tb = b.net.openSession({ session: 'good-task', committee: [a.member, b.member] })
  ta.send(1, 'r#0', Uint8Array.of(1, 2, 3))
  tb.send(0, 'r#0', Uint8Array.of(4, 5))
  assert.deepEqual([...(await tb.receive(0, 'r#0'))], [1, 2, 3])
  assert.deepEqual([...(await ta.receive(1, 'r#0'))], [4, 5])
  await ta.close(); await tb.close()
})
