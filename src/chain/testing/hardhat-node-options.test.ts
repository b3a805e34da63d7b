/**
 * The launcher's real-network options (issue #15): another chain id, and interval mining, where a
 * transaction waits for the next block instead of mining its own.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicClient, createWalletClient, defineChain, http, parseEther } from 'viem'
import { startHardhatNode, hardhatAccount } from './hardhat-node.ts'

test('chainId and intervalMs: the chain answers with that id and mines on its own, about once per interval', async () => {
  const node = await startHardhatNode({ chainId: 4242, intervalMs: 1_000 })
  try {
    const chain = defineChain({ id: 4242, name: 'test', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [node.url] } } })
    const client = createPublicClient({ chain, transport: http(node.url), pollingInterval: 100 })
    assert.equal(node.chainId, 4242)
    assert.equal(await client.getChainId(), 4242)
    const b0 = await client.getBlockNumber({ cacheTime: 0 })
    await new Promise((r) => setTimeout(r, 3_500))
    const b1 = await client.getBlockNumber({ cacheTime: 0 })
    assert.ok(b1 - b0 >= 2n && b1 - b0 <= 5n, `blocks mined in 3.5 s with a 1 s interval: ${b1 - b0}`)
    // A transfer is not mined at once: it lands in the next interval block.
    const wallet = createWalletClient({ chain, transport: http(node.url), account: hardhatAccount(3) })
    const hash = await wallet.sendTransaction({ to: hardhatAccount(4).address, value: parseEther('1') })
    const before = await client.getTransactionReceipt({ hash }).catch(() => undefined)
    assert.equal(before, undefined, 'mined with its own block: automine is still on')
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 10_000 })
    assert.equal(receipt.status, 'success')
  } finally {
    await node.stop()
  }
})
