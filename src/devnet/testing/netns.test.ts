import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { execFileSync } from 'node:child_process'
import { createTopology, netnsUnavailable } from './netns.ts'

const why = netnsUnavailable()

// A TCP echo server on one host and a client on another, as plain node processes.
const server = (address: string) => `require('net').createServer((s) => s.pipe(s)).listen(7070, '${address}', () => console.log('ready'))`
const client = (address: string) => `const s = require('net').connect(7070, '${address}', () => s.write('ping')); s.setTimeout(1500, () => { console.log('timeout'); process.exit(2) }); s.on('data', (d) => { console.log(String(d)); process.exit(0) }); s.on('error', (e) => { console.log(e.code); process.exit(3) })`

async function run(proc: ReturnType<ReturnType<typeof createTopology>['spawn']>): Promise<{ code: number | null; out: string }> {
  let out = ''
  proc.stdout?.on('data', (d) => (out += String(d)))
  const [code] = await once(proc, 'exit')
  return { code: code as number | null, out: out.trim() }
}

test('separate hosts: each its own namespace and address; hosts reach each other only over the bridge; a link can be cut', { skip: why ?? false, timeout: 30_000 }, async () => {
  const topo = createTopology({ hosts: 3 })
  try {
    const [a, b, c] = topo.hosts as [typeof topo.hosts[0], typeof topo.hosts[0], typeof topo.hosts[0]]
    assert.equal(new Set(topo.hosts.map((h) => h.address)).size, 3)
    // Each host sees only its own address (and loopback).
    const addrs = execFileSync('ip', ['-n', b.ns, '-4', '-o', 'addr']).toString()
    assert.match(addrs, new RegExp(b.address.replace(/\./g, '\\.')))
    assert.doesNotMatch(addrs, new RegExp(`${a.address.replace(/\./g, '\\.')}/`))
    const srv = topo.spawn(a, process.execPath, ['-e', server(a.address)], { stdio: ['ignore', 'pipe', 'inherit'] })
    await once(srv.stdout!, 'data')
    try {
      assert.deepEqual(await run(topo.spawn(b, process.execPath, ['-e', client(a.address)], { stdio: ['ignore', 'pipe', 'inherit'] })), { code: 0, out: 'ping' })
      // The server's host is not reachable through loopback from another host.
      const viaLoopback = await run(topo.spawn(b, process.execPath, ['-e', client('127.0.0.1')], { stdio: ['ignore', 'pipe', 'inherit'] }))
      assert.notEqual(viaLoopback.code, 0)
      // Partition: c's link down, c cannot reach a; back up, it can.
      topo.setLink(c, false)
      assert.notEqual((await run(topo.spawn(c, process.execPath, ['-e', client(a.address)], { stdio: ['ignore', 'pipe', 'inherit'] }))).code, 0)
      topo.setLink(c, true)
      assert.deepEqual(await run(topo.spawn(c, process.execPath, ['-e', client(a.address)], { stdio: ['ignore', 'pipe', 'inherit'] })), { code: 0, out: 'ping' })
    } finally {
      srv.kill('SIGKILL')
    }
  } finally {
    topo.close()
  }
  // Everything the topology made is gone.
  const left = execFileSync('ip', ['netns', 'list']).toString()
  for (const h of topo.hosts) assert.ok(!left.includes(h.ns), `${h.ns} left behind`)
})
