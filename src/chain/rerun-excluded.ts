/**
 * The old members a re-run's hand-off leaves out (issue #12 item 4): every member of the previous
 * committee that is suspended or slashed as of the block of the attempt's `CommitteeDrawn`, not only
 * the culprit `rerunTask` named. With up to t members killed at once, each is suspended by its own votes
 * before the re-run (src/node/rerun-keeper.ts), and only one of them can be the named culprit.
 *
 * Read at that fixed block, so every member of the hand-off computes the same list whenever it polls
 * (a node that reads "now" could see a later suspension or an owner's `unsuspend`, and two members
 * passing different lists to `reshare` would disagree on the dealers). A suspended member that was only
 * slow — or killed and restarted, and dealing again — is then ignored by every new member alike,
 * instead of reaching some of them and not others (which would leave too few dealers every member holds).
 */
import type { Address, Hex } from 'viem'
import { getBlock } from 'viem/actions'
import { getNode } from './actions/getNode.ts'
import type { ControllerReadClient } from './internal/write.ts'

export async function excludedAtDraw(client: ControllerReadClient, controller: Address, previous: readonly Address[], blockNumber: bigint): Promise<Hex[]> {
  const [block, nodes] = await Promise.all([
    getBlock(client, { blockNumber }),
    Promise.all(previous.map((node) => getNode(client, { address: controller, node, blockNumber }))),
  ])
  return previous.filter((_, i) => nodes[i]!.slashed || nodes[i]!.suspendedUntil > block.timestamp) as Hex[]
}
