/**
 * Circuit lookup and fetch (issue #15, defect 8): a folder is looked up by name, indexed once, and a
 * miss is cached, so a peer asking for unknown hashes cannot make the node hash its files again and
 * again; a task whose circuit nobody has yet keeps retrying the fetch (with backoff) until a provider
 * appears, instead of answering 503 until its deadline.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract } from '../lang/index.ts'
import millionaires from '../../examples/millionaires.ts'
import { getField } from '../field/index.ts'
import { createHost } from './host.ts'
import { CircuitProvider, sha256Hex } from './circuits.ts'
import { NodeStore } from './store.ts'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { silentLogger } from './log.ts'
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import { makeTaskSpec, newOwner, slotSubmissions, post } from './testing/client.ts'
import type { CommitteeMember, Hex } from './task-source.ts'

const compiled = compileContract(millionaires, {})
const roots: string[] = []
const cleanup: (() => Promise<void>)[] = []
after(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {})
  for (const r of roots) await rm(r, { recursive: true, force: true })
})

test('a folder is looked up by name and indexed once; misses are cached, so unknown hashes cost no disk scans', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-circ-'))
  roots.push(root)
  const dir = join(root, 'circuits')
  await mkdir(dir)
  for (let i = 0; i < 40; i++) await writeFile(join(dir, `other-${i}.json`), randomBytes(2048))
  await writeFile(join(dir, 'millionaires.json'), compiled.encoding) // found only through the index
  const { identity } = await loadOrCreateIdentity(join(root, 'id'))
  const host = await createHost({ privateKey: identity.libp2pKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
  await host.start()
  const store = new NodeStore(join(root, 'id'))
  await store.open()
  const provider = new CircuitProvider(host, store, { dirs: [dir], missTtlMs: 60_000 })
  cleanup.push(async () => { await host.stop(); await store.close() })

  assert.ok(await provider.local(compiled.codeHash), 'found by hashing the folder once')
  const afterIndex = provider.stats.filesHashed
  assert.ok(afterIndex <= 41 + 2, `one pass over the folder, got ${afterIndex}`)
  // A peer asks for 1 000 unknown hashes: each is a map lookup after the first miss of that hash.
  for (let i = 0; i < 1000; i++) assert.equal(await provider.local(sha256Hex(Buffer.from(`nope-${i % 50}`))), undefined)
  assert.equal(provider.stats.dirScans, 1, 'the folder did not change: no rescan')
  assert.ok(provider.stats.filesHashed - afterIndex <= 50 * 2, `files hashed for misses: ${provider.stats.filesHashed - afterIndex} (before the fix: 41 000)`)

  // A circuit named by its code hash (as the devnet writes them) is read by name: one file, no scan.
  const dir2 = join(root, 'by-name')
  await mkdir(dir2)
  for (let i = 0; i < 40; i++) await writeFile(join(dir2, `other-${i}.json`), randomBytes(2048))
  await writeFile(join(dir2, `${compiled.codeHash}.json`), compiled.encoding)
  const store2 = new NodeStore(join(root, 'id2')) // the first store already holds this circuit
  await store2.open()
  cleanup.push(() => store2.close())
  const byName = new CircuitProvider(host, store2, { dirs: [dir2] })
  assert.ok(await byName.local(compiled.codeHash as Hex))
  assert.deepEqual([byName.stats.filesHashed, byName.stats.dirScans], [1, 0])
})

test('a circuit nobody has at first is fetched once a peer gets it: no 503 until the deadline', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-circ-'))
  roots.push(root)
  const dirs = [join(root, 'a-circuits'), join(root, 'b-circuits')]
  for (const d of dirs) await mkdir(d)
  const tasksFile = join(root, 'tasks.json')
  const start = async (name: string, dir: string, bootstrap: string[]) => {
    const n = new SecretNode(checkConfig({ dataDir: join(root, name), tasksFile, circuitDirs: [dir], bootstrap }), { log: silentLogger, circuitFetchTimeoutMs: 1_000 })
    cleanup.push(() => n.stop())
    await n.start()
    return n
  }
  const b = await start('b', dirs[1]!, [])
  const a = await start('a', dirs[0]!, [b.multiaddrs()[0]!])
  const ghost = publicIdentity((await loadOrCreateIdentity(join(root, 'ghost'))).identity)
  const committee: CommitteeMember[] = [a, b].map((n) => ({ ...publicIdentity(n.identity), multiaddrs: n.multiaddrs() }))
    .concat([{ ...ghost, multiaddrs: [] }]).map((m, index) => ({ ...m, index } as CommitteeMember))
  const owner = newOwner()
  const spec = makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 1, security: 'semi-honest', slots: [{ name: 'alice', owner: owner.address }, { name: 'bob', owner: owner.address }] })
  await writeFile(tasksFile, JSON.stringify({ tasks: [spec] }))
  const field = getField(compiled.circuit.field)
  const apis = [a, b].map((n) => `http://127.0.0.1:${n.api.port}`).concat(['http://127.0.0.1:9'])
  const subs = await slotSubmissions(field, spec, 'alice', [5n], owner, apis)
  // Several fetch attempts fail (1 s each): nobody has the circuit.
  await new Promise((r) => setTimeout(r, 3_500))
  assert.equal((await post(subs[0]!)).status, 503)
  // Only B gets it; A must fetch it from B on a later retry.
  await writeFile(join(dirs[1]!, `${compiled.codeHash}.json`), compiled.encoding)
  const until = Date.now() + 60_000
  let status = 0
  while (Date.now() < until) {
    status = (await post(subs[0]!)).status
    if (status === 200) break
    await new Promise((r) => setTimeout(r, 250))
  }
  assert.equal(status, 200, 'A fetched the circuit from B after its first attempts failed')
})
