/**
 * The node layer's `RerunChain` on an EVM chain (issue #12, item 3): the reads the re-run keeper needs
 * (task status and committee, which members are suspended or slashed, whether the draw block is mined)
 * and the two transactions anyone may send, `rerunTask` and `drawCommittee`, from the node's own account.
 * A refusal because someone else was first (TaskNotOpen: already re-run or already drawn; NotSuspended
 * after an unsuspend) is not an error. src/devnet/chain-node.ts wires it in, like chain-accuser.ts.
 */
import type { Address, Hex } from 'viem'
import { getBlock, getBlockNumber } from 'viem/actions'
import { getTask } from '../chain/actions/getTask.ts'
import { getNode } from '../chain/actions/getNode.ts'
import { rerunTask } from '../chain/actions/rerunTask.ts'
import { drawCommittee } from '../chain/actions/drawCommittee.ts'
import { ControllerRevertError } from '../chain/errors.ts'
import type { ControllerReadClient, ControllerWalletClient } from '../chain/internal/write.ts'
import type { KeeperTaskView, RerunChain } from '../node/rerun-keeper.ts'

const LOST_RACE = new Set(['TaskNotOpen', 'NotSuspended', 'DrawTooEarly'])

export function chainKeeper(client: ControllerReadClient, wallet: ControllerWalletClient, controller: Address): RerunChain {
  const quietly = async (p: Promise<unknown>) => {
    try {
      await p
    } catch (e) {
      if (!(e instanceof ControllerRevertError && e.errorName && LOST_RACE.has(e.errorName))) throw e
    }
  }
  return {
    async view(taskId): Promise<KeeperTaskView> {
      const [task, block] = await Promise.all([getTask(client, { address: controller, taskId }), getBlock(client as never)])
      const closed = (task.status !== 'pending' && task.status !== 'open') || task.deadline < block.timestamp
      if (closed) return { status: 'closed', committee: [], suspended: [], drawReady: false }
      if (task.status === 'pending') {
        const latest = await getBlockNumber(client as never, { cacheTime: 0 })
        return { status: 'pending', committee: [], suspended: [], drawReady: latest > task.drawBlock }
      }
      const nodes = await Promise.all(task.committee.map((a) => getNode(client, { address: controller, node: a })))
      const suspended = task.committee.filter((_, i) => nodes[i]!.slashed || nodes[i]!.suspendedUntil > block.timestamp)
      return { status: 'open', committee: task.committee as Hex[], suspended: suspended as Hex[], drawReady: false }
    },
    async rerun(taskId, culprit) {
      await quietly(rerunTask(wallet, { address: controller, taskId, culprit }))
    },
    async draw(taskId) {
      await quietly(drawCommittee(wallet, { address: controller, taskId }))
    },
  }
}
