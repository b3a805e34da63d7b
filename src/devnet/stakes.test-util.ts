/**
 * After a fault on the devnet: only the culprit was suspended (votes suspend, docs/controller.md),
 * nobody was slashed, no stake moved, the honest nodes stay active. Shared by the devnet fault tests
 * (src/devnet/faults.e2e.test.ts, src/devnet/netns.e2e.test.ts). `culprit` undefined: nobody may be suspended; several (up to t killed at once): each of them.
 */
import assert from 'node:assert/strict'
import { getContractEvents } from 'viem/actions'
import { enigmaControllerAbi } from '../chain/generated/EnigmaController.ts'
import { getNode } from '../chain/actions/getNode.ts'
import type { EnigmaClient } from '../sdk/index.ts'
import type { DevnetState } from './state.ts'

export async function assertOnlyCulpritSuspended(client: EnigmaClient, s: DevnetState, stakesBefore: readonly bigint[], culprit: number | readonly number[] | undefined): Promise<void> {
  const culprits = culprit === undefined ? [] : typeof culprit === 'number' ? [culprit] : culprit
  const slashed = await getContractEvents(client.public, { abi: enigmaControllerAbi, address: s.controller, eventName: 'NodeSlashed', fromBlock: BigInt(s.fromBlock ?? 0) })
  assert.equal(slashed.length, 0)
  for (const [i, n] of s.nodes.entries()) {
    const now = await getNode(client.public, { address: s.controller, node: n.account })
    assert.equal(now.stake, stakesBefore[i], `node ${i} stake`)
    assert.equal(now.slashed, false, `node ${i} slashed`)
    if (culprits.includes(i)) assert.deepEqual([now.active, now.suspendedUntil > 0n], [false, true])
    else assert.deepEqual([now.active, now.suspendedUntil], [true, 0n], `honest node ${i}`)
  }
}
