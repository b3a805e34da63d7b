/**
 * Issue #15, defect 4: an input that could not be retried. One committee member is unreachable while
 * the owner submits (its API behind a proxy that is down); the call fails, the member comes back,
 * and the retry succeeds because it resends the *same* envelopes: the members that stored the first
 * attempt acknowledge a duplicate instead of refusing fresh shares with 409, and the task computes
 * the right result (every member holds a share of one dealing). On a devnet: Hardhat chain,
 * controller, three node processes.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevnet, nodeApis, type Devnet } from '../../devnet/devnet.ts'
import { compileFile, contractPath, deployCompiled } from '../../devnet/contracts.ts'
import { clientFor } from '../../devnet/flow.ts'
import { isEnigmaError } from '../../common/errors.ts'
import { createEnigmaClient, createTask, submitInput, waitForResult, InputDeliveryError } from '../index.ts'

let root: string
let devnet: Devnet | undefined

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-sdk-retry-'))
  devnet = await startDevnet({ dir: join(root, 'devnet'), nodes: 3, threshold: 1 })
})

after(async () => {
  await devnet?.stop()
  await rm(root, { recursive: true, force: true })
})

/** A TCP proxy to `port` on a fixed local port: `up()` / `down()` make the node reachable or not. */
async function proxy(port: number): Promise<{ url: string; up(): Promise<void>; down(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const make = () => createServer((c) => {
    const s = connect(port, '127.0.0.1')
    sockets.add(c); sockets.add(s)
    c.pipe(s).pipe(c)
    const end = () => { c.destroy(); s.destroy() }
    c.on('error', end); s.on('error', end); c.on('close', end); s.on('close', end)
  })
  let server: Server | undefined = make()
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  const listen = (server.address() as { port: number }).port
  const down = async () => {
    for (const s of sockets) s.destroy()
    if (server) await new Promise<void>((r) => server!.close(() => r()))
    server = undefined
  }
  await down()
  return {
    url: `http://127.0.0.1:${listen}`,
    down,
    async up() { server = make(); await new Promise<void>((r) => server!.listen(listen, '127.0.0.1', r)) },
  }
}

test('a node down during the first attempt: the retry resends the same envelopes and the slot fills', async () => {
  const d = devnet!
  const compiled = await compileFile(contractPath('millionaires'), {})
  await deployCompiled(clientFor(d.state, d.state.deployer.privateKey), d.state.circuitsDir, compiled)
  const [alice, creator] = [d.state.accounts[0]!.privateKey, d.state.accounts[1]!.privateKey]
  const victim = d.state.nodes[2]!
  const p = await proxy(Number(new URL(victim.api).port))
  const apis = nodeApis(d.state)
  const owner = createEnigmaClient({
    rpcUrl: d.state.rpcUrl, controller: d.state.controller, chainId: d.state.chainId, account: alice, pollingIntervalMs: 100,
    nodeApis: (m) => m.peerId === victim.peerId ? p.url : apis[m.peerId],
  })
  const task = await createTask(clientFor(d.state, creator), {
    codeHash: compiled.codeHash, params: compiled.circuit.params, n: 3, t: 1, security: 'malicious',
    inputSlots: [{ name: 'alice', owner: owner.account!.address }, { name: 'bob', owner: owner.account!.address }],
  })
  const first = await submitInput(owner, { taskId: task.taskId, slot: 'alice', value: 700, circuit: compiled.circuit, timeoutMs: 2_000 }).then(() => undefined, (e: unknown) => e)
  assert.ok(first instanceof InputDeliveryError && isEnigmaError(first, 'SDK_NODE_UNREACHABLE'), String(first))
  assert.equal(first.sealed.envelopes.length, 3)
  await p.up()
  // Before the fix: fresh shares, and the two members holding the first ones answered 409.
  await submitInput(owner, { taskId: task.taskId, slot: 'alice', value: 700, circuit: compiled.circuit })
  await submitInput(owner, { taskId: task.taskId, slot: 'bob', value: 300, circuit: compiled.circuit })
  const r = await waitForResult(owner, { taskId: task.taskId })
  assert.deepEqual(r.outputs, { aliceRicher: ['1'], equal: ['0'] })
  await p.down()
})
