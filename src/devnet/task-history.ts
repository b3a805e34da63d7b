/**
 * A task's history as the controller's events tell it (issue #12, item 2): the draw, each accusation
 * that suspended a member (`NodeSuspended`, with the votes' reason), each slash (`NodeSlashed`), each
 * re-run (`TaskRerun`: the next attempt's draw), the receipt, settlement or refund — in block order. Reasons known to the node layer are named.
 */
import type { Hex } from 'viem'
import { getContractEvents } from 'viem/actions'
import { enigmaControllerAbi } from '../chain/generated/EnigmaController.ts'
import { EQUIVOCATION_REASON } from '../node/attestation.ts'
import { UNRESPONSIVE_REASON, WRONG_RECEIPT_REASON } from '../node/evidence.ts'
import type { EnigmaClient } from '../sdk/index.ts'

export interface TaskHistoryEntry {
  readonly block: bigint
  readonly event: string
  readonly detail: string
}

const REASONS: Readonly<Record<string, string>> = {
  [UNRESPONSIVE_REASON]: 'unresponsive', [WRONG_RECEIPT_REASON]: 'wrong receipt', [EQUIVOCATION_REASON]: 'equivocation',
}
const reasonName = (r: Hex | undefined) => (r && REASONS[r.toLowerCase()]) ?? r ?? '?'

const EVENTS = ['DrawRetargeted', 'CommitteeDrawn', 'NodeSuspended', 'NodeSlashed', 'TaskRerun', 'TaskCompleted', 'TaskSettled', 'TaskRefunded'] as const

export async function taskHistory(client: EnigmaClient, taskId: Hex): Promise<TaskHistoryEntry[]> {
  const out: TaskHistoryEntry[] = []
  const logs = await Promise.all(EVENTS.map((eventName) => getContractEvents(client.public, {
    abi: enigmaControllerAbi, address: client.controller, eventName, args: { taskId } as never, fromBlock: client.fromBlock,
  })))
  for (const l of logs.flat()) {
    const a = l.args as Record<string, unknown>
    const detail = (() => {
      switch (l.eventName) {
        case 'CommitteeDrawn': return `committee ${(a.committee as string[]).join(' ')}`
        case 'DrawRetargeted': return `draw moved to block ${String(a.drawBlock)}`
        case 'NodeSuspended': return `${String(a.node)} suspended until ${new Date(Number(a.until) * 1000).toISOString()} (votes: ${reasonName(a.reason as Hex)})`
        case 'NodeSlashed': return `${String(a.node)} slashed ${String(a.amount)} wei (${reasonName(a.reason as Hex)}), reporter ${String(a.reporter)} rewarded ${String(a.reward)}`
        case 'TaskRerun': return `attempt ${Number(a.reruns) + 1}: fresh draw at block ${String(a.drawBlock)} without ${String(a.culprit)}`
        case 'TaskCompleted': return `receipt ${String(a.outputHash)} signed by ${(a.signers as string[]).length}`
        case 'TaskSettled': return `${(a.paid as string[]).length} members paid ${String(a.share)} wei each`
        case 'TaskRefunded': return `${String(a.amount)} wei back to ${String(a.creator)}`
        default: return ''
      }
    })()
    out.push({ block: l.blockNumber, event: l.eventName, detail })
  }
  return out.sort((x, y) => (x.block < y.block ? -1 : x.block > y.block ? 1 : 0))
}
