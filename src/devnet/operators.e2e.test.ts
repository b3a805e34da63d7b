/**
 * docs/operators.md, followed step by step as an operator would, on a chain that is not Hardhat's
 * default: chain id 4242 and a block every second (interval mining: every transaction waits for the
 * next block). Only the CLI is used after the chain and controller exist:
 *   1. `enigma node start --rpc … --controller … --chain-id 4242` for 3 nodes (keys made on first start);
 *   2. `enigma node register … --stake 10 --key-file funder.key` (the operator's wallet funds the node
 *      account, which registers, stakes and activates itself);
 *   3. `enigma nodes` lists them active;
 *   4. `enigma submit millionaires … --key-file client.key` runs one task to its on-chain receipt.
 * Also: a wrong --chain-id is refused before anything starts. Issue #15 defect 2.
 * `enigma node start` and `enigma node register` run the CLI's node command from its bundle (src/cli/
 * testing/node-command-bundle.ts, as the cluster tests do: ≈ 1 instead of ≈ 5 CPU-s a process under
 * tsx); the refused start, `enigma nodes` and `enigma submit` run bin/enigma.mjs itself.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createWalletClient, http, toHex } from 'viem'
import { startHardhatNode, hardhatAccount, type HardhatNode } from '../chain/testing/hardhat-node.ts'
import { deployController } from '../chain/actions/deployController.ts'
import { DEVNET_CONFIG } from './devnet.ts'
import { evmChain } from './evm-chain.ts'
import { nodeCommandArgv } from '../cli/testing/node-command-bundle.ts'

const bin = fileURLToPath(new URL('../../bin/enigma.mjs', import.meta.url))
const CHAIN_ID = 4242

function cli(args: string[], timeoutMs = 240_000, command: readonly string[] = [bin]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = '', err = ''
    child.stdout.on('data', (c: Buffer) => { out += c })
    child.stderr.on('data', (c: Buffer) => { err += c })
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('exit', (code) => { clearTimeout(t); resolve({ code, out, err }) })
  })
}

interface Started { child: ChildProcess; info: { peerId: string; account: string; api: string; multiaddrs: string[] }; log: () => string }
function startNode(nodeCommand: readonly string[], args: string[]): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeCommand, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ENIGMA_LOG_LEVEL: 'warn' } })
    let out = '', err = ''
    child.stderr!.on('data', (c: Buffer) => { err = (err + c).slice(-20_000) })
    const t = setTimeout(() => reject(new Error(`node did not start: ${err.slice(-2000)}`)), 240_000)
    child.stdout!.on('data', (c: Buffer) => {
      out += c
      const nl = out.indexOf('\n')
      if (nl >= 0) { clearTimeout(t); resolve({ child, info: JSON.parse(out.slice(0, nl)), log: () => err }) }
    })
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`node exited with ${code}: ${err.slice(-2000)}`)) })
  })
}

test('docs/operators.md on chain 4242 with 1 s blocks: start 3 nodes, register and stake them with the CLI, run one task', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-operators-'))
  let chain: HardhatNode | undefined
  const nodes: Started[] = []
  try {
    chain = await startHardhatNode({ chainId: CHAIN_ID, intervalMs: 1_000 })
    const owner = createWalletClient({ chain: evmChain(CHAIN_ID, chain.url), transport: http(chain.url), account: hardhatAccount(0), pollingInterval: 100 })
    const controller = (await deployController(owner, DEVNET_CONFIG)).address
    const circuits = join(root, 'circuits')
    await mkdir(circuits)
    const keyFile = async (name: string, index: number) => {
      const path = join(root, name)
      await writeFile(path, toHex(hardhatAccount(index).getHdKey().privateKey!) + '\n', { mode: 0o600 })
      return path
    }
    const chainFlags = ['--rpc', chain.url, '--controller', controller, '--chain-id', String(CHAIN_ID)]

    // A wrong chain id is refused before the node starts anything.
    const wrong = await cli(['node', 'start', '--data-dir', join(root, 'wrong'), '--rpc', chain.url, '--controller', controller, '--chain-id', '31337'])
    assert.notEqual(wrong.code, 0)
    assert.match(wrong.err, /CHAIN_ID_MISMATCH: the RPC at .* serves chain 4242, not 31337/)

    // 1. Start three nodes (each makes its keys on first start).
    const nodeCommand = await nodeCommandArgv()
    nodes.push(...await Promise.all([0, 1, 2].map((i) => startNode(nodeCommand, [
      '--data-dir', join(root, `node${i}`), '--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--circuits', circuits, '--poll-ms', '500', ...chainFlags,
    ]))))
    // 2. Register, stake and activate each, funded from the operator's wallet (a key file).
    const regs = await Promise.all(nodes.map(async (_n, i) => cli(['register', '--data-dir', join(root, `node${i}`), ...chainFlags, '--stake', '10', '--key-file', await keyFile(`funder${i}.key`, 10 + i)], undefined, nodeCommand)))
    for (const r of regs) {
      assert.equal(r.code, 0, r.err)
      const j = JSON.parse(r.out.trim()) as { active: boolean; stake: string; chainId: number }
      assert.equal(j.active, true)
      assert.equal(j.stake, String(10n * 10n ** 18n))
      assert.equal(j.chainId, CHAIN_ID)
    }
    // Registering again changes nothing (idempotent).
    const again = await cli(['register', '--data-dir', join(root, 'node0'), ...chainFlags, '--stake', '10'], undefined, nodeCommand)
    assert.equal(again.code, 0, again.err)
    assert.deepEqual(JSON.parse(again.out.trim()).transactions, [])

    // 3. The controller lists them.
    const apis = nodes.flatMap((n) => ['--node-api', `${n.info.peerId}=${n.info.api}`])
    const listed = await cli(['nodes', '--json', ...chainFlags, ...apis])
    assert.equal(listed.code, 0, listed.err)
    const l = JSON.parse(listed.out.trim()) as { nodes: { account: string; up: boolean }[] }
    assert.deepEqual(l.nodes.map((n) => n.account.toLowerCase()).sort(), nodes.map((n) => n.info.account.toLowerCase()).sort())
    assert.ok(l.nodes.every((n) => n.up))

    // 4. One task through the CLI, as a client with its own key.
    const inputs = join(root, 'inputs.json')
    await writeFile(inputs, JSON.stringify({ alice: 1_000_001, bob: 999_999 }))
    const run = await cli(['submit', 'millionaires', '--inputs', inputs, '--nodes', '3', '--threshold', '1', '--security', 'semi-honest', '--json',
      ...chainFlags, '--key-file', await keyFile('client.key', 20), '--circuits', circuits, ...apis])
    assert.equal(run.code, 0, `${run.err}\n${nodes.map((n) => n.log().slice(-1500)).join('\n')}`)
    const r = JSON.parse(run.out.trim().split('\n').pop()!) as { outputs: Record<string, unknown>; receipt: { signers: string[]; committee: string[] } }
    assert.deepEqual(r.outputs, { aliceRicher: true, equal: false })
    assert.ok(r.receipt.signers.length >= 2, 'receipt carries t+1 signatures')
  } finally {
    await Promise.all(nodes.map((n) => new Promise<void>((res) => {
      if (n.child.exitCode !== null) return res()
      n.child.once('exit', () => res())
      n.child.kill('SIGTERM')
      setTimeout(() => n.child.kill('SIGKILL'), 10_000).unref()
    })))
    await chain?.stop()
    await rm(root, { recursive: true, force: true })
  }
})
