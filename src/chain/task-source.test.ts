import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicClient, custom, keccak256, stringToHex, parseEther, hexToBigInt, type Address, type EIP1193RequestFn, type Hex } from 'viem'
import { startControllerFixture, registerActiveNodes, fakeIdentity, createDrawnTask, type ControllerFixture } from './testing/fixture.ts'
import { hardhatAccount } from './testing/hardhat-node.ts'
import { registerSecretContract } from './actions/registerSecretContract.ts'
import { settle } from './actions/settle.ts'
import { writeController } from './internal/write.ts'
import { createTask } from './actions/createTask.ts'
import { drawCommittee } from './actions/drawCommittee.ts'
import { encodeTaskParams } from './params.ts'
import { fillInputSlot } from './actions/fillInputSlot.ts'
import { getTask } from './actions/getTask.ts'
import { NO_CALLBACK } from './actions/getCallback.ts'
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
  const slots = [{ name: 'bids[0]', owner: fx.wallet(10).account.address }, { name: 'bids[1]', owner: fx.wallet(11).account.address }]
  const created = await createDrawnTask(fx, fx.wallet(14), {
    address: fx.address, codeHash, params: { bidders: 2, bits: 16 }, n: 5, t: 2, security: 'malicious', multiplications: 5n, rounds: 1,
    inputSlots: slots, deadline, fee: parseEther('0.1'),
  })
  const { taskId, committee } = created
  const designated = indexOf.get(committee[Number(hexToBigInt(taskId) % 5n)]!)!
  // a node that starts after the task was created still learns about it (scan from the deployment block)
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
    assert.deepEqual(spec.declaredCost, { multiplications: 5, rounds: 1 })
    assert.equal((await source.openTasks()).length, 1)

    const commitment = keccak256(stringToHex('bundle'))
    await fillInputSlot(fx.wallet(11), { address: fx.address, taskId, slot: 1, owners: slots.map((x) => x.owner), commitment })
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
    // after the attestation window each of the three attesters gets a third of the escrowed fee
    await fx.advance(fx.config.attestationWindow + 1n)
    await settle(fx.wallet(20), { address: fx.address, taskId })
    const share = created.escrowed / 3n
    for (const i of members.slice(0, 3)) {
      assert.equal(await getCredits(fx.publicClient, { address: fx.address, account: hardhatAccount(i).address }), share)
    }
    assert.equal((await source.openTasks()).length, 0)
  } finally {
    await source.stop()
  }
})

/** A started watcher and a drawn task with no slots due in 100 s, seen by the watcher. */
async function watchedTask(): Promise<{ source: ChainTaskSource; events: TaskEvent[]; taskId: Hex }> {
  const source = new ChainTaskSource({ client: fx.publicClient, address: fx.address, pollingIntervalMs: 50 })
  const events: TaskEvent[] = []
  source.subscribe((e) => events.push(e))
  await source.start()
  const { taskId } = await createDrawnTask(fx, fx.wallet(14), {
    address: fx.address, codeHash, params: {}, n: 3, t: 1, security: 'semi-honest', multiplications: 5n, rounds: 1, inputSlots: [],
    deadline: (await fx.now()) + 100n, fee: parseEther('0.1'),
  })
  await waitFor(events, (e) => e.kind === 'created' && e.task.taskId === taskId)
  return { source, events, taskId }
}

test('a task whose deadline passes is reported cancelled, once', async () => {
  const { source, events, taskId } = await watchedTask()
  try {
    await fx.advance(200n)
    assert.deepEqual(await waitFor(events, (e) => e.kind === 'cancelled' && e.taskId === taskId), { kind: 'cancelled', taskId, reason: 'deadline passed' })
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(events.filter((e) => e.kind === 'cancelled' && e.taskId === taskId).length, 1)
    assert.ok(!(await source.openTasks()).some((t) => t.taskId === taskId))
  } finally {
    await source.stop()
  }
})

