/**
 * The browser dApp's contract: Yao's millionaires, plus the joint wealth revealed only to an
 * advisor's key (a `revealTo` output: each node encrypts its share to the key the task names).
 * Inputs alice, bob: uint32. Outputs aliceRicher (public), total (to 'advisor' only).
 */
import { defineContract, reveal, revealTo, uint32 } from 'enigma-ts'

export default defineContract({
  name: 'joint-wealth',
  inputs: { alice: uint32, bob: uint32 },
  compute: ({ alice, bob }) => ({
    aliceRicher: reveal(alice.gt(bob)),
    total: revealTo('advisor', alice.add(bob)),
  }),
})

/** Plaintext reference (every output, whoever may read it). */
export function reference(inputs: { alice: number; bob: number }) {
  return { aliceRicher: inputs.alice > inputs.bob, total: inputs.alice + inputs.bob }
}
