/**
 * The namespace topology by itself (src/devnet/netns.ts), without a devnet: names, addresses and
 * reachability through the bridge only, partition and heal, and removal of exactly what a run made:
 * by `close()`, on SIGINT, and (swept by the next run) after its owner was killed with SIGKILL.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { createNetnsTopology, netnsSupport, sweepStaleNetns } from './netns.ts'

const run = promisify(execFile)
const support = netnsSupport()
const SKIP = support.ok ? false : `skipped: ${support.reason}`
const NETNS_TS = new URL('./netns.ts', import.meta.url).pathname

async function names(id: string): Promise<string[]> {
  const [ns, links] = await Promise.all([run('ip', ['netns', 'list']), run('ip', ['-o', 'link', 'show'])])
  return `${ns.stdout}\n${links.stdout}`.split('\n').flatMap((l) => l.match(new RegExp(`\\S*${id}\\S*`, 'g')) ?? [])
}

/** `node -e code` in namespace ns: its stdout. */
const inNs = async (ns: string, code: string) => (await run('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { timeout: 20_000 })).stdout.trim()
const get = (url: string, ms = 1_500) => `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(${ms}) }).then((r) => r.text()).then(console.log, (e) => console.log('unreachable', e.cause?.code ?? e.name)).finally(() => process.exit(0))`

test('two namespaces on a bridge: own addresses, reachable only through it; a partition cuts one; close removes everything', { skip: SKIP }, async () => {
  const topo = await createNetnsTopology({ nodes: 2 })
  const server = createServer((_q, r) => r.end('bridge'))
  try {
    assert.match(topo.id, /^[0-9a-f]{6}$/)
    assert.match(topo.subnet, /^10\.\d+\.\d+\.0\/24$/)
    assert.deepEqual([topo.chainHost, topo.address(0), topo.address(1)].map((a) => a.split('.')[3]), ['1', '2', '3'])
    assert.deepEqual(topo.node(1).exec, ['ip', 'netns', 'exec', topo.namespace(1)])
    assert.ok(topo.hostVeth(1).length <= 15)
    assert.throws(() => topo.node(2), /no node 2/)
    await new Promise<void>((r) => server.listen(0, topo.chainHost, r))
    const port = (server.address() as AddressInfo).port
    // Across the bridge yes; this machine's loopback is not the namespace's.
    assert.equal(await inNs(topo.namespace(0), get(`http://${topo.chainHost}:${port}`)), 'bridge')
    assert.match(await inNs(topo.namespace(0), get(`http://127.0.0.1:${port}`)), /^unreachable ECONNREFUSED/)
    // Namespace to namespace through the bridge.
    const peer = spawn('ip', ['netns', 'exec', topo.namespace(1), process.execPath, '-e', `require('http').createServer((q, r) => r.end('peer')).listen(8080, ${JSON.stringify(topo.address(1))}, () => console.log('up'))`], { stdio: ['pipe', 'pipe', 'inherit'] })
    try {
      await new Promise((r) => peer.stdout.once('data', r))
      assert.equal(await inNs(topo.namespace(0), get(`http://${topo.address(1)}:8080`)), 'peer')
      await topo.partition(1)
      assert.match(await inNs(topo.namespace(0), get(`http://${topo.address(1)}:8080`)), /^unreachable/)
      await topo.heal(1)
      assert.equal(await inNs(topo.namespace(0), get(`http://${topo.address(1)}:8080`, 10_000)), 'peer')
    } finally {
      peer.kill('SIGKILL')
    }
  } finally {
    server.close()
    await topo.close()
  }
  assert.deepEqual(await names(topo.id), [])
  await topo.close() // twice is fine
})

/** A child process that makes a topology, prints its id, then waits to be signalled. */
function owner(): { child: ReturnType<typeof spawn>; id: Promise<string> } {
  const code = `import { createNetnsTopology } from ${JSON.stringify(NETNS_TS)}\nconst t = await createNetnsTopology({ nodes: 2 })\nconsole.log(t.id)\nsetInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['--conditions=enigma-source', '--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  const id = new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()))
    child.once('exit', (c) => reject(new Error(`owner exited early (${c})`)))
  })
  return { child, id }
}

test('SIGINT removes the namespaces and bridge of the interrupted run, and it still dies of SIGINT', { skip: SKIP }, async () => {
  const { child, id } = owner()
  const made = await id
  assert.equal((await names(made)).length > 0, true)
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)))
  child.kill('SIGINT')
  assert.equal(await exited, 'SIGINT')
  assert.deepEqual(await names(made), [])
})

test('a run killed with SIGKILL leaves its namespaces; the next run sweeps them (and nothing of a live run)', { skip: SKIP }, async () => {
  const dead = owner()
  const live = owner()
  const [deadId, liveId] = await Promise.all([dead.id, live.id])
  try {
    const exited = new Promise((r) => dead.child.once('exit', r))
    dead.child.kill('SIGKILL')
    await exited
    assert.ok((await names(deadId)).length > 0, 'SIGKILL runs no handler')
    assert.ok(sweepStaleNetns() >= 1)
    assert.deepEqual(await names(deadId), [])
    assert.ok((await names(liveId)).length > 0, 'a live run is left alone')
  } finally {
    const exited = new Promise((r) => live.child.once('exit', r))
    live.child.kill('SIGTERM')
    await exited
  }
  assert.deepEqual(await names(liveId), [])
})