test('deadlines follow chain time: the clock tracks the newest block, taskStatus reads the contract (issue #15, defect 7)', async () => {
  const { source, events, taskId } = await watchedTask()
  try {
    assert.equal(await source.taskStatus(taskId), 'open')
    assert.equal(await source.taskStatus(keccak256(stringToHex('no such task'))), 'unknown')
    // The chain jumps an hour ahead of this host's clock: the source's clock follows the chain.
    await fx.advance(3600n)
    const chainNow = Number(await fx.now())
    await waitFor(events, (e) => e.kind === 'cancelled' && e.taskId === taskId)
    assert.ok(Math.abs(source.clock.now() - chainNow) <= source.clock.skewSeconds + 2, `clock ${source.clock.now()} vs chain ${chainNow}`)
    assert.ok(source.clock.now() - Date.now() / 1000 > 3000, 'chain time, not the local clock')
    assert.equal(await source.taskStatus(taskId), 'closed')
  } finally {
    await source.stop()
  }
})

test('a malformed task is marked invalid and skipped; the watcher keeps going in bounded ranges from the deployment block', async () => {
  const errors: unknown[] = []
  const source = new ChainTaskSource({ client: fx.publicClient, address: fx.address, pollingIntervalMs: 50, maxBlockRange: 3n, onError: (e) => errors.push(e) })
  const events: TaskEvent[] = []
  source.subscribe((e) => events.push(e))
  // the attacker's task: params bytes that do not decode as (string[], int256[])
  const bad = { codeHash, params: '0x1234' as Hex, n: 3, t: 1, securityMode: 0, multiplications: 5n, rounds: 1, inputSlots: [], recipients: [], deadline: (await fx.now()) + 3600n, callback: NO_CALLBACK }
  const r = await writeController('createTask', fx.wallet(15), { address: fx.address, value: parseEther('0.1') }, 'createTask', [bad])
  const badId = r.receipt.logs[0]!.topics[1]!
  await fx.mine(3)
  const good = await createDrawnTask(fx, fx.wallet(14), {
    address: fx.address, codeHash, params: { k: 1 }, n: 3, t: 1, security: 'semi-honest', multiplications: 5n, rounds: 1, inputSlots: [],
    deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  await source.start()
  try {
    // the later, valid task is still reported, and the bad one is marked invalid, once
    await waitFor(events, (e) => e.kind === 'created' && e.task.taskId === good.taskId)
    assert.deepEqual(source.invalidTasks, [badId])
    assert.equal(errors.filter((e) => (e as { code?: string }).code === 'CHAIN_BAD_DATA').length, 1)
    const n = events.length
    await source.poll()
    await source.poll()
    assert.equal(events.length, n) // nothing is re-emitted: the cursor moved on
    const good2 = await createDrawnTask(fx, fx.wallet(14), {
      address: fx.address, codeHash, params: { k: 2 }, n: 3, t: 1, security: 'semi-honest', multiplications: 5n, rounds: 1, inputSlots: [],
      deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
    })
    await waitFor(events, (e) => e.kind === 'created' && e.task.taskId === good2.taskId)
    assert.equal(errors.filter((e) => (e as { code?: string }).code === 'CHAIN_BAD_DATA').length, 1)
  } finally {
    await source.stop()
  }
})

test('revealTo recipients travel in TaskCreated into the TaskSpec; the controller bounds them and refuses zero keys; one name twice is refused by the watcher', async () => {
  const key = (b: string) => `0x${b.repeat(32)}` as Hex
  const base = { address: fx.address, codeHash, params: {}, n: 3, t: 1, security: 'semi-honest' as const, multiplications: 5n, rounds: 1, inputSlots: [], fee: parseEther('0.1') }
  const errors: unknown[] = []
  const source = new ChainTaskSource({ client: fx.publicClient, address: fx.address, pollingIntervalMs: 50, onError: (e) => errors.push(e) })
  const events: TaskEvent[] = []
  source.subscribe((e) => events.push(e))
  await source.start()
  try {
    // Upper-case hex on the way in; the node compares keys as lower-case strings.
    const good = await createDrawnTask(fx, fx.wallet(14), { ...base, recipients: { alice: key('AB'), bob: key('cd') }, deadline: (await fx.now()) + 3600n })
    const ev = await waitFor(events, (e) => e.kind === 'created' && e.task.taskId === good.taskId)
    assert.ok(ev.kind === 'created')
    assert.deepEqual(ev.task.recipients, { alice: key('ab'), bob: key('cd') })
    // A task without recipients has none in its spec (as before).
    const plain = await createDrawnTask(fx, fx.wallet(14), { ...base, deadline: (await fx.now()) + 3600n })
    const ev2 = await waitFor(events, (e) => e.kind === 'created' && e.task.taskId === plain.taskId)
    assert.ok(ev2.kind === 'created' && !('recipients' in ev2.task))

    // The controller: a zero key names nobody (its shares would be readable by no one), and the count is bounded.
    const reverted = async (p: Promise<unknown>, name: string, args: readonly unknown[]) => {
      await assert.rejects(p, (e: { errorName?: string; args?: readonly unknown[] }) => { assert.equal(e.errorName, name); assert.deepEqual(e.args, args); return true })
    }
    await reverted(createTask(fx.wallet(14), { ...base, recipients: { a: key('01'), b: `0x${'00'.repeat(32)}` }, deadline: (await fx.now()) + 3600n }), 'ZeroRecipientKey', [1n])
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`r${i}`, key('02')]))
    await reverted(createTask(fx.wallet(14), { ...base, recipients: many, deadline: (await fx.now()) + 3600n }), 'TooManyRecipients', [33n])
    await createTask(fx.wallet(14), { ...base, recipients: Object.fromEntries(Object.entries(many).slice(0, 32)), deadline: (await fx.now()) + 3600n })

    // The attacker's own request (not through the action, which takes a map): one name, two keys. The
    // members could seal to different keys; the watcher refuses the task as malformed.
    const twice = { ...base, params: encodeTaskParams({}), securityMode: 0, recipients: [{ name: 'alice', key: key('11') }, { name: 'alice', key: key('22') }], deadline: (await fx.now()) + 3600n, callback: NO_CALLBACK }
    const r = await writeController('createTask', fx.wallet(15), { address: fx.address, value: parseEther('0.1') }, 'createTask', [twice])
    const twiceId = r.receipt.logs[0]!.topics[1]!
    await fx.mine(3)
    await drawCommittee(fx.wallet(15), { address: fx.address, taskId: twiceId })
    await source.poll()
    assert.ok(source.invalidTasks.includes(twiceId))
    assert.ok(!events.some((e) => e.kind === 'created' && e.task.taskId === twiceId))
    assert.match(String((errors.at(-1) as Error).message), /recipient twice/)
  } finally {
    await source.stop()
  }
})

