/**
 * Separate hosts (issue #12, item 5): the devnet with every node process in its own network
 * namespace, its own address, joined to the others and to the chain only by veth links through a
 * bridge (src/devnet/netns.ts). Node 0 binds a wildcard, so the node's own address discovery is
 * tested too (a wildcard is never announced). Then a partition: one committee member's link goes down
 * while it computes; the honest members name it unresponsive, vote, the controller suspends it, no
 * honest node loses stake and no wrong output is accepted; in `npm run test:netns` the task then
 * completes through a re-run on a committee without it, with the right answer.
 *
 * Skipped, with the reason, without root or iproute2 (CI is root and `.ci/run` installs iproute2).
 * The default suite runs one devnet; `npm run test:netns` adds the healed partition: the member gets
 * its link back, is reinstated, and a task on all five completes.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Hex } from 'viem'
import { getContractEvents } from 'viem/actions'
import { enigmaControllerAbi } from '../chain/generated/EnigmaController.ts'
import { getNode } from '../chain/actions/getNode.ts'
import { unsuspend } from '../chain/actions/unsuspend.ts'
import { setActive } from '../chain/actions/setActive.ts'
import { culpritOf, UNRESPONSIVE_REASON } from '../node/evidence.ts'
import { loadOrCreateIdentity } from '../node/identity.ts'
import { valueOfSlot } from '../sdk/index.ts'
import { createTask, submitInput, waitForResult } from './e2e-helpers.test-util.ts'
import { startDevnet, type Devnet } from './devnet.ts'
import { compileFile, contractPath, deployCompiled } from './contracts.ts'
import { clientFor } from './flow.ts'
import { taskHistory } from './task-history.ts'
import { createNetnsTopology, netnsSupport, type NetnsTopology } from './netns.ts'
import { assertOnlyCulpritSuspended } from './stakes.test-util.ts'
import { RESUBMIT_WINDOW_MS } from './soak.ts'
import { PRESETS, slotsFor } from './presets.ts'
import { referenceOutputs, sameOutputs } from './soak-check.ts'
import type { Compiled } from '../lang/index.ts'

const run = promisify(execFile)
const support = netnsSupport()
const SKIP = support.ok ? false : `skipped: ${support.reason}`
const FULL = process.env.ENIGMA_TEST_NETNS_FULL === '1'
const NODES = 5

/** Someone else's namespace and link (names outside the topology's `enigma-<id>-` / `enbr<id>` shapes). */
const DECOY_NETNS = `enigma-other-${process.pid}`
const DECOY_LINK = `enoth${process.pid % 10_000_000}`

const roots: string[] = []
const devnets: Devnet[] = []
const topologies: NetnsTopology[] = []
after(async () => {
  await Promise.all(devnets.map((d) => d.stop()))
  await Promise.all(topologies.map((t) => t.close()))
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })))
  if (support.ok) {
    await run('ip', ['netns', 'del', DECOY_NETNS]).catch(() => {})
    await run('ip', ['link', 'del', DECOY_LINK]).catch(() => {})
  }
})

/** Thrown by a `waitFor` probe that knows the awaited state can no longer come (a fetch error only means "not yet"). */
class GiveUp extends Error {}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn().catch((e: unknown) => { if (e instanceof GiveUp) throw e; return undefined })
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Names of namespaces and links: what must be back to this after the run. */
async function netState(): Promise<{ netns: string[]; links: string[] }> {
  const [ns, links] = await Promise.all([run('ip', ['netns', 'list']), run('ip', ['-o', 'link', 'show'])])
  return {
    netns: ns.stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean).sort(),
    links: links.stdout.split('\n').map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1]).filter((x): x is string => !!x).sort(),
  }
}

