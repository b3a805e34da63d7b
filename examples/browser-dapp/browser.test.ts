/**
 * The browser tests of issue #13, on one devnet (Hardhat chain, controller, 3 node processes) and one
 * headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), started once for all:
 *
 * - §2 the dashboard: the page opened once, a task run through the SDK; the task must appear and turn
 *   completed without a reload, the node list must match the chain's registry, and the console must
 *   stay free of errors. Its server's pass-throughs refuse chain writes and the nodes' share routes.
 *   `ENIGMA_UPDATE_SCREENSHOT=1` refreshes docs/dashboard.png.
 * - §1 a dApp in the browser: the page in this folder, bundled with the SDK by esbuild and served from
 *   its own origin. With the data owner's key in the page it creates a task, shares and encrypts its
 *   inputs to the nodes over cross-origin requests (CORS, src/node/cors.ts), reads the signed result,
 *   and reads a `revealTo` output addressed to an X25519 key the page generated.
 * - the same `revealTo` delivery through a chain task from Node (no browser): only the named key
 *   opens it, and a task whose recipients do not match the contract's fails on the nodes, clearly.
 *
 * The dashboard tests run first: they count the tasks each node served.
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
import { chromium, type Browser } from 'playwright-core'
import { startDevnet, type Devnet } from '../../src/devnet/devnet.ts'
import { compileFile, contractPath, deployCompiled } from '../../src/devnet/contracts.ts'
import { clientFor, runTaskFlow } from '../../src/devnet/flow.ts'
import { getActiveNodes } from '../../src/chain/actions/getActiveNodes.ts'
import { getNode } from '../../src/chain/actions/getNode.ts'
import { startDevnetDashboard } from '../../src/dashboard/devnet.ts'
import type { Dashboard } from '../../src/dashboard/server.ts'
import type { Compiled } from '../../src/lang/compile.ts'
import { createTask, generateRecipientKey, getOutput, getTask, submitInput, waitForResult } from '../../src/sdk/index.ts'
import type { DappConfig } from './app.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const timing = process.env.ENIGMA_TEST_TIMING === '1'

let root: string
let devnet: Devnet | undefined
let dashboard: Dashboard | undefined
let browser: Browser | undefined
let appJs: Uint8Array
let jointWealth: Compiled
let pageServer: Server | undefined

before(async () => {
  const t = Date.now()
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`)
  root = await mkdtemp(join(tmpdir(), 'enigma-browser-'))
  // Everything that does not need the chain is done while the devnet starts.
  let bundle
  ;[devnet, browser, bundle, jointWealth] = await Promise.all([
    startDevnet({ dir: join(root, 'devnet'), nodes: 3, threshold: 1 }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS }),
    build({
      entryPoints: [join(here, 'app.ts')], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false,
      // Inside the repository `enigma-ts/sdk` resolves to the sources (package.json exports).
      conditions: ['enigma-source'], logLevel: 'silent',
    }),
    compileFile(join(here, 'joint-wealth.ts'), {}),
  ])
  appJs = bundle.outputFiles[0]!.contents
  dashboard = await startDevnetDashboard(devnet.state, (m) => { throw new Error(m) })
  if (timing) console.error(`set-up ${(Date.now() - t) / 1000} s`)
})

after(async () => {
  await browser?.close()
  await new Promise<void>((r) => (pageServer ? pageServer.close(() => r()) : r()))
  await dashboard?.stop()
  await devnet?.stop()
  if (root) await rm(root, { recursive: true, force: true })
})

test('dashboard: the page shows the chain\'s nodes, and a task appears and turns completed without a reload; no console error', async () => {
  const d = devnet!
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } })
  const problems: string[] = []
  const warnings: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); else if (m.type() === 'warning') warnings.push(m.text()) })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  const t0 = Date.now()
  // Chromium reports some completed fetches as ERR_ABORTED once viem has read their body and released
  // the stream (the page got its data: no poll failed); kept for the failure message, not asserted.
  const aborted: string[] = []
  page.on('requestfailed', (r) => aborted.push(`request failed at ${Date.now() - t0} ms: ${r.url()} ${r.failure()?.errorText ?? ''} ${r.postData()?.slice(0, 200) ?? ''}`))
  const mark = (what: string) => { if (timing) console.error(`${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`) }
  await page.goto(dashboard!.url)

  // Nodes: exactly the chain's active set, with the registry's peer ids and state.
  const active = await getActiveNodes(d.publicClient, { address: d.state.controller })
  const want = await Promise.all(active.nodes.map(async (a) => ({ account: a.toLowerCase(), peerId: (await getNode(d.publicClient, { address: d.state.controller, node: a })).peerId, state: 'active' })))
  await page.waitForFunction((n) => document.querySelectorAll('#nodes tr[data-node][data-state="active"]').length === n, active.nodes.length, { timeout: 30_000 })
  const shown = await page.$$eval('#nodes tr[data-node]', (rows) => rows.map((r) => ({ account: r.getAttribute('data-node')!, peerId: r.getAttribute('data-peer')!, state: r.getAttribute('data-state')! })))
  const byAccount = (a: { account: string }, b: { account: string }) => a.account.localeCompare(b.account)
  assert.deepEqual(shown.sort(byAccount), want.sort(byAccount))
  mark('nodes shown')
  // Node metrics reached through the server: every node has been seen.
  await page.waitForFunction(() => Array.from(document.querySelectorAll('#nodes tr[data-node]')).every((r) => /s ago/.test(r.lastElementChild!.textContent ?? '')), undefined, { timeout: 20_000 })

  mark('metrics seen')
  // A marker that a reload would wipe.
  await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42 })
  const compiled = await compileFile(contractPath('millionaires'), {})
  await deployCompiled(clientFor(d.state, d.state.deployer.privateKey), d.state.circuitsDir, compiled)
  const keys = d.state.accounts.map((a) => a.privateKey)
  const flow = runTaskFlow({
    state: d.state, compiled, creator: keys[0]!, security: 'semi-honest', n: 3, t: 1,
    slots: [{ slot: 'alice', value: 1_000_000, owner: keys[1]! }, { slot: 'bob', value: 999_999, owner: keys[2]! }],
  })
  // The task appears while it runs (before or as it completes), then turns completed in place.
  const taskRow = await flow.then((r) => `#tasks tr[data-task="${r.taskId}"]`)
  mark('task done')
  await page.waitForSelector(taskRow, { timeout: 30_000 })
  await page.waitForSelector(`${taskRow}[data-status="completed"]`, { timeout: 60_000 })
  mark('page shows completed')
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was reloaded')
  const cells = await page.$$eval(`${taskRow} td`, (tds) => tds.map((t) => t.textContent ?? ''))
  assert.equal(cells[2], 'semi-honest')
  assert.equal(cells[3], '3 (t=1)')
  assert.equal(cells[4], '2/2')
  assert.match(cells[9]!, /0x.*\(\d+ signers\)/)
  // A record stored through the SDK appears in the records table (the records contract's events), still
  // without a reload; the table names the record and never shows a share.
  const { storeRecord } = await import('../../src/sdk/index.ts')
  const stored = await storeRecord(clientFor(d.state, keys[1]!), { type: 'uint32', value: 7 })
  await page.waitForFunction((id) => Array.from(document.querySelectorAll('#records tr')).some((r) => (r.textContent ?? '').includes('RecordStored') && (r.textContent ?? '').includes(id.slice(0, 8))), stored.recordId, { timeout: 30_000 })
  assert.equal(await page.evaluate(() => document.getElementById('records-section')!.hidden), false)
  mark('page shows the record')
  // Latency chart and planner drawn.
  await page.waitForSelector('#latency svg circle', { timeout: 10_000 })
  await page.waitForSelector('#plan-plot svg', { timeout: 10_000 })
  // Tasks served, from the nodes' metrics: the committee's nodes count the task.
  await page.waitForFunction(() => Array.from(document.querySelectorAll('#nodes tr[data-node]')).every((r) => (r.children[4]!.textContent ?? '') === '1'), undefined, { timeout: 20_000 })
  // The planner answers a what-if (100 nodes, 10 % adversary) in the page, from the same module as `enigma plan`.
  await page.fill('input[name=nodes]', '100')
  await page.fill('input[name=corrupt]', '0.1')
  const { plan } = await import('../../src/chain/committee-planner.ts')
  const wantN = plan({ nodes: 100, corrupt: 0.1, target: 1e-9 }).recommended
  await page.waitForFunction((n) => (document.getElementById('plan-result')?.textContent ?? '').includes(`n = ${n} `), wantN, { timeout: 10_000 })
  if (process.env.ENIGMA_UPDATE_SCREENSHOT === '1') await page.screenshot({ path: SCREENSHOT, fullPage: true })
  assert.deepEqual(problems, [], `request failures: ${aborted.join('\n')}`)
  // No poll failed either (each failure is a console warning and a line in the header).
  assert.deepEqual(warnings, [], `request failures: ${aborted.join('\n')}`)
  await page.close()
})

test('dashboard: the server passes only reads: chain writes and the nodes\' share routes are refused', async () => {
  const base = dashboard!.url
  const rpc = (body: unknown) => fetch(new URL('/rpc', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  // Hardhat signs eth_sendTransaction with its unlocked accounts: the dashboard must never pass it.
  const from = devnet!.state.deployer.address
  for (const method of ['eth_sendTransaction', 'eth_sendRawTransaction', 'hardhat_setBalance', 'evm_mine', 'eth_sign']) {
    const r = await rpc({ jsonrpc: '2.0', id: 1, method, params: [{ from, to: from, value: '0x1' }] })
    assert.equal(r.status, 403, method)
  }
  // A batch that hides a write among reads is refused as a whole.
  assert.equal((await rpc([{ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }, { jsonrpc: '2.0', id: 2, method: 'eth_sendTransaction', params: [{ from, to: from }] }])).status, 403)
  const ok = await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] })
  assert.equal(ok.status, 200)
  assert.match(((await ok.json()) as { result: string }).result, /^0x/)
  const id = `0x${'ab'.repeat(32)}`
  for (const path of [`/node/0/v1/tasks/${id}/outputs/x`, `/node/0/v1/tasks/${id}/inputs/a`, `/node/0/v1/tasks/${id}%2Foutputs%2Fx`, '/node/9/metrics', '/node/0/v1/config']) {
    assert.equal((await fetch(new URL(path, base))).status, 404, path)
  }
  const metrics = await fetch(new URL('/node/0/metrics', base))
  assert.equal(metrics.headers.get('x-upstream-status'), '200')
  assert.match(await metrics.text(), /enigma_node_tasks_total|enigma_node_api_requests_total/)
})

/** The page's own origin: a static server on another port than the nodes and the chain. */
async function servePage(config: DappConfig): Promise<string> {
  const files: Record<string, [string, string | Uint8Array]> = {
    '/': ['text/html', await readFile(join(here, 'index.html'))],
    '/app.js': ['text/javascript', appJs],
    '/config.json': ['application/json', JSON.stringify(config)],
  }
  pageServer = createServer((req, res) => {
    const f = files[req.url ?? '/']
    if (!f) { res.writeHead(404).end(); return }
    res.writeHead(200, { 'content-type': f[0] }).end(f[1])
  })
  await new Promise<void>((r) => pageServer!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`
}

test('dApp in headless Chromium: create a task, submit inputs as the data owner, read the result and a revealTo output for a key made in the page', { timeout: 600_000 }, async () => {
  const d = devnet!
  await deployCompiled(clientFor(d.state, d.state.deployer.privateKey), d.state.circuitsDir, jointWealth)
  const c = jointWealth.circuit
  const config: DappConfig = {
    client: { rpcUrl: d.state.rpcUrl, controller: d.state.controller, chainId: d.state.chainId, nodeApis: Object.fromEntries(d.state.nodes.map((n) => [n.peerId, n.api])) },
    ownerKey: d.state.accounts[0]!.privateKey, codeHash: jointWealth.codeHash, params: {},
    circuit: { field: c.field, inputs: c.inputs, outputs: c.outputs }, n: 3, t: 1,
    values: { alice: 1_000_000, bob: 999_999 }, recipient: 'advisor', privateOutput: 'total',
  }
  const page = await servePage(config)
  const pageOrigin = new URL(page).origin
  for (const n of d.state.nodes) assert.notEqual(new URL(n.api).origin, pageOrigin, 'the nodes are another origin')

  const tab = await browser!.newPage()
  try {
    const consoleErrors: { text: string; url: string }[] = []
    tab.on('console', (m) => { if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url }) })
    tab.on('pageerror', (e) => consoleErrors.push({ text: e.message, url: '' }))
    const inputPosts: { url: string; status: number; allowOrigin: string | undefined }[] = []
    const outputGets: typeof inputPosts = []
    tab.on('response', (r) => {
      const seen = { url: r.url(), status: r.status(), allowOrigin: r.headers()['access-control-allow-origin'] }
      if (r.request().method() === 'POST' && /\/inputs\//.test(r.url())) inputPosts.push(seen)
      if (r.request().method() === 'GET' && /\/outputs\//.test(r.url())) outputGets.push(seen)
    })
    await tab.goto(page)
    await tab.waitForFunction(() => document.body.dataset.result !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 420_000, polling: 250 })
    const error = await tab.evaluate(() => document.body.dataset.error)
    assert.equal(error, undefined, `the page failed: ${error}\n${(await tab.textContent('#log')) ?? ''}`)
    const result = JSON.parse((await tab.evaluate(() => document.body.dataset.result))!) as {
      taskId: `0x${string}`; outputs: unknown; signers: number; recipientKey: `0x${string}`; privateOutput: unknown; corrected: unknown[]
    }
    assert.deepEqual(result.outputs, { aliceRicher: true }, 'the public output only: the private one is not on chain')
    assert.ok(result.signers >= 2, 'signed by at least t+1 members')
    // The revealTo output, reconstructed in the page from every member's share, each opened with the page's key.
    assert.equal(result.privateOutput, 1_999_999)
    assert.deepEqual(result.corrected, [])
    // Every input went from the page to each of the 3 nodes, cross-origin, and was accepted (the SDK
    // retries a node that has not seen the new task yet: its last answer counts), and every answer,
    // errors included, was readable by the page (CORS header). The same for the 3 output shares.
    for (const [what, seen, count] of [['inputs', inputPosts, 2 * 3], ['output shares', outputGets, 3]] as const) {
      const last = new Map(seen.map((p) => [p.url, p.status]))
      assert.equal(last.size, count, `${what}: ${JSON.stringify(seen)}`)
      assert.deepEqual([...last.values()], Array(count).fill(200), `${what}: ${JSON.stringify(seen)}`)
      for (const p of seen) assert.equal(p.allowOrigin, '*', p.url)
    }
    // Chromium logs every 4xx fetch; the only ones allowed are the SDK's retries of an input a node
    // refused with 404 before it saw the new task, or of an output share a member had not stored yet,
    // that the node then answered (checked above).
    const retried = new Set([...inputPosts, ...outputGets].filter((p) => p.status === 404).map((p) => p.url))
    assert.deepEqual(consoleErrors.filter((e) => !(e.text.includes('status of 404') && retried.has(e.url))), [])
    // The chain agrees (read from Node, not from the page), and carries the page's public key.
    const reader = clientFor(d.state, undefined)
    const onChain = await getTask(reader, { taskId: result.taskId })
    assert.equal(onChain.status, 'completed')
    const shares = await Promise.all(d.state.nodes.map(async (n) => (await (await fetch(`${n.api}/v1/tasks/${result.taskId}/outputs/total`)).json()) as { recipient: string }))
    assert.deepEqual(shares.map((s) => s.recipient), Array(3).fill(result.recipientKey))
  } finally {
    await tab.close()
  }
})

test('revealTo through a chain task from Node: only the named key opens the output; a task whose recipients differ from the contract\'s fails clearly', { timeout: 600_000 }, async () => {
  const d = devnet!
  const keys = d.state.accounts.map((a) => a.privateKey)
  const creator = clientFor(d.state, keys[3]!)
  const owners = [clientFor(d.state, keys[4]!), clientFor(d.state, keys[5]!)]
  const circuit = jointWealth.circuit
  const advisor = generateRecipientKey()
  const base = {
    codeHash: jointWealth.codeHash, n: 3, t: 1, security: 'malicious' as const,
    inputSlots: [{ name: 'alice', owner: owners[0]!.account!.address }, { name: 'bob', owner: owners[1]!.account!.address }],
  }
  const task = await createTask(creator, { ...base, recipients: { advisor: advisor.publicKey } })
  await Promise.all([
    submitInput(owners[0]!, { taskId: task.taskId, slot: 'alice', value: 250, circuit }),
    submitInput(owners[1]!, { taskId: task.taskId, slot: 'bob', value: 4_000_000_000, circuit }),
  ])
  const r = await waitForResult(creator, { taskId: task.taskId, circuit, timeoutMs: 240_000 })
  assert.deepEqual(r.outputs, { aliceRicher: false })
  // 33 bits: the sum of two uint32 does not wrap.
  const total = await getOutput(creator, { taskId: task.taskId, output: 'total', recipientKey: advisor.secretKey, circuit })
  assert.equal(total.value, 4_000_000_250)
  // Anyone else's key (here the creator's own) is refused by name, before any share is fetched.
  const other = generateRecipientKey()
  await assert.rejects(getOutput(creator, { taskId: task.taskId, output: 'total', recipientKey: other.secretKey, circuit }),
    { code: 'SDK_OUTPUT_UNAVAILABLE', message: new RegExp(`is for recipient 'advisor' with key ${advisor.publicKey}`) })

  // The contract reveals to 'advisor'; a task that names someone else is refused by every member
  // before any input is taken, and the client is told why.
  const wrong = await createTask(creator, { ...base, recipients: { auditor: other.publicKey } })
  await assert.rejects(waitForResult(creator, { taskId: wrong.taskId, circuit, timeoutMs: 120_000 }),
    { code: 'SDK_TASK_FAILED', message: /no key for recipient 'advisor' of output 'total'/ })
})
