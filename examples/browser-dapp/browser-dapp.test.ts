/**
 * A dApp in a real browser (issue #13 §1): the page in this folder, bundled with the SDK by esbuild and
 * served from its own origin, runs in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) against a devnet (Hardhat chain, controller, 3 node processes). With the data
 * owner's key in the page it creates a task, shares and encrypts its inputs to the nodes over
 * cross-origin requests (CORS, src/node/cors.ts), and reads the signed result. No console error.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { startDevnet, type Devnet } from '../../src/devnet/devnet.ts'
import { compileFile, contractPath, deployCompiled } from '../../src/devnet/contracts.ts'
import { clientFor } from '../../src/devnet/flow.ts'
import { getTask } from '../../src/sdk/index.ts'
import type { DappConfig } from './app.ts'

const CHROMIUM = '/usr/bin/chromium'
const here = fileURLToPath(new URL('.', import.meta.url))
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)`

let root: string
let devnet: Devnet | undefined
let server: Server | undefined

before(async () => {
  if (skip) return
  root = await mkdtemp(join(tmpdir(), 'enigma-browser-'))
  devnet = await startDevnet({ dir: join(root, 'devnet'), nodes: 3, threshold: 1 })
})

after(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  await devnet?.stop()
  if (root) await rm(root, { recursive: true, force: true })
})

/** The page's own origin: a static server on another port than the nodes and the chain. */
async function servePage(config: DappConfig): Promise<string> {
  const bundle = await build({
    entryPoints: [join(here, 'app.ts')], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false,
    // Inside the repository `enigma-ts/sdk` resolves to the sources (package.json exports).
    conditions: ['enigma-source'], logLevel: 'silent',
  })
  const files: Record<string, [string, string | Uint8Array]> = {
    '/': ['text/html', await readFile(join(here, 'index.html'))],
    '/app.js': ['text/javascript', bundle.outputFiles[0]!.contents],
    '/config.json': ['application/json', JSON.stringify(config)],
  }
  server = createServer((req, res) => {
    const f = files[req.url ?? '/']
    if (!f) { res.writeHead(404).end(); return }
    res.writeHead(200, { 'content-type': f[0] }).end(f[1])
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

test('headless Chromium: create a task, submit inputs as the data owner, read the result', { skip, timeout: 600_000 }, async () => {
  const d = devnet!
  const compiled = await compileFile(contractPath('millionaires'), {})
  await deployCompiled(clientFor(d.state, d.state.deployer.privateKey), d.state.circuitsDir, compiled)
  const c = compiled.circuit
  const config: DappConfig = {
    client: { rpcUrl: d.state.rpcUrl, controller: d.state.controller, chainId: d.state.chainId, nodeApis: Object.fromEntries(d.state.nodes.map((n) => [n.peerId, n.api])) },
    ownerKey: d.state.accounts[0]!.privateKey, codeHash: compiled.codeHash, params: {},
    circuit: { field: c.field, inputs: c.inputs, outputs: c.outputs }, n: 3, t: 1,
    values: { alice: 1_000_000, bob: 999_999 },
  }
  const page = await servePage(config)
  const pageOrigin = new URL(page).origin
  for (const n of d.state.nodes) assert.notEqual(new URL(n.api).origin, pageOrigin, 'the nodes are another origin')

  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const tab = await browser.newPage()
    const consoleErrors: { text: string; url: string }[] = []
    tab.on('console', (m) => { if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url }) })
    tab.on('pageerror', (e) => consoleErrors.push({ text: e.message, url: '' }))
    const inputPosts: { url: string; status: number; allowOrigin: string | undefined }[] = []
    tab.on('response', (r) => {
      if (r.request().method() === 'POST' && /\/inputs\//.test(r.url())) inputPosts.push({ url: r.url(), status: r.status(), allowOrigin: r.headers()['access-control-allow-origin'] })
    })
    await tab.goto(page)
    await tab.waitForFunction(() => document.body.dataset.result !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 420_000, polling: 250 })
    const error = await tab.evaluate(() => document.body.dataset.error)
    assert.equal(error, undefined, `the page failed: ${error}\n${(await tab.textContent('#log')) ?? ''}`)
    const result = JSON.parse((await tab.evaluate(() => document.body.dataset.result))!) as { taskId: `0x${string}`; outputs: unknown; signers: number }
    assert.deepEqual(result.outputs, { aliceRicher: true, equal: false })
    assert.ok(result.signers >= 2, 'signed by at least t+1 members')
    // Every input went from the page to each of the 3 nodes, cross-origin, and was accepted (the SDK
    // retries a node that has not seen the new task yet: its last answer counts), and every answer,
    // errors included, was readable by the page (CORS header).
    const last = new Map(inputPosts.map((p) => [p.url, p.status]))
    assert.equal(last.size, 2 * 3, JSON.stringify(inputPosts))
    assert.deepEqual([...last.values()], Array(6).fill(200), JSON.stringify(inputPosts))
    for (const p of inputPosts) assert.equal(p.allowOrigin, '*', p.url)
    // Chromium logs every 4xx fetch; the only ones allowed are the SDK's retries of an input a node
    // refused with 404 before it saw the new task, and that it then accepted (checked above).
    const retried = new Set(inputPosts.filter((p) => p.status === 404).map((p) => p.url))
    assert.deepEqual(consoleErrors.filter((e) => !(e.text.includes('status of 404') && retried.has(e.url))), [])
    // The chain agrees (read from Node, not from the page).
    const onChain = await getTask(clientFor(d.state, undefined), { taskId: result.taskId })
    assert.equal(onChain.status, 'completed')
  } finally {
    await browser.close()
  }
})
