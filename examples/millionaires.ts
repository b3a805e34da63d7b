/**
 * Yao's millionaires' problem: who is richer, without telling anyone how rich.
 * Inputs alice, bob: uint32. Outputs aliceRicher (alice > bob), equal (alice == bob).
 */
import { defineContract, reveal, uint32 } from 'enigma-ts'

export default defineContract({
  name: 'millionaires',
  inputs: { alice: uint32, bob: uint32 },
  compute: ({ alice, bob }) => ({
    aliceRicher: reveal(alice.gt(bob)),
    equal: reveal(alice.eq(bob)),
  }),
})

/** Plaintext reference. */
export function reference(inputs: { alice: number; bob: number }) {
  return { aliceRicher: inputs.alice > inputs.bob, equal: inputs.alice === inputs.bob }
}
