/** `enigma-ts/testing` as a project's test uses it: the secure run equals the plaintext reference. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runContract, runContractPlain } from 'enigma-ts/testing'
import vickrey, { reference } from '../../examples/vickrey-auction.ts'

test('runContract (3 parties, in memory) and runContractPlain match the reference', async () => {
  const bids = [17, 4_000_000_000, 99, 4_000_000_000 - 1]
  const r = await runContract(vickrey, { inputs: { bids }, params: { bidders: bids.length } })
  assert.deepEqual(r.outputs, reference({ bids }))
  assert.deepEqual(runContractPlain(vickrey, { inputs: { bids }, params: { bidders: bids.length } }), reference({ bids }))
  assert.equal(r.cost.nodes, 3)
  assert.ok(r.stats.rounds > 0)
})

test('runContract with 5 parties, malicious security', async () => {
  const bids = [5, 9, 2, 9, 1]
  const r = await runContract(vickrey, { inputs: { bids }, params: { bidders: 5 }, nodes: 5, security: 'malicious' })
  assert.deepEqual(r.outputs, reference({ bids }))
  assert.equal(r.cost.threshold, 2)
})
