/**
 * Late is not silent, inside the computation, with real node processes (issue #12): n = 5, t = 2, an
 * *honest* member whose event loop stops for two receive deadlines at its first opening (`stall`,
 * src/node/faults.ts: Atomics.wait blocks its timers and sockets, as a starved machine or a long GC
 * pause does). The others reach their deadline on its frame, ask where it is, get no answer (it is
 * stalled) and wait on — up to three deadlines (src/node/mpc-network.ts) — so every member completes
 * with the right result and nobody is named. Before that, every other member named it at the deadline
 * (+ 2 s grace): a first-hand vote each, a majority, an honest node suspended.
 * Both modes: malicious (all-to-all openings) and semi-honest (ring openings, complaints).
 * In `npm run test:faults`.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getField } from '../field/index.ts'
import { compileContract, defineContract, reveal, uint32 } from '../lang/index.ts'
import { Cluster } from './testing/cluster.ts'
import { committeeOf, makeTaskSpec, newOwner, slotSubmissions, post, waitForTask } from './testing/client.ts'
import type { SecurityMode } from './task-source.ts'

const SLOW = 2
const MPC_TIMEOUT_MS = 3_000
const contract = defineContract({
  name: 'stall-sum',
  inputs: { a: uint32, b: uint32 },
  compute: ({ a, b }) => ({ sum: reveal(a.add(b)), bigger: reveal(a.gt(b)) }),
})
const compiled = compileContract(contract, {})
const field = getField(compiled.circuit.field)

let root: string
let cluster: Cluster

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-stall-'))
  cluster = await Cluster.start({ root, size: 5, testEntry: true, startTimeoutMs: 300_000, config: { mpcTimeoutMs: MPC_TIMEOUT_MS, mpcStartTimeoutMs: 30_000 } })
  await cluster.addCircuit('stall-sum', compiled.encoding)
  await cluster.fault(SLOW, 'stall')
})

after(async () => {
  await cluster?.stop()
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

for (const security of ['malicious', 'semi-honest'] as const satisfies readonly SecurityMode[]) {
  test(`${security}: a member stalled for two receive deadlines mid-computation is waited for; every member completes, nobody is named`, async () => {
    const owner = newOwner()
    const spec = makeTaskSpec({
      codeHash: compiled.codeHash, committee: committeeOf(cluster.nodes.map((n) => n.info)), t: 2, security,
      slots: [{ name: 'a', owner: owner.address }, { name: 'b', owner: owner.address }],
    })
    await cluster.addTask(spec)
    await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, () => true, 30_000)))
    for (const [slot, v] of [['a', 41n], ['b', 1n]] as const) {
      for (const s of await slotSubmissions(field, spec, slot, [v], owner, cluster.apis)) assert.equal((await post(s)).status, 200)
    }
    const finals = await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, (s) => s.state === 'completed' || s.state === 'failed', 120_000)))
    assert.ok(await cluster.faultInjected(SLOW), 'the stall never happened')
    for (const [i, f] of finals.entries()) assert.deepEqual([f.state, f.result?.public], ['completed', { sum: ['42'], bigger: ['1'] }], `member ${i}: ${f.reason}`)
  })
}
