// Tests of the node-registry actions: registerNode, updateNode, stake, setActive, withdrawStake,
// getNode, getActiveNodes (one hardhat node for the file keeps the chain suite fast).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { parseEther } from 'viem'
import { startControllerFixture, fakeIdentity, type ControllerFixture } from '../testing/fixture.ts'
import { assertRefused } from '../testing/assert.ts'
import { registerNode } from './registerNode.ts'
import { updateNode } from './updateNode.ts'
import { stake } from './stake.ts'
import { setActive } from './setActive.ts'
import { withdrawStake } from './withdrawStake.ts'
import { getNode } from './getNode.ts'
import { getActiveNodes } from './getActiveNodes.ts'

let fx: ControllerFixture
before(async () => { fx = await startControllerFixture() })
after(async () => { await fx?.stop() })

test('registerNode records the identity; duplicates and empty fields are refused', async () => {
  const w = fx.wallet(2)
  const id = fakeIdentity(2)
  await registerNode(w, { address: fx.address, ...id })
  const info = await getNode(fx.publicClient, { address: fx.address, node: w.account.address })
  assert.deepEqual(info, { registered: true, active: false, slashed: false, ...id, stake: 0n, inactiveSince: 0n, lockedUntil: 0n, suspendedUntil: 0n })
  await assertRefused(registerNode(w, { address: fx.address, ...id }), 'AlreadyRegistered', [w.account.address])
  await assertRefused(registerNode(fx.wallet(3), { address: fx.address, ...id, peerId: '' }), 'InvalidNodeInfo')
  await assertRefused(registerNode(fx.wallet(3), { address: fx.address, ...fakeIdentity(3), encryptionKey: `0x${'00'.repeat(32)}` }), 'InvalidNodeInfo')
  // one identity per node: another account cannot claim the same peer id or encryption key
  await assertRefused(registerNode(fx.wallet(3), { address: fx.address, ...fakeIdentity(3), peerId: id.peerId }), 'PeerIdTaken', [w.account.address])
  await assertRefused(registerNode(fx.wallet(3), { address: fx.address, ...fakeIdentity(3), encryptionKey: id.encryptionKey }), 'EncryptionKeyTaken', [w.account.address])
  const unregistered = await getNode(fx.publicClient, { address: fx.address, node: fx.wallet(9).account.address })
  assert.equal(unregistered.registered, false)
})

test('updateNode rotates key and multiaddrs; unregistered callers are refused', async () => {
  const w = fx.wallet(2)
  const key = fakeIdentity(99).encryptionKey
  await updateNode(w, { address: fx.address, encryptionKey: key, multiaddrs: ['/ip4/10.0.0.1/tcp/1'] })
  const info = await getNode(fx.publicClient, { address: fx.address, node: w.account.address })
  assert.equal(info.encryptionKey, key)
  assert.deepEqual(info.multiaddrs, ['/ip4/10.0.0.1/tcp/1'])
  // the old key is released, the new one is taken
  await registerNode(fx.wallet(5), { address: fx.address, ...fakeIdentity(5), encryptionKey: fakeIdentity(2).encryptionKey })
  await assertRefused(updateNode(fx.wallet(5), { address: fx.address, encryptionKey: key, multiaddrs: [] }), 'EncryptionKeyTaken', [w.account.address])
  await assertRefused(updateNode(fx.wallet(9), { address: fx.address, encryptionKey: key, multiaddrs: [] }), 'NotRegistered')
})

test('stake and setActive: minimum stake, active set and total stake', async () => {
  const w = fx.wallet(2)
  await assertRefused(stake(w, { address: fx.address, amount: 0n }), 'ZeroAmount')
  await assertRefused(stake(fx.wallet(9), { address: fx.address, amount: 1n }), 'NotRegistered')
  await stake(w, { address: fx.address, amount: parseEther('0.5') })
  await assertRefused(setActive(w, { address: fx.address, active: true }), 'InsufficientStake', [parseEther('0.5'), parseEther('1')])
  await stake(w, { address: fx.address, amount: parseEther('0.5') })
  await setActive(w, { address: fx.address, active: true })
  await assertRefused(setActive(w, { address: fx.address, active: true }), 'AlreadyActive')
  // a node registered with its deposit in one call
  const w3 = fx.wallet(3)
  await registerNode(w3, { address: fx.address, ...fakeIdentity(3), stake: parseEther('2') })
  await setActive(w3, { address: fx.address, active: true })
  await stake(w3, { address: fx.address, amount: parseEther('1') }) // while active: counts at once
  const set = await getActiveNodes(fx.publicClient, { address: fx.address })
  assert.deepEqual(set.nodes, [w.account.address, w3.account.address])
  assert.equal(set.totalActiveStake, parseEther('4'))
  await assertRefused(setActive(fx.wallet(4), { address: fx.address, active: false }), 'NotRegistered')
})

test('withdrawStake only after going inactive and waiting the delay, to the wei', async () => {
  const w = fx.wallet(2)
  await assertRefused(withdrawStake(w, { address: fx.address, amount: 1n }), 'StillActive')
  const { receipt } = await setActive(w, { address: fx.address, active: false })
  const deactivatedAt = (await fx.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp
  await assertRefused(setActive(w, { address: fx.address, active: false }), 'NotActive')
  const set = await getActiveNodes(fx.publicClient, { address: fx.address })
  assert.deepEqual(set.nodes, [fx.wallet(3).account.address])
  assert.equal(set.totalActiveStake, parseEther('3'))
  const availableAt = deactivatedAt + fx.config.withdrawDelay
  await assertRefused(withdrawStake(w, { address: fx.address, amount: 1n }), 'WithdrawTooEarly', [availableAt])
  await fx.advance(fx.config.withdrawDelay - 10n)
  await assertRefused(withdrawStake(w, { address: fx.address, amount: 1n }), 'WithdrawTooEarly', [availableAt])
  await fx.advance(10n)
  await assertRefused(withdrawStake(w, { address: fx.address, amount: parseEther('2') }), 'AmountExceedsStake')
  await assertRefused(withdrawStake(w, { address: fx.address, amount: 0n }), 'ZeroAmount')
  const before = await fx.publicClient.getBalance({ address: w.account.address })
  const r = await withdrawStake(w, { address: fx.address, amount: parseEther('0.75') })
  const after = await fx.publicClient.getBalance({ address: w.account.address })
  assert.equal(after - before, parseEther('0.75') - r.gasUsed * r.receipt.effectiveGasPrice)
  assert.equal((await getNode(fx.publicClient, { address: fx.address, node: w.account.address })).stake, parseEther('0.25'))
  assert.equal(await fx.publicClient.getBalance({ address: fx.address }), parseEther('3.25'))
})
