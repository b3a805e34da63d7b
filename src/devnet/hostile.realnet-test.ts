/**
 * Hostile peers (issue #15, defect 3): a stranger connects to a secret node and, for 20 s, floods the
 * attestation topic with junk (malformed bytes, well-formed attestations for unknown task ids,
 * forgeries for a real task) and asks for circuits that do not exist. Meanwhile tasks are created on
 * a chain with id 4242 and a block every second. The node must keep up with the chain (each new task
 * known to it within a few blocks) and its memory must stay bounded. The node's RPC answers with a
 * real provider's latency (40 ms) and quota (15 requests/s): junk that made the node ask the chain
 * would spend that quota and starve the node's own polling. Run by `npm run test:realnet`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWalletClient, http, parseEther, type Hex } from 'viem'
import { waitForTransactionReceipt } from 'viem/actions'
import { privateKeyToAccount } from 'viem/accounts'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { startHardhatNode, hardhatAccount, type HardhatNode } from '../chain/testing/hardhat-node.ts'
import { deployController } from '../chain/actions/deployController.ts'
import { registerNode } from '../chain/actions/registerNode.ts'
import { setActive } from '../chain/actions/setActive.ts'
import { loadOrCreateIdentity } from '../node/identity.ts'
import { createHost } from '../node/host.ts'
import { CIRCUIT_PROTOCOL } from '../node/circuits.ts'
import { ATTESTATION_TOPIC, encodeAttestationMessage } from '../node/attestation-gossip-codec.ts'
import { createEnigmaClient, createTask } from '../sdk/index.ts'
import { DEVNET_CONFIG } from './devnet.ts'
import { evmChain } from './evm-chain.ts'
import { spawnNode, type NodeProcess } from './node-process.ts'
import { compileFile, contractPath, deployCompiled } from './contracts.ts'

const CHAIN_ID = 4242
const hex = (n: number): Hex => `0x${randomBytes(n).toString('hex')}`
/**
 * The node reaches the chain through this proxy, which adds the latency of a real RPC provider
 * (tens of milliseconds per call, not a loopback Hardhat's one or two): what makes every chain
 * request that junk could trigger expensive.
 */
interface Rpc { url: string; server: Server; requests: number; throttled: number }
async function slowRpc(target: string, delayMs: number, perSecond: number): Promise<Rpc> {
  // A provider's quota, as public RPC endpoints enforce: a token bucket, 429 beyond it.
  let tokens = perSecond * 2, at = Date.now()
  const server = createServer((req, res) => {
    rpc.requests++
    tokens = Math.min(perSecond * 2, tokens + ((Date.now() - at) / 1000) * perSecond)
    at = Date.now()
    if (tokens < 1) { rpc.throttled++; req.resume(); res.writeHead(429); res.end(); return }
    tokens -= 1
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      setTimeout(() => {
        fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
          .then(async (r) => { res.writeHead(r.status, { 'content-type': 'application/json' }); res.end(Buffer.from(await r.arrayBuffer())) })
          .catch(() => { res.writeHead(502); res.end() })
      }, delayMs)
    })
  })
  const rpc: Rpc = { url: '', server, requests: 0, throttled: 0 }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  rpc.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return rpc
}

const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