/** Runs `node -e code` inside namespace `ns`; returns its stdout. */
async function inNamespace(ns: string, code: string): Promise<string> {
  return (await run('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { timeout: 30_000 })).stdout.trim()
}

const taskState = (api: string, taskId: Hex) =>
  fetch(`${api}/v1/tasks/${taskId}`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.json() as Promise<{ state?: string; reason?: string }>)

interface Example { compiled: Compiled; inputs: Record<string, unknown>; slots: string[]; label: (s: string) => string }
async function example(name: string, inputs: Record<string, unknown>): Promise<Example> {
  const preset = PRESETS[name]!
  const compiled = await compileFile(contractPath(name), preset.params)
  return { compiled, inputs, slots: slotsFor(compiled.circuit.inputs, preset.perElement), label: (s) => preset.label(s) }
}

test('separate hosts: a namespace per node, addresses only through the bridge; a task completes; a partitioned member is named, voted out and suspended, and (test:netns) the task completes through a re-run without it', { skip: SKIP }, async (t) => {
  const t0 = Date.now()
  const lap = (what: string) => t.diagnostic(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  // Someone else's namespace and link, made here so that their survival is certain: comparing with
  // whatever namespaces existed before was racy, since another run (or netns.test.ts's sweep of a
  // SIGKILLed run, beside this file in `npm run test:netns`) may rightly remove its own meanwhile.
  await run('ip', ['netns', 'add', DECOY_NETNS])
  await run('ip', ['link', 'add', DECOY_LINK, 'type', 'bridge'])
  const root = await mkdtemp(join(tmpdir(), 'enigma-netns-'))
  roots.push(root)
  const topo = await createNetnsTopology({ nodes: NODES, wildcardListen: [0] })
  topologies.push(topo)
  try {
    const devnet = await startDevnet({
      dir: join(root, 'devnet'), nodes: NODES, threshold: 2, topology: topo,
      // 5 s per receive. CI runs this file beside the soak's six nodes and the type check on two cores,
      // where an honest member can be several seconds late inside the computation (one CI run failed at
      // 157 s against ≈ 45 s normally, 2026-11-30): a member that is late but not idle gets up to 3
      // deadlines before it is named ("Late is not silent", docs/faults.md), and the cut-off victim, which
      // answers nothing, is named first-hand at that bound (15 s + grace after the cut).
      nodeConfig: { mpcTimeoutMs: 5_000, mpcStartTimeoutMs: 60_000 },
    })
    devnets.push(devnet)
    const s = devnet.state
    lap('devnet up in namespaces')

    // Addresses: the chain on the bridge, every node on its own namespace's address (node 0 binds
    // 0.0.0.0 and still announces its address, never the wildcard); nothing points at loopback
    // except node 0's own 127.0.0.1 listener, which only its namespace can reach.
    assert.equal(new URL(s.rpcUrl).hostname, topo.chainHost)
    for (const [i, n] of s.nodes.entries()) {
      assert.equal(new URL(n.api).hostname, topo.address(i), `node ${i} API`)
      assert.ok(n.multiaddrs.some((a) => a.startsWith(`/ip4/${topo.address(i)}/tcp/`)), `node ${i} multiaddrs ${n.multiaddrs}`)
      assert.ok(n.multiaddrs.every((a) => a.startsWith(`/ip4/${topo.address(i)}/`) || (i === 0 && a.startsWith('/ip4/127.0.0.1/'))), `node ${i} multiaddrs ${n.multiaddrs}`)
    }
    // Inside a node's namespace the chain is not on loopback, only across the bridge.
    const port = new URL(s.rpcUrl).port
    const probe = (url: string) => `fetch(${JSON.stringify(url)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' }).then((r) => r.json()).then((j) => console.log(j.result), (e) => console.log('unreachable', e.cause?.code ?? e.message))`
    assert.match(await inNamespace(topo.namespace(1), probe(`http://127.0.0.1:${port}`)), /^unreachable ECONNREFUSED/)
    assert.equal(await inNamespace(topo.namespace(1), probe(s.rpcUrl)), `0x${s.chainId.toString(16)}`)

    const deployer = clientFor(s, s.deployer.privateKey)
    const millionaires = await example('millionaires', { alice: 4_200_017, bob: 4_199_999 })
    const auction = await example('vickrey-auction', { bids: [31_000, 870_500, 120_000, 870_499, 5_000] })
    for (const ex of [millionaires, auction]) await deployCompiled(deployer, s.circuitsDir, ex.compiled)
    const stakes = await Promise.all(s.nodes.map((n) => getNode(deployer.public, { address: s.controller, node: n.account }).then((x) => x.stake)))
    const creator = clientFor(s, s.accounts[0]!.privateKey)
    const owners = (ex: Example) => {
      const labels = [...new Set(ex.slots.map(ex.label))]
      return ex.slots.map((slot) => clientFor(s, s.accounts[1 + labels.indexOf(ex.label(slot))]!.privateKey))
    }
    const start = async (ex: Example, n: number, t: number) => {
      const who = owners(ex)
      const task = await createTask(creator, {
        codeHash: ex.compiled.codeHash, params: ex.compiled.circuit.params, n, t, security: 'malicious', deadlineSeconds: 600,
        inputSlots: ex.slots.map((slot, k) => ({ name: slot, owner: who[k]!.account!.address })),
      })
      return { task, submit: () => Promise.all(ex.slots.map((slot, k) => submitInput(who[k]!, { taskId: task.taskId, slot, value: valueOfSlot(ex.inputs, slot), circuit: ex.compiled.circuit }))) }
    }

    // 1. A task on all five, over the bridge: the right result.
    const t1 = await start(millionaires, NODES, 2)
    await t1.submit()
    const r1 = await waitForResult(creator, { taskId: t1.task.taskId, circuit: millionaires.compiled.circuit, timeoutMs: 180_000 })
    assert.ok(sameOutputs(r1.outputs, referenceOutputs(millionaires.compiled, millionaires.inputs)), JSON.stringify(r1.outputs))
    lap('task over the bridge completed')

    // 2. The partition: a committee of 3 (t = 1) of the five, so that a re-run can draw a new
    // committee without the culprit from the four left. Its second member's link goes down as soon
    // as it computes (every MPC step after the input phase waits on every member: all honest members
    // witness the silence first-hand).
    const t2 = await start(auction, 3, 1)
    const members = t2.task.committee.map((m) => s.nodes.findIndex((n) => n.account.toLowerCase() === m.account.toLowerCase()))
    const victim = members[1]!
    const victimAccount = s.nodes[victim]!.account
    await t2.submit()
    await waitFor('the victim computing', async () => {
      const st = await taskState(s.nodes[victim]!.api, t2.task.taskId)
      // Past computing already (the poll missed it): say so at once rather than wait out the deadline.
      if (st.state === 'completed' || st.state === 'failed' || st.state === 'cancelled') throw new GiveUp(`the victim's task is ${st.state} before the partition: ${JSON.stringify(st)}`)
      return st.state === 'computing' ? true : undefined
    }, 120_000, 20)
    await topo.partition(victim)
    lap('partitioned')

    const suspended = await waitFor('NodeSuspended', async () => {
      const logs = await getContractEvents(deployer.public, { abi: enigmaControllerAbi, address: s.controller, eventName: 'NodeSuspended', fromBlock: BigInt(s.fromBlock ?? 0) })
      return logs.length > 0 ? logs : undefined
    }, 120_000).catch(async (e: Error) => {
      const states = await Promise.all(members.map((i) => taskState(s.nodes[i]!.api, t2.task.taskId).then((x) => JSON.stringify(x), (x: Error) => x.message)))
      throw new Error(`${e.message}; committee states: ${states.join(' | ')}`)
    })
    lap('suspended')
    assert.equal(suspended.length, 1, JSON.stringify(suspended.map((x) => x.args.node)))
    assert.deepEqual([suspended[0]!.args.node!.toLowerCase(), suspended[0]!.args.taskId, suspended[0]!.args.reason], [victimAccount.toLowerCase(), t2.task.taskId, UNRESPONSIVE_REASON])
    // The honest members ended the task failed, naming the victim's committee index.
    for (const i of members.filter((i) => i !== victim)) {
      const st = await taskState(s.nodes[i]!.api, t2.task.taskId)
      assert.equal(st.state, 'failed', `member ${i}: ${JSON.stringify(st)}`)
      assert.equal(culpritOf(st.reason), 1, `member ${i} names the victim: ${st.reason}`)
    }
    // No output but the right one: no receipt landed for the partitioned attempt.
    const completed = () => getContractEvents(deployer.public, { abi: enigmaControllerAbi, address: s.controller, eventName: 'TaskCompleted', fromBlock: BigInt(s.fromBlock ?? 0) })
    assert.deepEqual((await completed()).map((c) => c.args.taskId), [t1.task.taskId])
    await assertOnlyCulpritSuspended(deployer, s, stakes, victim)

    // 3. The re-run (issue #12 item 3): the keeper re-runs the task, a committee of 3 is drawn from the
    // four active nodes (never the suspended victim), the surviving members hand their input shares
    // over, and the client gets the right answer on attempt 2, signed only by the new committee.
    // In `npm run test:netns` (≈ 30–60 s more than the default suite's budget allows).
    if (FULL) {
      const r2 = await waitForResult(creator, { taskId: t2.task.taskId, circuit: auction.compiled.circuit, timeoutMs: 300_000, rerunGraceMs: 90_000 })
      lap('re-run completed')
      assert.ok(sameOutputs(r2.outputs, referenceOutputs(auction.compiled, auction.inputs)), JSON.stringify(r2.outputs))
      assert.equal(r2.attempts, 2)
      const history = (await taskHistory(deployer, t2.task.taskId)).map((h) => h.event)
      assert.deepEqual(history.filter((h) => h !== 'TaskSettled').slice(0, 5), ['CommitteeDrawn', 'NodeSuspended', 'TaskRerun', 'CommitteeDrawn', 'TaskCompleted'], history.join(' → '))
      assert.ok(!r2.receipt.committee.some((a) => a.toLowerCase() === victimAccount.toLowerCase()), `the victim is on the re-run's committee: ${r2.receipt.committee}`)
      assert.ok(!r2.receipt.signers.some((a) => a.toLowerCase() === victimAccount.toLowerCase()), 'the victim signed the receipt')
      assert.deepEqual((await completed()).map((c) => c.args.taskId), [t1.task.taskId, t2.task.taskId])
      // Still only the victim suspended, no stake moved.
      await assertOnlyCulpritSuspended(deployer, s, stakes, victim)
    }

    if (FULL) {
      // The healed partition: the member gets its link back, is reinstated (owner's unsuspend, its own
      // setActive), and resumes its duties: a task on all five, the former victim included, completes.
      await topo.heal(victim)
      // Later submitters may send the same votes for a while; an earlier unsuspend would be undone.
      await new Promise((r) => setTimeout(r, RESUBMIT_WINDOW_MS))
      await unsuspend(devnet.wallet(0), { address: s.controller, node: victimAccount })
      const { identity } = await loadOrCreateIdentity(s.nodes[victim]!.dataDir)
      const own = clientFor(s, identity.accountKey.expose() as Hex)
      await setActive(own.wallet!, { address: s.controller, active: true })
      const registry = await Promise.all(s.nodes.map((n) => getNode(deployer.public, { address: s.controller, node: n.account })))
      t.diagnostic(`after reinstating: ${registry.map((r, i) => `${i}:${r.active ? 'active' : 'inactive'}${r.suspendedUntil > 0n ? ' suspended' : ''}`).join(' ')}`)
      assert.ok(registry.every((r) => r.active), 'all five active again')
      const t3 = await start(millionaires, NODES, 2)
      await t3.submit()
      const r3 = await waitForResult(creator, { taskId: t3.task.taskId, circuit: millionaires.compiled.circuit, timeoutMs: 180_000 })
      assert.ok(sameOutputs(r3.outputs, referenceOutputs(millionaires.compiled, millionaires.inputs)))
      assert.ok(r3.receipt.committee.some((a) => a.toLowerCase() === victimAccount.toLowerCase()))
    }
    await devnet.stop()
  } finally {
    await topo.close()
  }
  // Everything this run made is gone: namespaces, veths, bridge (other runs may add theirs meanwhile).
  const now = await netState()
  assert.deepEqual(now.netns.filter((n) => n.includes(topo.id)), [])
  assert.deepEqual(now.links.filter((l) => l.includes(topo.id)), [])
  assert.ok(now.netns.includes(DECOY_NETNS), `namespace ${DECOY_NETNS} of someone else is untouched`)
  assert.ok(now.links.includes(DECOY_LINK), `link ${DECOY_LINK} of someone else is untouched`)
})
