import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createPublicClient, http } from 'viem'
import { startHardhatNode, hardhatAccount, HARDHAT_CHAIN_ID } from './hardhat-node.ts'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('starts a hardhat node on a free port, answers JSON-RPC, stops and leaves no process', async () => {
  const node = await startHardhatNode()
  try {
    const client = createPublicClient({ transport: http(node.url) })
    assert.equal(await client.getChainId(), HARDHAT_CHAIN_ID)
    const balance = await client.getBalance({ address: hardhatAccount(39).address })
    assert.equal(balance, 10_000n * 10n ** 18n)
    assert.ok(alive(node.pid))
  } finally {
    await node.stop()
  }
  assert.ok(!alive(node.pid))
  await node.stop() // idempotent
})

test('a parent killed with SIGKILL takes its hardhat node with it (stdin watchdog)', async () => {
  // A child process starts a node, prints its pid, then is SIGKILLed: no exit hook can run.
  const script = `
    import { startHardhatNode } from './src/chain/testing/hardhat-node.ts'
    const node = await startHardhatNode()
    console.log('PID ' + node.pid)
    process.kill(process.pid, 'SIGKILL')
  `
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })
  const pid = Number(/PID (\d+)/.exec(res.stdout)?.[1])
  assert.ok(pid > 0, res.stderr)
  // Up to 30 s: on a loaded machine the orphaned watchdog can take several seconds to be scheduled.
  for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100))
  assert.ok(!alive(pid), `hardhat node ${pid} survived its parent`)
})
