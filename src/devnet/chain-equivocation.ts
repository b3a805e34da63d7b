/**
 * The node layer's `EquivocationSubmitter` on an EVM chain (issue #12, item 2, self-verifying
 * evidence): sends a member's two conflicting receipt statements with the controller's
 * `proveEquivocation`, from the node's own account (the controller pays it a capped reward). The node
 * layer never imports the chain; src/devnet/chain-node.ts wires this in.
 *
 * It reads the signer's registry entry first and sends nothing if it is already slashed (another
 * member proved it first), so the later submitters of `EquivocationReporter` cost no gas.
 */
import type { Address } from 'viem'
import { getNode } from '../chain/actions/getNode.ts'
import { proveEquivocation } from '../chain/actions/proveEquivocation.ts'
import type { ControllerReadClient, ControllerWalletClient } from '../chain/internal/write.ts'
import type { EquivocationSubmitter } from '../node/attestation-gossip-equivocation.ts'

export function chainEquivocationProver(client: ControllerReadClient, wallet: ControllerWalletClient, controller: Address): EquivocationSubmitter {
  return {
    async prove({ a, b }) {
      const node = await getNode(client, { address: controller, node: a.signer })
      if (node.slashed) return
      await proveEquivocation(wallet, { address: controller, a, b })
    },
  }
}
