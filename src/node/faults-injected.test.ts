/**
 * Injected faults (issue #12, item 1) with real node processes, malicious mode, n = 5, t = 2: one
 * member runs with a test-only fault (`src/node/faults.ts`, through the test entry's `fault.json`)
 * and the test checks what the honest members and the client see:
 * - active cheating in the computation (`alter-mul`, `alter-open`, `equivocate`) is detected: no honest
 *   member completes (so no wrong result is ever signed), at least one reports the check that caught
 *   it, and no honest member is named as the culprit;
 * - `wrong-output-share`: the honest members complete; the recipient's checked reconstruction refuses
 *   the output instead of returning a wrong value;
 * - `wrong-receipt`: the honest members agree on the correct result; the faulty member's signed output
 *   hash differs (what the evidence path turns into an accusation);
 * - `silent` / `crash`: every honest member ends `failed`, each failure traced back to the faulty one.
 * It runs in `npm run test:faults` (ENIGMA_TEST_FAULTS_FULL=1); the default suite has the in-process
 * switch test (fault-switch.test.ts) and the devnet test of the evidence path (src/devnet/faults.e2e.test.ts).
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getField } from '../field/index.ts'
import { compileContract, defineContract, reveal, revealTo, uint32 } from '../lang/index.ts'
import { generateEncryptionKeyPair } from '../sharing/envelope.ts'
import { Cluster } from './testing/cluster.ts'
import { committeeOf, makeTaskSpec, newOwner, slotSubmissions, post, waitForTask, fetchPrivateOutput } from './testing/client.ts'
import type { FaultBehaviour } from './faults.ts'
import type { Hex, SecurityMode } from './task-source.ts'
import { culpritOf } from './evidence.ts'

const FULL = process.env.ENIGMA_TEST_FAULTS_FULL === '1'
const skip = !FULL && 'multi-process fault matrix: npm run test:faults'
const CULPRIT = 1
const contract = defineContract({
  name: 'faults-sum',
  inputs: { a: uint32, b: uint32 },
  compute: ({ a, b }) => ({ sum: revealTo('alice', a.add(b)), bigger: reveal(a.gt(b)) }),
})
const compiled = compileContract(contract, {})
const field = getField(compiled.circuit.field)
const alice = generateEncryptionKeyPair()
const recipients = { alice: `0x${Buffer.from(alice.publicKey).toString('hex')}` as Hex }

let root: string
let cluster: Cluster

before(async () => {
  if (!FULL) return
  root = await mkdtemp(join(tmpdir(), 'enigma-faults-injected-'))
  cluster = await Cluster.start({ root, size: 5, testEntry: true, config: { mpcTimeoutMs: 4_000, mpcStartTimeoutMs: 15_000 } })
  await cluster.addCircuit('faults-sum', compiled.encoding)
})

after(async () => {
  await cluster?.stop()
  // Outside `npm run test:faults` nothing was started (and `root` was never made).
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

const ended = (s: any) => s.state === 'completed' || s.state === 'failed'
const honest = () => cluster.apis.map((api, i) => [i, api] as const).filter(([i]) => i !== CULPRIT)

/** Runs a = 41, b = 1 with node CULPRIT faulty; returns every member's final status (the culprit's if it lives). */
async function runWithFault(behaviour: FaultBehaviour, security: SecurityMode = 'malicious') {
  await cluster.fault(CULPRIT, behaviour)
  const owner = newOwner()
  const spec = makeTaskSpec({
    codeHash: compiled.codeHash, committee: committeeOf(cluster.nodes.map((n) => n.info)), t: 2, security,
    slots: [{ name: 'a', owner: owner.address }, { name: 'b', owner: owner.address }], recipients,
  })
  await cluster.addTask(spec)
  await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, () => true, 20_000)))
  for (const [slot, v] of [['a', 41n], ['b', 1n]] as const) {
    for (const s of await slotSubmissions(field, spec, slot, [v], owner, cluster.apis)) assert.equal((await post(s)).status, 200)
  }
  const finals = new Map(await Promise.all(honest().map(async ([i, api]) => [i, await waitForTask(api, spec.taskId, ended, 60_000)] as const)))
  assert.ok(await cluster.faultInjected(CULPRIT), `the ${behaviour} fault never acted`)
  return { spec, finals }
}

function namesCulprit(reason: string): boolean {
  return reason.includes(cluster.nodes[CULPRIT]!.info.peerId) || reason.includes(`party ${CULPRIT}`)
}

