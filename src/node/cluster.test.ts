/**
 * Five `enigma node start` processes on 127.0.0.1 run example contracts end to end from a local task
 * file, with client inputs submitted through the HTTP API, in both security modes.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getField } from '../field/index.ts'
import { compileContract, defineContract, reveal, revealTo, uint32 } from '../lang/index.ts'
import { generateEncryptionKeyPair } from '../sharing/envelope.ts'
import millionaires from '../../examples/millionaires.ts'
import vickrey, { reference as vickreyReference } from '../../examples/vickrey-auction.ts'
import salaryStats, { reference as salaryReference } from '../../examples/salary-stats.ts'
import { verifyAttestation } from './attestation.ts'
import { LOCAL_DOMAIN } from './task-runner.ts'
import { Cluster } from './testing/cluster.ts'
import { committeeOf, makeTaskSpec, newOwner, slotSubmissions, post, waitForTask, fetchPrivateOutput } from './testing/client.ts'
import type { Hex, SecurityMode } from './task-source.ts'

let root: string
let cluster: Cluster

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-cluster-'))
  cluster = await Cluster.start({ root, size: 5, config: { mpcTimeoutMs: 15_000 } })
})

after(async () => {
  await cluster?.stop()
  await rm(root, { recursive: true, force: true })
})

async function runTask(compiled: ReturnType<typeof compileContract>, security: SecurityMode, inputs: Record<string, bigint[]>,
  extra: { recipients?: Record<string, Hex>; params?: Record<string, number> } = {}) {
  const field = getField(compiled.circuit.field)
  const owners = Object.fromEntries(Object.keys(inputs).map((k) => [k, newOwner()]))
  const spec = makeTaskSpec({
    codeHash: compiled.codeHash, committee: committeeOf(cluster.nodes.map((n) => n.info)), t: 2, security,
    slots: Object.keys(inputs).map((name) => ({ name, owner: owners[name]!.address })), ...extra,
  })
  await cluster.addTask(spec)
  await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, () => true, 20_000)))
  for (const [slot, values] of Object.entries(inputs)) {
    for (const s of await slotSubmissions(field, spec, slot, values, owners[slot]!, cluster.apis)) {
      // A node that is still fetching the circuit (from a peer, via the DHT) answers 503 "retry
      // shortly"; a client retries, as the SDK does.
      let r = await post(s)
      for (let tries = 0; r.status === 503 && tries < 80; tries++) {
        await new Promise((res) => setTimeout(res, 250))
        r = await post(s)
      }
      assert.equal(r.status, 200, JSON.stringify(r.json))
      assert.equal(r.json.accepted, true)
    }
  }
  const finals = await Promise.all(cluster.apis.map((api) => waitForTask(api, spec.taskId, (s) => s.state === 'completed' || s.state === 'failed', 60_000)))
  for (const f of finals) assert.equal(f.state, 'completed', JSON.stringify(f))
  // Every member computed the same result and signed it with its own account.
  const hashes = new Set(finals.map((f) => f.result.outputHash))
  assert.equal(hashes.size, 1)
  for (const [i, f] of finals.entries()) {
    assert.equal(f.result.attestation.signer.toLowerCase(), cluster.nodes[i]!.info.account.toLowerCase())
    assert.ok(await verifyAttestation(LOCAL_DOMAIN, f.result.attestation))
  }
  return { spec, field, result: finals[0]!.result }
}

for (const security of ['semi-honest', 'malicious'] as const) {
  test(`millionaires, ${security}: five node processes, inputs over HTTP`, async () => {
    const compiled = compileContract(millionaires, {})
    await cluster.addCircuit('millionaires', compiled.encoding)
    const { result } = await runTask(compiled, security, { alice: [1_000_000n], bob: [999_999n] })
    assert.deepEqual(result.public, { aliceRicher: ['1'], equal: ['0'] })
  })

  test(`vickrey auction (6 bidders, one slot each), ${security}`, async () => {
    const compiled = compileContract(vickrey, { bidders: 6 })
    await cluster.addCircuit(`vickrey-6`, compiled.encoding)
    const bids = [120, 340, 95, 330, 7, 200]
    const inputs = Object.fromEntries(bids.map((b, i) => [`bids[${i}]`, [BigInt(b)]]))
    const { result } = await runTask(compiled, security, inputs)
    const ref = vickreyReference({ bids })
    assert.deepEqual(result.public, { winner: [String(ref.winner)], price: [String(ref.price)] })
  })
}

test('salary statistics (division, sorting) through the engine\'s circuit runner, malicious', async () => {
  const compiled = compileContract(salaryStats, { employees: 5 })
  await cluster.addCircuit('salary-5', compiled.encoding)
  const salaries = [52_000, 61_500, 48_250, 99_000, 61_500]
  const { result } = await runTask(compiled, 'malicious', { salaries: salaries.map(BigInt) })
  const ref = salaryReference({ salaries })
  assert.deepEqual(result.public, { mean: [String(ref.mean)], median: [String(ref.median)], max: [String(ref.max)], aboveMean: [String(ref.aboveMean)] })
})

test('a revealTo output reaches only its recipient; the circuit is fetched from the one node that has it (DHT)', async () => {
  const contract = defineContract({
    name: 'private-sum',
    inputs: { a: uint32, b: uint32 },
    compute: ({ a, b }) => ({ sum: revealTo('alice', a.add(b)), bigger: reveal(a.gt(b)) }),
  })
  const compiled = compileContract(contract, {})
  await cluster.addCircuit('private-sum', compiled.encoding, 3)
  const alice = generateEncryptionKeyPair()
  const recipients = { alice: `0x${Buffer.from(alice.publicKey).toString('hex')}` as Hex }
  const { spec, field, result } = await runTask(compiled, 'malicious', { a: [41n], b: [1n] }, { recipients })
  assert.deepEqual(result.public, { bigger: ['1'] })
  assert.deepEqual(result.encryptedOutputs, ['sum'])
  assert.deepEqual(await fetchPrivateOutput(field, spec, 'sum', alice, cluster.apis), [42n])
})
