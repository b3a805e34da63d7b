/**
 * Hostile peers (issue #15, defect 3): a stranger connects to a secret node and, for 20 s, floods the
 * attestation topic with junk (malformed bytes, well-formed attestations for unknown task ids,
 * forgeries for a real task) and asks for circuits that do not exist. Meanwhile tasks are created on
 * a chain with id 4242 and a block every second. The node must keep up with the chain (each new task
 * known to it within a few blocks) and its memory must stay bounded. Run by `npm run test:realnet`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
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
const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

test('a stranger flooding gossip and circuit requests does not make the node fall behind the chain or grow without bound', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-hostile-'))
  let chain: HardhatNode | undefined
  let node: NodeProcess | undefined
  const stranger = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  try {
    chain = await startHardhatNode({ chainId: CHAIN_ID, intervalMs: 1_000 })
    const evm = evmChain(CHAIN_ID, chain.url)
    const wallet = (key: Hex | number) => createWalletClient({ chain: evm, transport: http(chain!.url), account: typeof key === 'number' ? hardhatAccount(key) : privateKeyToAccount(key), pollingInterval: 100 })
    const deployed = await deployController(wallet(0), DEVNET_CONFIG)
    const circuits = join(root, 'circuits')
    node = await spawnNode({ index: 0, dir: join(root, 'node'), config: {
      rpcUrl: chain.url, controller: deployed.address, chainId: CHAIN_ID, fromBlock: String(deployed.blockNumber), pollingIntervalMs: 500,
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
    assert.ok(published > 500, `the stranger published only ${published} messages`)
    assert.ok(lags.length >= 2, `tasks created during the flood: ${lags.length}`)
    // "Within a few blocks": 1 s blocks, 0.5 s polling; generous for a loaded 2-core machine.
    assert.ok(lags.every((l) => l < 8_000), `lag from createTask to the node knowing the task (ms): ${lags.join(', ')}`)
    assert.ok(rss1 - rss0 < 100, `node RSS grew from ${rss0.toFixed(0)} to ${rss1.toFixed(0)} MB (${published} junk messages, ${circuitAsks} circuit requests)`)
    console.log(`hostile: ${published} junk messages, ${circuitAsks} circuit requests; lags ${lags.join(', ')} ms; RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`)
  } finally {
    await Promise.allSettled([stranger.stop()])
    await node?.stop()
    await chain?.stop()
    await rm(root, { recursive: true, force: true })
  }
})
