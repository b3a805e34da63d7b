/**
 * The client API under hostile input: malformed and oversized requests, wrong ciphertexts, bad
 * signatures, rate limits. Each gets a 4xx with a JSON error code, and the node keeps serving.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { toHex } from 'viem'
import { getField } from '../field/index.ts'
import { compileContract } from '../lang/index.ts'
import { generateEncryptionKeyPair, sealEnvelope, inputSubmissionMessage } from '../sharing/envelope.ts'
import millionaires from '../../examples/millionaires.ts'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { silentLogger } from './log.ts'
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import { dealSlot, makeTaskSpec, newOwner, slotSubmissions, post, getJson } from './testing/client.ts'
import type { CommitteeMember, TaskSpec } from './task-source.ts'

let root: string
let node: SecretNode
let api: string
let spec: TaskSpec
const owner = newOwner()
const compiled = compileContract(millionaires, {})
const field = getField(compiled.circuit.field)

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-api-'))
  await writeFile(join(root, 'millionaires.json'), compiled.encoding)
  // A committee of three where only member 0 runs: enough to exercise input checks.
  const others = await Promise.all([1, 2].map(async (i) => publicIdentity((await loadOrCreateIdentity(join(root, `ghost${i}`))).identity)))
  node = new SecretNode(checkConfig({ dataDir: join(root, 'node'), tasksFile: join(root, 'tasks.json'), circuitDirs: [root], ratePerSecond: 50, maxBodyBytes: 64 * 1024 }), { log: silentLogger })
  await node.start()
  api = `http://127.0.0.1:${node.api.port}`
  const me = publicIdentity(node.identity)
  const committee: CommitteeMember[] = [me, ...others].map((p, index) => ({ index, ...p, multiaddrs: [] }))
  spec = makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 1, security: 'semi-honest', slots: [{ name: 'alice', owner: owner.address }, { name: 'bob', owner: owner.address }] })
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [spec] }))
  for (let i = 0; i < 100 && (await getJson(`${api}/v1/tasks/${spec.taskId}`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50))
})

after(async () => {
  await node?.stop()
  await rm(root, { recursive: true, force: true })
})

function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        try { resolve({ status: res.statusCode!, json: JSON.parse(text) }) } catch { resolve({ status: res.statusCode!, json: text }) }
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

const json = { 'content-type': 'application/json' }
const inputPath = () => `/v1/tasks/${spec.taskId}/inputs/alice`

test('info and status', async () => {
  const info = await getJson(`${api}/v1/info`)
  assert.equal(info.status, 200)
  assert.equal(info.json.peerId, node.identity.peerId)
  const st = await getJson(`${api}/v1/tasks/${spec.taskId}`)
  assert.deepEqual([st.json.state, st.json.inputs], ['waiting-inputs', { received: 0, expected: 2 }])
})

test('malformed requests get 4xx with a JSON error code', async () => {
  const cases: [string, string, string | undefined, Record<string, string>, number, string][] = [
    ['GET', '/nope', undefined, {}, 404, 'NOT_FOUND'],
    ['GET', '/v1/tasks/0x1234', undefined, {}, 400, 'BAD_TASK_ID'],
    ['GET', `/v1/tasks/0x${'ab'.repeat(32)}`, undefined, {}, 404, 'NODE_TASK_UNKNOWN'],
    ['DELETE', '/v1/info', undefined, {}, 405, 'METHOD_NOT_ALLOWED'],
    ['POST', inputPath(), '{"envelope":"0x00"}', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['POST', inputPath(), '{not json', json, 400, 'BAD_JSON'],
    ['POST', inputPath(), '[1,2]', json, 400, 'BAD_SCHEMA'],
    ['POST', inputPath(), '{"envelope":"0xzz"}', json, 400, 'BAD_SCHEMA'],
    ['POST', inputPath(), '{"envelope":"0x00","extra":1}', json, 400, 'BAD_SCHEMA'],
    ['POST', inputPath(), '{"envelope":"0x00","signature":"0x12"}', json, 400, 'BAD_SCHEMA'],
    ['POST', `/v1/tasks/${spec.taskId}/inputs/${encodeURIComponent('a b')}`, '{}', json, 400, 'BAD_SLOT'],
    ['POST', `/v1/tasks/${spec.taskId}/inputs/carol`, '{"envelope":"0x00"}', json, 404, 'NODE_SLOT_UNKNOWN'],
    ['POST', inputPath(), '{"envelope":"0x00"}', json, 422, 'NODE_SHARE_INVALID'], // no signature
    ['GET', `/v1/tasks/${spec.taskId}/outputs/x`, undefined, {}, 404, 'NOT_READY'],
    ['GET', `/v1/${'x'.repeat(3000)}`, undefined, {}, 414, 'URI_TOO_LONG'],
  ]
  for (const [method, path, body, headers, status, code] of cases) {
    const r = await raw(method, path, body, headers)
    assert.equal(r.status, status, `${method} ${path.slice(0, 60)}: ${JSON.stringify(r.json)}`)
    assert.equal(r.json.error.code, code, `${method} ${path.slice(0, 60)}`)
  }
})

test('oversized bodies are cut off with 413 (declared or streamed)', async () => {
  const big = JSON.stringify({ envelope: '0x' + '00'.repeat(40_000) })
  const r = await raw('POST', inputPath(), big, json)
  assert.equal(r.status, 413)
  assert.equal(r.json.error.code, 'BODY_TOO_LARGE')
  // Chunked upload without a length: the limit is enforced while streaming.
  const r2 = await raw('POST', inputPath(), Buffer.from(big), { ...json, 'transfer-encoding': 'chunked' })
  assert.equal(r2.status, 413)
})

test('a wrong share ciphertext, a share for another node, a bad length or a foreign signature are refused with 422', async () => {
  const ctx = { taskId: spec.taskId, input: 'alice', nodeIndex: 0 }
  const key = Buffer.from(spec.committee[0]!.encryptionKey.slice(2), 'hex')
  const shares = dealSlot(field, [5n], 3, 1)
  const send = async (env: Uint8Array, signer = owner, signCtx = ctx) => raw('POST', inputPath(), JSON.stringify({
    envelope: toHex(env), signature: await signer.signMessage({ message: inputSubmissionMessage(signCtx, env) }),
  }), json)
  // Tampered ciphertext.
  const good = sealEnvelope(key, field.encode(shares[0]!), ctx)
  const bad = good.slice(); bad[60]! ^= 1
  let r = await send(bad)
  assert.deepEqual([r.status, r.json.error.code], [422, 'NODE_SHARE_INVALID'])
  // Sealed for node 1's index (associated data mismatch).
  const other = sealEnvelope(key, field.encode(shares[0]!), { ...ctx, nodeIndex: 1 })
  r = await send(other)
  assert.equal(r.status, 422)
  // Sealed to another key.
  r = await send(sealEnvelope(generateEncryptionKeyPair().publicKey, field.encode(shares[0]!), ctx))
  assert.equal(r.status, 422)
  // Right key and context, wrong number of elements (no pad).
  r = await send(sealEnvelope(key, field.encode(field.fromBigInts([1n])), ctx))
  assert.equal(r.status, 422)
  assert.match(r.json.error.message, /expected 1 \+ 1/)
  // Signed by someone who does not own the slot.
  r = await send(good, newOwner())
  assert.deepEqual([r.status, r.json.error.code], [422, 'NODE_SHARE_INVALID'])
  // The genuine one is accepted, a retry is idempotent, a different one is refused.
  r = await send(good)
  assert.deepEqual([r.status, r.json.accepted, r.json.duplicate], [200, true, false])
  r = await send(good)
  assert.deepEqual([r.status, r.json.duplicate], [200, true])
  r = await send(sealEnvelope(key, field.encode(shares[0]!), ctx))
  assert.deepEqual([r.status, r.json.error.code], [409, 'NODE_TASK_STATE'])
  const st = await getJson(`${api}/v1/tasks/${spec.taskId}`)
  assert.deepEqual(st.json.inputs, { received: 1, expected: 2 })
})

test('a flood is rate limited with 429, and the node still answers afterwards', async () => {
  const results = await Promise.all(Array.from({ length: 200 }, () => raw('GET', '/healthz')))
  assert.ok(results.some((r) => r.status === 429 && r.json.error.code === 'RATE_LIMITED'))
  await new Promise((r) => setTimeout(r, 1_000))
  assert.equal((await raw('GET', '/healthz')).status, 200)
  const metrics = await fetch(`${api}/metrics`).then((r) => r.text())
  assert.match(metrics, /enigma_node_api_requests_total\{route="[a-z]+",status="429"\} \d+/)
  assert.match(metrics, /enigma_node_input_shares_total\{outcome="NODE_SHARE_INVALID"\} \d+/)
})

test('slotSubmissions helper produces requests the node accepts', async () => {
  const subs = await slotSubmissions(field, spec, 'bob', [3n], owner, [api, 'http://127.0.0.1:9', 'http://127.0.0.1:9'])
  const r = await post(subs[0]!)
  assert.equal(r.status, 200)
})
