/**
 * Input batches end to end (issue #14 §5) on a devnet with contracts/EnigmaInputs.sol: five bidders
 * hand their signed envelopes to the committee off chain, the aggregator leaves one of them out of the
 * root (a censoring committee), the others' inputs cost no gas, the excluded owner finds her leaf
 * missing, fills her slot directly on the controller, and the nodes compute on the root's leaves ∪
 * her direct fill: the auction's result is right.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevnet, type Devnet } from './devnet.ts'
import { compileFile, contractPath, deployCompiled } from './contracts.ts'
import { clientFor, runTaskFlow } from './flow.ts'

let root: string
let devnet: Devnet | undefined

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'enigma-inputs-e2e-'))
  devnet = await startDevnet({ dir: join(root, 'devnet'), nodes: 5, threshold: 2, inputBatches: true })
})
after(async () => {
  await devnet?.stop()
  await rm(root, { recursive: true, force: true })
})

test('batched inputs: one root for four bidders, the fifth left out escapes by filling directly, and the winner and price are right', async () => {
  const bids = [120, 340, 95, 330, 410]
  const compiled = await compileFile(contractPath('vickrey-auction'), { bidders: bids.length })
  await deployCompiled(clientFor(devnet!.state, devnet!.state.deployer.privateKey), devnet!.state.circuitsDir, compiled)
  const r = await runTaskFlow({
    state: devnet!.state, compiled, creator: devnet!.state.accounts[0]!.privateKey, security: 'semi-honest', timeoutMs: 120_000,
    slots: bids.map((value, i) => ({ slot: `bids[${i}]`, value, owner: devnet!.state.accounts[i + 1]!.privateKey })),
    excludeFromRoot: [4],
  })
  assert.deepEqual(r.commitments.map((c) => c.path), ['batch', 'batch', 'batch', 'batch', 'escape'])
  // The excluded bidder's bid is the highest: the result proves the nodes used her direct fill.
  assert.equal(Number(r.result.outputs.winner), 4)
  assert.equal(r.result.outputs.price, 340)
  assert.ok(r.gas.inputRoot > 0n && r.gas.inputRoot < 200_000n, `root gas ${r.gas.inputRoot}`)
  console.log(`gas: createTask ${r.gas.createTask}, root ${r.gas.inputRoot}, owners' direct fills ${r.gas.inputs}, receipt ${r.gas.receipt}`)
})
