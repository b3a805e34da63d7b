/** `enigma devnet up|demo --topology loopback|netns | --host ADDRESS` and `enigma node start --api-announce URL` (issue #12, item 5). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDevnetFlags } from './devnet.ts'
import { parseNodeFlags } from './node.ts'
import { hostTopology, LOOPBACK_TOPOLOGY, nodeAddressConfig } from '../../devnet/topology.ts'

test('--topology and --host: parsed, checked, exclusive', () => {
  assert.equal(parseDevnetFlags([]).topology, undefined)
  assert.equal(parseDevnetFlags(['--topology', 'netns']).topology, 'netns')
  assert.equal(parseDevnetFlags(['--host', '192.0.2.7']).host, '192.0.2.7')
  assert.throws(() => parseDevnetFlags(['--topology', 'docker']), { code: 'CLI_USAGE' })
  assert.throws(() => parseDevnetFlags(['--host', 'my-laptop']), { code: 'CLI_USAGE' })
  assert.throws(() => parseDevnetFlags(['--host', '192.0.2.7', '--topology', 'netns']), { code: 'CLI_USAGE' })
  assert.deepEqual(parseNodeFlags(['--api-announce', 'https://n.example.org']).overrides, { apiAnnounce: 'https://n.example.org' })
})

test('topologies: loopback by default; --host puts chain and nodes on one address, never a wildcard', () => {
  assert.deepEqual([LOOPBACK_TOPOLOGY.chainHost, LOOPBACK_TOPOLOGY.node(3)], ['127.0.0.1', { host: '127.0.0.1' }])
  assert.deepEqual(nodeAddressConfig(LOOPBACK_TOPOLOGY.node(0)), { listen: ['/ip4/127.0.0.1/tcp/0'], apiHost: '127.0.0.1' })
  const lan = hostTopology('192.0.2.7')
  assert.deepEqual([lan.chainHost, lan.node(2).host], ['192.0.2.7', '192.0.2.7'])
  assert.deepEqual(nodeAddressConfig({ host: 'fd00::5' }), { listen: ['/ip6/fd00::5/tcp/0'], apiHost: 'fd00::5' })
  assert.deepEqual(nodeAddressConfig({ host: '10.1.1.2', listenHost: '0.0.0.0' }), { listen: ['/ip4/0.0.0.0/tcp/0'], apiHost: '0.0.0.0' })
  for (const bad of ['0.0.0.0', '::', 'example.org']) assert.throws(() => hostTopology(bad), { code: 'DEVNET_USAGE' })
})
