/**
 * Private (`revealTo`) output shares a secret node keeps for a recipient outside the committee are
 * re-randomised with a fresh sharing of zero before they leave the node (issue #9, defect 7): here the
 * output is an input wire, whose sharing the dealer chose, and the kept shares must lie on a fresh
 * polynomial through the same value.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { defineContract, revealTo, uint32, compileContract } from '../lang/index.ts'
import { getField } from '../field/index.ts'
import { split, reconstruct } from '../sharing/shamir.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { runParties, sharedFromDealt } from '../protocols/harness.test-util.ts'
import { runCircuit } from './run-circuit.ts'

const echo = defineContract({ name: 'echo', inputs: { a: uint32 }, compute: ({ a }) => ({ mine: revealTo('alice', a) }) })

for (const security of ['semi-honest', 'malicious'] as const) {
  test(`${security}: kept private output shares are re-randomised (same value, fresh polynomial)`, async () => {
    const { circuit } = compileContract(echo)
    const f = getField(circuit.field)
    const n = 5, t = 2
    const dealt = split(f, f.fromBigInts([4242n]), n, t)
    const kept = await runParties({ field: f, n, t, security }, async (s) => {
      const a = await sharedFromDealt(s, dealt)
      const r = await runCircuit(s, circuit, { inputs: [], sharedInputs: [a], keepPrivateShares: true })
      return r.privateShares.get('mine')!
    })
    checkConsistent(f, kept, t, t)
    assert.deepEqual(f.toBigInts(reconstruct(f, kept.slice(0, 3), [0, 1, 2], t)), [4242n])
    for (let p = 0; p < n; p++) assert.ok(!f.equal(kept[p]!, dealt[p]!), `party ${p} kept the computation's share`)
  })
}
