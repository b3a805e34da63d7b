/**
 * Cross-origin access to a node's client API (cors.ts): preflight and actual requests from an allowed
 * origin get the CORS headers, any other origin is refused outright (403, no CORS headers, so a
 * browser neither reads nor sends anything), credentials are never allowed, and the default is any
 * origin. Against a real SecretNode's HTTP server.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request, type IncomingHttpHeaders } from 'node:http'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { silentLogger } from './log.ts'

const APP = 'http://127.0.0.1:5173'
let root: string
let restricted: SecretNode
let open: SecretNode

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-cors-'))
  restricted = new SecretNode(checkConfig({ dataDir: join(root, 'a'), corsOrigins: [APP, 'https://app.example.org'] }), { log: silentLogger })
  open = new SecretNode(checkConfig({ dataDir: join(root, 'b') }), { log: silentLogger })
  await restricted.start()
  await open.start()
})

after(async () => {
  await restricted?.stop()
  await open?.stop()
  await rm(root, { recursive: true, force: true })
})

function call(node: SecretNode, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`http://127.0.0.1:${node.api.port}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

const TASK = `/v1/tasks/0x${'ab'.repeat(32)}/inputs/alice`

test('preflight from an allowed origin: 204 with origin, methods and content-type allowed, never credentials', async () => {
  const r = await call(restricted, 'OPTIONS', TASK, { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' })
  assert.equal(r.status, 204)
  assert.equal(r.headers['access-control-allow-origin'], APP)
  assert.match(String(r.headers['access-control-allow-methods']), /\bPOST\b/)
  assert.match(String(r.headers['access-control-allow-headers']), /content-type/i)
  assert.match(String(r.headers.vary), /Origin/)
  assert.equal(r.headers['access-control-allow-credentials'], undefined)
})

test('actual request from an allowed origin carries the header, errors included', async () => {
  const info = await call(restricted, 'GET', '/v1/info', { origin: APP })
  assert.equal(info.status, 200)
  assert.equal(info.headers['access-control-allow-origin'], APP)
  // A browser must be able to read error bodies too (what to fix), so 4xx answers carry it as well.
  const missing = await call(restricted, 'GET', `/v1/tasks/0x${'cd'.repeat(32)}`, { origin: 'https://app.example.org' })
  assert.equal(missing.status, 404)
  assert.equal(missing.headers['access-control-allow-origin'], 'https://app.example.org')
})

test('another origin is refused: preflight and request get 403 and no CORS header', async () => {
  for (const evil of ['http://127.0.0.1:5174', 'https://app.example.org.evil.com', 'null', `${APP}/`]) {
    const pre = await call(restricted, 'OPTIONS', TASK, { origin: evil, 'access-control-request-method': 'POST' })
    assert.equal(pre.status, 403, evil)
    assert.equal(pre.headers['access-control-allow-origin'], undefined, evil)
    const get = await call(restricted, 'GET', '/v1/info', { origin: evil })
    assert.equal(get.status, 403, evil)
    assert.equal(JSON.parse(get.body).error.code, 'CORS_ORIGIN_DENIED')
    assert.equal(get.headers['access-control-allow-origin'], undefined, evil)
  }
})

test('no Origin (curl, the SDK in Node) is not CORS: served, no headers; same-origin pages are served', async () => {
  const r = await call(restricted, 'GET', '/v1/info', {})
  assert.equal(r.status, 200)
  assert.equal(r.headers['access-control-allow-origin'], undefined)
  const self = `http://127.0.0.1:${restricted.api.port}`
  assert.equal((await call(restricted, 'GET', '/v1/info', { origin: self })).status, 200)
})

test('default: any origin, as "*", without credentials', async () => {
  const pre = await call(open, 'OPTIONS', TASK, { origin: 'https://some-dapp.example', 'access-control-request-method': 'POST' })
  assert.equal(pre.status, 204)
  assert.equal(pre.headers['access-control-allow-origin'], '*')
  assert.equal(pre.headers['access-control-allow-credentials'], undefined)
  const get = await call(open, 'GET', '/v1/info', { origin: 'https://some-dapp.example' })
  assert.equal(get.headers['access-control-allow-origin'], '*')
})

test('config: corsOrigins entries must be "*" or scheme://host[:port]', () => {
  for (const bad of ['app.example.org', 'https://app.example.org/', 'https://app.example.org/path', 'ftp://x', '']) {
    assert.throws(() => checkConfig({ dataDir: 'x', corsOrigins: [bad] }), /corsOrigins/, bad)
  }
  assert.throws(() => checkConfig({ dataDir: 'x', corsOrigins: '*' }), /corsOrigins must be a list/)
  assert.deepEqual(checkConfig({ dataDir: 'x', corsOrigins: ['https://a.example:8443', 'http://[::1]:3000'] }).corsOrigins, ['https://a.example:8443', 'http://[::1]:3000'])
})
