import { test } from 'node:test'
import assert from 'node:assert/strict'
import { announcedApiUrl, isLoopbackHost, isWildcardHost, routableIp, urlHost } from './api-address.ts'
import { checkConfig } from './config.ts'

test('a specific apiHost is announced as is (IPv6 in brackets)', () => {
  assert.equal(announcedApiUrl({ apiHost: '127.0.0.1', port: 8080, multiaddrs: [] }), 'http://127.0.0.1:8080')
  assert.equal(announcedApiUrl({ apiHost: '10.77.3.4', port: 81, multiaddrs: ['/ip4/127.0.0.1/tcp/1'] }), 'http://10.77.3.4:81')
  assert.equal(announcedApiUrl({ apiHost: 'fd00::7', port: 81, multiaddrs: [] }), 'http://[fd00::7]:81')
})

test('a wildcard apiHost is never announced: the first routable libp2p address is, else loopback', () => {
  const addrs = ['/ip4/127.0.0.1/tcp/4001/p2p/12D3', '/ip6/fe80::1/tcp/4001', '/ip4/192.0.2.9/tcp/4001/p2p/12D3', '/ip4/198.51.100.1/tcp/4001']
  assert.equal(announcedApiUrl({ apiHost: '0.0.0.0', port: 8080, multiaddrs: addrs }), 'http://192.0.2.9:8080')
  assert.equal(announcedApiUrl({ apiHost: '::', port: 8080, multiaddrs: ['/ip6/::1/tcp/1', '/ip6/fd00::2/tcp/1'] }), 'http://[fd00::2]:8080')
  assert.equal(announcedApiUrl({ apiHost: '0.0.0.0', port: 8080, multiaddrs: ['/ip4/127.0.0.1/tcp/1', '/dns4/x.example/tcp/1'] }), 'http://127.0.0.1:8080')
})

test('apiAnnounce wins (a proxy or a public name), trailing slashes dropped', () => {
  assert.equal(announcedApiUrl({ apiHost: '0.0.0.0', apiAnnounce: 'https://node7.example.org/', port: 8080, multiaddrs: [] }), 'https://node7.example.org')
})

test('host predicates', () => {
  for (const h of ['0.0.0.0', '::', '', '[::]']) assert.ok(isWildcardHost(h), h)
  for (const h of ['127.0.0.1', '127.8.9.1', '::1', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h)
  for (const h of ['10.0.0.1', '192.0.2.1', 'fd00::1']) assert.ok(!isLoopbackHost(h) && !isWildcardHost(h), h)
  assert.equal(routableIp(['/ip4/0.0.0.0/tcp/1', '/ip4/10.1.2.3/tcp/1']), '10.1.2.3')
  assert.equal(urlHost('10.1.2.3'), '10.1.2.3')
  assert.equal(urlHost('::1'), '[::1]')
})

test('config: apiAnnounce is an optional http(s) URL; defaults stay on loopback', () => {
  const d = checkConfig({})
  assert.deepEqual([d.listen, d.apiHost, d.apiAnnounce], [['/ip4/127.0.0.1/tcp/0'], '127.0.0.1', undefined])
  assert.equal(checkConfig({ apiAnnounce: 'https://n.example.org:8443' }).apiAnnounce, 'https://n.example.org:8443')
  for (const bad of ['ftp://x', 'not a url', 5, 'http://']) assert.throws(() => checkConfig({ apiAnnounce: bad }), /apiAnnounce must be an http\(s\) URL/)
})
