/**
 * The node layer's `AccusationSubmitter` on an EVM chain (issue #12, item 2): sends a majority's
 * suspension votes with the controller's `accuse`, from the node's own account. The node layer never
 * imports the chain; it gets this object (src/devnet/chain-node.ts wires it in).
 *
 * It reads the accused's registry entry first and sends nothing if the node is already suspended or
 * slashed (another voter submitted first), so the fallback submitters of `EvidenceCollector` cost no
 * gas once the designated one succeeded.
 */
import type { Address } from 'viem'
import { getBlock } from 'viem/actions'
import { accuse } from '../chain/actions/accuse.ts'
import { getNode } from '../chain/actions/getNode.ts'
import type { ControllerReadClient, ControllerWalletClient } from '../chain/internal/write.ts'
import type { AccusationSubmitter } from '../node/evidence.ts'

export function chainAccuser(client: ControllerReadClient, wallet: ControllerWalletClient, controller: Address): AccusationSubmitter {
  return {
    async submit({ taskId, accused, reason, signatures }) {
      const [node, block] = await Promise.all([getNode(client, { address: controller, node: accused }), getBlock(client as never)])
      if (node.slashed || node.suspendedUntil > block.timestamp) return
      await accuse(wallet, { address: controller, taskId, accused, reason, signatures })
    },
  }
}