test('a stranger flooding gossip and circuit requests does not make the node fall behind the chain or grow without bound', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-hostile-'))
  let chain: HardhatNode | undefined
  let node: NodeProcess | undefined
  let proxy: Rpc | undefined
  const stranger = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  try {
    chain = await startHardhatNode({ chainId: CHAIN_ID, intervalMs: 1_000 })
    const evm = evmChain(CHAIN_ID, chain.url)
    const wallet = (key: Hex | number) => createWalletClient({ chain: evm, transport: http(chain!.url), account: typeof key === 'number' ? hardhatAccount(key) : privateKeyToAccount(key), pollingInterval: 100 })
    const deployed = await deployController(wallet(0), DEVNET_CONFIG)
    const circuits = join(root, 'circuits')
    proxy = await slowRpc(chain.url, 40, 15)
    node = await spawnNode({ index: 0, dir: join(root, 'node'), config: {
      rpcUrl: proxy.url, controller: deployed.address, chainId: CHAIN_ID, fromBlock: String(deployed.blockNumber), pollingIntervalMs: 500,
      node: { dataDir: join(root, 'node'), circuitDirs: [circuits] },
    } })
    // Three registered members: the running node and two identities that never come online.
    const members = [(await loadOrCreateIdentity(join(root, 'node'))).identity, (await loadOrCreateIdentity(join(root, 'm1'))).identity, (await loadOrCreateIdentity(join(root, 'm2'))).identity]
    for (const [i, id] of members.entries()) {
      const hash = await wallet(0).sendTransaction({ to: id.account.address, value: parseEther('12') })
      await waitForTransactionReceipt(wallet(0), { hash })
      const w = wallet(id.accountKey.expose())
      const info = i === 0 ? node.info : { encryptionKey: `0x${Buffer.from(id.encryptionPublicKey).toString('hex')}` as Hex, multiaddrs: [`/ip4/127.0.0.1/tcp/9/p2p/${id.peerId}`] }
      await registerNode(w, { address: deployed.address, peerId: id.peerId, encryptionKey: info.encryptionKey, multiaddrs: [...info.multiaddrs], stake: parseEther('10') })
      await setActive(w, { address: deployed.address, active: true })
    }
    const creator = createEnigmaClient({ rpcUrl: chain.url, controller: deployed.address, chainId: CHAIN_ID, account: hex(32), pollingIntervalMs: 100, fromBlock: deployed.blockNumber })
    await waitForTransactionReceipt(wallet(0), { hash: await wallet(0).sendTransaction({ to: creator.account!.address, value: parseEther('100') }) })
    const compiled = await compileFile(contractPath('millionaires'), {})
    await deployCompiled(createEnigmaClient({ rpcUrl: chain.url, controller: deployed.address, chainId: CHAIN_ID, account: `0x${Buffer.from(hardhatAccount(0).getHdKey().privateKey!).toString('hex')}` }), circuits, compiled)

    await stranger.start()
    stranger.services.pubsub.subscribe(ATTESTATION_TOPIC)
    await stranger.dial(multiaddr(node.info.multiaddrs[0]!))
    for (let i = 0; i < 100 && !stranger.services.pubsub.getSubscribers(ATTESTATION_TOPIC).some((p) => p.toString() === node!.info.peerId); i++) await new Promise((r) => setTimeout(r, 100))
    await new Promise((r) => setTimeout(r, 2_000))
    const rss0 = await rssMb(node.pid)
    const requests0 = proxy.requests, throttled0 = proxy.throttled

    const until = Date.now() + 20_000
    let published = 0, circuitAsks = 0
    const forged = encodeAttestationMessage({ taskId: hex(32), outputHash: hex(32), publicOutputs: '0x', signer: members[1]!.account.address, signature: hex(65) })
    const flood = async () => {
      while (Date.now() < until) {
        const k = published % 3
        const data = k === 0 ? randomBytes(300) : k === 1 ? encodeAttestationMessage({ taskId: hex(32), outputHash: hex(32), publicOutputs: hex(64), signer: hex(20), signature: hex(65) }) : forged
        await stranger.services.pubsub.publish(ATTESTATION_TOPIC, data).catch(() => {})
        // ~500 messages/s, 25× the per-peer rate: enough to drown a node without a filter, while
        // leaving this (shared) process the time to drive the chain.
        if (++published % 50 === 0) await new Promise((r) => setTimeout(r, 100))
      }
    }
    const askCircuits = async () => {
      while (Date.now() < until) {
        try {
          const s = await stranger.dialProtocol(multiaddr(node!.info.multiaddrs[0]!), CIRCUIT_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
          s.send(randomBytes(32))
          for await (const _ of s) break
          s.abort(new Error('done'))
        } catch { /* refused or reset: fine */ }
        circuitAsks++
      }
    }
    const lags: number[] = []
    const tasks = async () => {
      while (Date.now() < until - 3_000) {
        const task = await createTask(creator, {
          codeHash: compiled.codeHash, n: 3, t: 1, security: 'semi-honest',
          inputSlots: [{ name: 'alice', owner: creator.account!.address }, { name: 'bob', owner: creator.account!.address }],
        })
        const t0 = Date.now()
        for (;;) {
          const r = await fetch(`${node!.info.api}/v1/tasks/${task.taskId}`).catch(() => undefined)
          if (r?.status === 200) break
          if (Date.now() - t0 > 60_000) break
          await new Promise((res) => setTimeout(res, 100))
        }
        lags.push(Date.now() - t0)
      }
    }
    await Promise.all([flood(), askCircuits(), askCircuits(), tasks()])
    const rss1 = await rssMb(node.pid)
    const requests = proxy.requests - requests0, throttled = proxy.throttled - throttled0
    assert.ok(published > 500, `the stranger published only ${published} messages`)
    assert.ok(lags.length >= 2, `tasks created during the flood: ${lags.length}`)
    // "Within a few blocks": 1 s blocks, 0.5 s polling; generous for a loaded 2-core machine.
    assert.ok(lags.every((l) => l < 8_000), `lag from createTask to the node knowing the task (ms): ${lags.join(', ')}`)
    // The node's chain traffic is its own polling and the tasks' reads, not a function of the junk.
    assert.ok(requests < 15 * 20, `${requests} RPC requests in 20 s of flood (${throttled} over quota)`)
    assert.ok(throttled < 10, `${throttled} of ${requests} RPC requests over the provider's quota`)
    assert.ok(rss1 - rss0 < 100, `node RSS grew from ${rss0.toFixed(0)} to ${rss1.toFixed(0)} MB (${published} junk messages, ${circuitAsks} circuit requests)`)
    console.log(`hostile: ${published} junk messages, ${circuitAsks} circuit requests; ${requests} RPC requests (${throttled} over quota); lags ${lags.join(', ')} ms; RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`)
  } finally {
    await Promise.allSettled([stranger.stop()])
    await node?.stop()
    proxy?.server.closeAllConnections()
    proxy?.server.close()
    await chain?.stop()
    await rm(root, { recursive: true, force: true })
  }
})
