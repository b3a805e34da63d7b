/**
 * Fuzzing with fast-check (issue #15): the node's HTTP API and the decoders of the node layer that
 * read outside data (submission bodies, task specs from a task file or the chain, committee entries
 * from the registry). Over 100 000 generated inputs in all: nothing crashes, nothing rejects
 * unhandled, and every refusal is a typed error (HTTP 4xx with a JSON error code; `NodeError`).
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request, Agent } from 'node:http'
import fc from 'fast-check'
import { compileContract } from '../lang/index.ts'
import millionaires from '../../examples/millionaires.ts'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { silentLogger } from './log.ts'
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import { parseSubmission, HttpError } from './api.ts'
import { checkTaskSpec } from './task-spec-check.ts'
import { withUsableCommittee } from './committee-check.ts'
import { NodeError } from './errors.ts'
import { makeTaskSpec, newOwner } from './testing/client.ts'
import type { CommitteeMember, TaskSpec } from './task-source.ts'

const compiled = compileContract(millionaires, {})
let root: string
let node: SecretNode
let spec: TaskSpec
let unhandled = 0
const onUnhandled = () => { unhandled++ }

before(async () => {
  process.on('unhandledRejection', onUnhandled)
  root = await mkdtemp(join(tmpdir(), 'enigma-fuzz-'))
  await writeFile(join(root, 'millionaires.json'), compiled.encoding)
  const others = await Promise.all([1, 2].map(async (i) => publicIdentity((await loadOrCreateIdentity(join(root, `ghost${i}`))).identity)))
  node = new SecretNode(checkConfig({ dataDir: join(root, 'node'), tasksFile: join(root, 'tasks.json'), circuitDirs: [root], ratePerSecond: 1_000_000, maxBodyBytes: 16 * 1024 }), { log: silentLogger })
  await node.start()
  const committee: CommitteeMember[] = [publicIdentity(node.identity), ...others].map((p, index) => ({ index, ...p, multiaddrs: [] }))
  const owner = newOwner()
  spec = makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 1, security: 'semi-honest', slots: [{ name: 'alice', owner: owner.address }, { name: 'bob', owner: owner.address }] })
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [spec] }))
  for (let i = 0; i < 200 && !(await node.runner.getTask(spec.taskId)); i++) await new Promise((r) => setTimeout(r, 25))
})

after(async () => {
  process.off('unhandledRejection', onUnhandled)
  await node?.stop()
  await rm(root, { recursive: true, force: true })
})

const hex = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => `0x${Buffer.from(b).toString('hex')}`)

test('parseSubmission: 40 000 bodies, each parsed or refused with a 4xx HttpError', () => {
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.record({ envelope: fc.oneof(hex(0, 64), fc.string(), fc.anything()), signature: fc.oneof(hex(65, 65), hex(0, 70), fc.constant(undefined), fc.anything()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o) ?? ''),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.anything(), { maxKeys: 4 }).map((o) => JSON.stringify(o)),
  )
  fc.assert(fc.property(body, (text) => {
    try {
      const r = parseSubmission(text)
      assert.ok(r.envelope instanceof Uint8Array && r.envelope.length > 0)
    } catch (e) {
      assert.ok(e instanceof HttpError, String(e))
      assert.ok(e.status >= 400 && e.status < 500 && /^[A-Z_]+$/.test(e.code))
    }
  }), { numRuns: 40_000 })
})

test('checkTaskSpec: 45 000 specs (random values and mutations of a valid one), each a TaskSpec or a NodeError', () => {
  const keys = Object.keys(spec) as (keyof TaskSpec)[]
  const mutated = fc.tuple(fc.constantFrom(...keys), fc.anything()).map(([k, v]) => ({ ...spec, [k]: v }))
  const memberMutated = fc.tuple(fc.nat(2), fc.constantFrom('index', 'peerId', 'encryptionKey', 'account', 'multiaddrs'), fc.anything())
    .map(([i, k, v]) => ({ ...spec, committee: spec.committee.map((m, j) => j === i ? { ...m, [k]: v } : m) }))
  const slotMutated = fc.array(fc.record({ name: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('alice', 'bob', 'x[1]', 'x[')), owner: fc.oneof(hex(20, 20), fc.anything()) }, { requiredKeys: [] }), { maxLength: 4 })
    .map((inputSlots) => ({ ...spec, inputSlots }))
  const raw = fc.oneof(fc.anything(), fc.json().map((j) => JSON.parse(j) as unknown), mutated, memberMutated, slotMutated)
  let accepted = 0
  fc.assert(fc.property(raw, (r) => {
    try {
      const s = checkTaskSpec(r)
      accepted++
      assert.equal(s.taskId, s.taskId.toLowerCase(), JSON.stringify(r))
      assert.equal(s.committee.length, s.n)
    } catch (e) {
      assert.ok(e instanceof NodeError && e.code === 'NODE_CONFIG_INVALID', String(e))
    }
  }), { numRuns: 45_000 })
  assert.ok(accepted > 0, 'some mutations stay valid (the generator reaches the accepting path)')
})

test('withUsableCommittee: 15 000 committees of registry strings, each cleaned or refused with a NodeError', () => {
  const addr = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('/ip4/127.0.0.1/tcp/1', '/dns4/a.b/tcp/4001', '/ip4/999.1.1.1/tcp/1', '/p2p/xyz', 'garbage', ''))
  const peer = fc.oneof(fc.string({ maxLength: 60 }), fc.constant(spec.committee[0]!.peerId), fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{46,52}$/))
  fc.assert(fc.property(fc.array(fc.record({ peerId: peer, multiaddrs: fc.array(addr, { maxLength: 5 }) }), { minLength: 3, maxLength: 3 }), (ms) => {
    const s = { ...spec, committee: ms.map((m, index) => ({ ...spec.committee[index]!, ...m, index })) }
    try {
      const out = withUsableCommittee(s)
      for (const m of out.committee) assert.ok(m.multiaddrs.every((a) => a.startsWith('/')))
    } catch (e) {
      assert.ok(e instanceof NodeError, String(e))
    }
  }), { numRuns: 15_000 })
})

function send(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

test('HTTP API: 1 500 random requests, every refusal a 4xx with a JSON error code, and the node keeps serving', async () => {
  const port = node.api.port
  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  const segment = fc.oneof(fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.constantFrom('v1', 'tasks', 'inputs', 'outputs', 'info', spec.taskId, spec.taskId.toUpperCase(), 'alice', 'bob', 'constructor', '__proto__', '%', '..', 'metrics', 'healthz'))
  const req = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
    path: fc.array(segment, { maxLength: 6 }).map((p) => `/${p.join('/')}`),
    ctype: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
    body: fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 2 }), fc.record({ envelope: hex(0, 200), signature: hex(65, 65) }).map((o) => JSON.stringify(o))), { nil: undefined }),
  })
  await fc.assert(fc.asyncProperty(req, async (r) => {
    const headers: Record<string, string> = r.ctype ? { 'content-type': r.ctype } : {}
    const res = await send(agent, port, r.method, r.path, headers, r.method === 'GET' ? undefined : r.body)
    assert.ok(res.status < 500, `${r.method} ${r.path} → ${res.status} ${res.text}`)
    if (res.status >= 400) {
      const j = JSON.parse(res.text) as { error?: { code?: string } }
      assert.match(j.error?.code ?? '', /^[A-Z_]+$/, res.text)
    }
  }), { numRuns: 1_500 })
  agent.destroy()
  const ok = await send(new Agent(), port, 'GET', `/v1/tasks/${spec.taskId}`, {}, undefined)
  assert.equal(ok.status, 200)
  assert.equal(unhandled, 0, 'no unhandled rejection')
})