/** No honest member completed; one saw the check fail; none names an honest member. */
function assertCheatingCaught(finals: ReadonlyMap<number, any>): void {
  for (const [i, f] of finals) {
    assert.equal(f.state, 'failed', `honest member ${i} must not complete: ${JSON.stringify(f)}`)
    const named = /party (\d+)/.exec(f.reason ?? '')
    if (named && f.reason.startsWith('MPC_')) assert.equal(Number(named[1]), CULPRIT, `member ${i} blames an honest party: ${f.reason}`)
  }
  const reasons = [...finals.values()].map((f) => f.reason as string)
  assert.ok(reasons.some((r) => /MPC_CHEATING_DETECTED|MPC_INCONSISTENT_INPUT/.test(r)), `no member reports the check: ${reasons.join(' | ')}`)
}

for (const behaviour of ['alter-mul', 'alter-open', 'equivocate'] as const) {
  test(`${behaviour}: detected, no honest member completes or is blamed`, { skip }, async () => {
    const { finals } = await runWithFault(behaviour)
    assertCheatingCaught(finals)
  })
}

test('wrong-output-share: the honest members complete, the recipient refuses the forged output', { skip }, async () => {
  const { spec, finals } = await runWithFault('wrong-output-share')
  for (const f of finals.values()) assert.deepEqual([f.state, f.result?.public], ['completed', { bigger: ['1'] }])
  await assert.rejects(fetchPrivateOutput(field, spec, 'sum', alice, cluster.apis), (e: any) => e.code === 'SHARING_INCONSISTENT')
})

test('wrong-receipt: the honest members sign the correct result, the culprit a different output hash', { skip }, async () => {
  const { spec, finals } = await runWithFault('wrong-receipt')
  const hashes = new Set([...finals.values()].map((f) => f.result?.outputHash))
  for (const f of finals.values()) assert.deepEqual([f.state, f.result?.public], ['completed', { bigger: ['1'] }])
  assert.equal(hashes.size, 1)
  const bad = await waitForTask(cluster.apis[CULPRIT]!, spec.taskId, ended, 30_000)
  assert.equal(bad.state, 'completed')
  assert.ok(!hashes.has(bad.result.outputHash), 'the culprit signed the honest hash')
  assert.deepEqual(bad.result.public, { bigger: ['2'] })
})

test('silent: every honest member fails, each failure traced back to the silent member', { skip }, async () => {
  const { finals } = await runWithFault('silent')
  assertTracedToCulprit(finals)
})

// Semi-honest openings hear t ring neighbours only: without complaints (src/protocols/complaints.ts) only
// t members timed out on the silent one and the others on *them* (messengers, no vote): one vote short.
test('semi-honest silent: every honest member names the silent member first-hand (a vote each, as in malicious mode)', { skip }, async () => {
  const { spec, finals } = await runWithFault('silent', 'semi-honest')
  for (const [i, f] of finals) {
    assert.equal(f.state, 'failed', JSON.stringify(f))
    const self = spec.committee.findIndex((m) => m.peerId === cluster.nodes[i]!.info.peerId)
    assert.equal(culpritOf(f.reason, self), CULPRIT, `member ${i} gives no first-hand vote against the silent member: ${f.reason}`)
  }
})

test('crash: the process exits mid-task; every honest member fails, traced back to it', { skip }, async () => {
  const { finals } = await runWithFault('crash')
  assertTracedToCulprit(finals)
  assert.ok(cluster.nodes[CULPRIT]!.proc!.exitCode !== null || cluster.nodes[CULPRIT]!.proc!.signalCode !== null, 'the crashed node still runs')
  await cluster.fault(CULPRIT, undefined)
  await cluster.kill(CULPRIT)
  await cluster.restart(CULPRIT)
})

/** Every honest failure names the culprit, or names a member whose own failure names it (a timeout cascade). */
function assertTracedToCulprit(finals: ReadonlyMap<number, any>): void {
  for (const [i, f] of finals) {
    assert.equal(f.state, 'failed', JSON.stringify(f))
    assert.match(f.reason, /peer disconnected|timeout/)
    if (namesCulprit(f.reason)) continue
    const named = Number(/party (\d+)/.exec(f.reason)?.[1])
    assert.ok(finals.has(named) && named !== i && namesCulprit(finals.get(named)!.reason), `member ${i}: ${f.reason}`)
  }
}
