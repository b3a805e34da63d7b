import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, stringToHex, parseEther, hexToBigInt, type Address, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, fakeIdentity, type ControllerFixture } from './testing/fixture.ts'
import { hardhatAccount } from './testing/hardhat-node.ts'
import { registerSecretContract } from './actions/registerSecretContract.ts'
import { createTask } from './actions/createTask.ts'
import { fillInputSlot } from './actions/fillInputSlot.ts'
import { getTask } from './actions/getTask.ts'
import { getCredits } from './actions/getCredits.ts'
import { ChainTaskSource } from './task-source.ts'
import { signAttestation } from '../node/attestation.ts'
import type { TaskEvent } from '../node/task-source.ts'

let fx: ControllerFixture
const codeHash = keccak256(stringToHex('auction-v2'))
const NODE_ACCOUNTS = [2, 3, 4, 5, 6]
const indexOf = new Map<Address, number>()

before(async () => {
  fx = await startControllerFixture()
  await registerActiveNodes(fx, NODE_ACCOUNTS, [parseEther('1')])
  for (const i of NODE_ACCOUNTS) indexOf.set(hardhatAccount(i).address, i)
  await registerSecretContract(fx.wallet(12), { address: fx.address, codeHash, multiplications: 5n, rounds: 1, uri: 'file:a' })
})
after(async () => { await fx?.stop() })

function waitFor(events: TaskEvent[], pred: (e: TaskEvent) => boolean, ms = 15_000): Promise<TaskEvent> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const tick = () => {
      const e = events.find(pred)
      if (e) return resolve(e)
      if (Date.now() - started > ms) return reject(new Error('timed out waiting for event'))
      setTimeout(tick, 20)
    }
    tick()
  })
}

test('the watcher rebuilds TaskSpec from events, reports inputs, aggregates t+1 attestations into a receipt', async () => {
  const deadline = (await fx.now()) + 3600n
  const created = await createTask(fx.wallet(14), {
    address: fx.address, codeHash, params: { bidders: 2, bits: 16 }, n: 5, t: 2, security: 'malicious',
    inputSlots: [{ name: 'bids[0]', owner: fx.wallet(10).account.address }, { name: 'bids[1]', owner: fx.wallet(11).account.address }],
    deadline, fee: parseEther('0.1'),
  })
  const { taskId, committee } = created
  const designated = indexOf.get(committee[Number(hexToBigInt(taskId) % 5n)]!)!
  // a node that starts after the task was created still learns about it (scan from block 0)
  const source = new ChainTaskSource({ client: fx.publicClient, address: fx.address, submitter: fx.wallet(designated), pollingIntervalMs: 50 })
  const events: TaskEvent[] = []
  source.subscribe((e) => events.push(e))
  await source.start()
  try {
    const ev = await waitFor(events, (e) => e.kind === 'created')
    assert.ok(ev.kind === 'created')
    const spec = ev.task
    assert.equal(spec.taskId, taskId)
    assert.deepEqual(spec.params, { bidders: 2, bits: 16 })
    assert.equal(spec.paramsHash, created.paramsHash)
    assert.deepEqual([spec.n, spec.t, spec.security, spec.deadline], [5, 2, 'malicious', Number(deadline)])
    assert.deepEqual(spec.domain, fx.domain)
    assert.deepEqual(spec.committee.map((m) => m.account), committee)
    assert.deepEqual({ ...spec.committee[0]! }, { index: 0, account: committee[0], ...fakeIdentity(indexOf.get(committee[0]!)!) })
    assert.deepEqual(spec.inputSlots.map((s) => s.name), ['bids[0]', 'bids[1]'])
    assert.equal((await source.openTasks()).length, 1)

    const commitment = keccak256(stringToHex('bundle'))
    await fillInputSlot(fx.wallet(11), { address: fx.address, taskId, slot: 1, commitment })
    assert.deepEqual(await waitFor(events, (e) => e.kind === 'input'), { kind: 'input', taskId, slot: 'bids[1]', commitment })
    assert.equal((await source.openTasks())[0]!.inputSlots[1]!.commitment, commitment)

    const body = { taskId, outputHash: keccak256(stringToHex('winner')), publicOutputs: '0x' as Hex }
    const members = committee.map((a) => indexOf.get(a)!)
    // refused: a non-member, a bad signature
    const outsider = NODE_ACCOUNTS.find((i) => !members.includes(i))
    if (outsider !== undefined) {
      await assert.rejects(source.publishAttestation(await signAttestation(hardhatAccount(outsider), fx.domain, body)), { code: 'CHAIN_INVALID_ATTESTATION' })
    }
    const good = await signAttestation(hardhatAccount(members[0]!), fx.domain, body)
    await assert.rejects(source.publishAttestation({ ...good, outputHash: keccak256('0x01') }), { code: 'CHAIN_INVALID_ATTESTATION' })
    // two attestations (and a repeat) are not enough; a third distinct one triggers the receipt
    await source.publishAttestation(good)
    await source.publishAttestation(good)
    await source.publishAttestation(await signAttestation(hardhatAccount(members[1]!), fx.domain, body))
    assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId })).status, 'open')
    await source.publishAttestation(await signAttestation(hardhatAccount(members[2]!), fx.domain, body))
    assert.equal((await getTask(fx.publicClient, { address: fx.address, taskId })).status, 'completed')
    assert.deepEqual(await waitFor(events, (e) => e.kind === 'completed'), { kind: 'completed', taskId })
    // each signer gets a third; the designated aggregator (the submitter) also gets the remainder
    const share = parseEther('0.1') / 3n
    for (const i of [...new Set([...members.slice(0, 3), designated])]) {
      const expected = (members.slice(0, 3).includes(i) ? share : 0n) + (i === designated ? parseEther('0.1') - 3n * share : 0n)
      assert.equal(await getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(i).address }), expected)
    }
    assert.equal((await source.openTasks()).length, 0)
  } finally {
    await source.stop()
  }
})

test('a task whose deadline passes is reported cancelled, once', async () => {
  const source = new ChainTaskSource({ client: fx.publicClient, address: fx.address, pollingIntervalMs: 50 })
  const events: TaskEvent[] = []
  source.subscribe((e) => events.push(e))
  await source.start()
  try {
    const { taskId } = await createTask(fx.wallet(14), {
      address: fx.address, codeHash, params: {}, n: 3, t: 1, security: 'semi-honest', inputSlots: [],
      deadline: (await fx.now()) + 100n, fee: parseEther('0.1'),
    })
    await waitFor(events, (e) => e.kind === 'created' && e.task.taskId === taskId)
    await fx.advance(200n)
    assert.deepEqual(await waitFor(events, (e) => e.kind === 'cancelled' && e.taskId === taskId), { kind: 'cancelled', taskId, reason: 'deadline passed' })
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(events.filter((e) => e.kind === 'cancelled' && e.taskId === taskId).length, 1)
    assert.ok(!(await source.openTasks()).some((t) => t.taskId === taskId))
  } finally {
    await source.stop()
  }
})