test('between blocks the polling loop reads only the shared block number; a new block brings the events and the clock as before', async () => {
  // A client that counts the RPC methods the source asks (its own client: viem's block-number cache is per client).
  const asked = new Map<string, number>()
  const request = (async (args: { method: string }) => {
    asked.set(args.method, (asked.get(args.method) ?? 0) + 1)
    return fx.publicClient.request(args as never)
  }) as EIP1193RequestFn
  const client = createPublicClient({ chain: fx.publicClient.chain, transport: custom({ request }, { retryCount: 0 }) })
  const source = new ChainTaskSource({ client, address: fx.address, pollingIntervalMs: 50, headCacheMs: 50 })
  const events: TaskEvent[] = []
  source.subscribe((e) => events.push(e))
  await source.start()
  try {
    // The fixture mines only with transactions: ≈ 20 polls of an unchanged head.
    asked.clear()
    await new Promise((r) => setTimeout(r, 1_000))
    assert.ok((asked.get('eth_blockNumber') ?? 0) >= 5, `polled: ${JSON.stringify([...asked])}`)
    assert.deepEqual([...asked.keys()], ['eth_blockNumber'], `an idle poll asks nothing but the head: ${JSON.stringify([...asked])}`)
    // The clock is still the head's timestamp plus the local time since the last poll.
    const chainNow = Number(await fx.now())
    assert.ok(Math.abs(source.clock.now() - chainNow) <= source.clock.skewSeconds + 2, `clock ${source.clock.now()} vs chain ${chainNow}`)

    // A new block: its events arrive through the same loop, and the head's block is read once.
    asked.clear()
    const { taskId } = await createDrawnTask(fx, fx.wallet(14), {
      address: fx.address, codeHash, params: { bidders: 1, bits: 8 }, n: 3, t: 1, security: 'semi-honest', multiplications: 5n, rounds: 1,
      inputSlots: [{ name: 'x', owner: fx.wallet(10).account.address }], deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
    })
    await waitFor(events, (e) => e.kind === 'created' && e.task.taskId === taskId)
    assert.ok((asked.get('eth_getLogs') ?? 0) >= 1 && (asked.get('eth_getBlockByNumber') ?? 0) >= 1, JSON.stringify([...asked]))
  } finally {
    await source.stop()
  }
})
