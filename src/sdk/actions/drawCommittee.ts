import type { Hex } from 'viem'
import { getBlockNumber } from 'viem/actions'
import { drawCommittee as chainDrawCommittee } from '../../chain/actions/drawCommittee.ts'
import { getTask as chainGetTask } from '../../chain/actions/getTask.ts'
import { ControllerRevertError, type ChainRequestError } from '../../chain/errors.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'

export interface DrawCommitteeParameters {
  readonly taskId: Hex
  /** How long to wait for the draw block (ms, default 120 000). */
  readonly timeoutMs?: number
}
export interface DrawCommitteeReturnType {
  /** Whether this call drew the committee (false: someone else, e.g. a node, drew it first). */
  readonly drawnHere: boolean
  readonly gasUsed: bigint
}
export type DrawCommitteeErrorType = SdkError | ControllerRevertError | ChainRequestError

/**
 * Step 2 of a task (docs/controller.md "Tasks: create, then draw"): waits until the task's draw block
 * is mined (a real chain advances by itself; the devnet mines on an interval), then draws. `createTask`
 * does it for the tasks it creates; this action is for tasks a Solidity contract created (an
 * `EnigmaConsumer`, docs/dapps.md), whose draw anyone may make: the committee does not depend on who.
 * A draw block out of BLOCKHASH reach is re-targeted by the controller and waited for again.
 */
export async function drawCommittee(client: EnigmaClient, params: DrawCommitteeParameters): Promise<DrawCommitteeReturnType> {
  const wallet = requireWallet(client, 'drawCommittee')
  const timeoutMs = params.timeoutMs ?? 120_000
  const task = await chainGetTask(client.public, { address: client.controller, taskId: params.taskId })
  if (task.status !== 'pending') return { drawnHere: false, gasUsed: 0n }
  const until = Date.now() + timeoutMs
  for (let target = task.drawBlock; ;) {
    while ((await getBlockNumber(client.public, { cacheTime: 0 })) <= target) {
      if (Date.now() > until) throw new SdkError('SDK_TIMEOUT', `drawCommittee: draw block ${target} of task ${params.taskId} not mined after ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, Math.min(client.pollingIntervalMs, 200)))
    }
    try {
      const d = await chainDrawCommittee(wallet, { address: client.controller, taskId: params.taskId })
      if (d.drawn) return { drawnHere: true, gasUsed: d.gasUsed }
      target = d.drawBlock
    } catch (e) {
      // Someone else (a node, another client) drew first: the committee is the same whoever draws.
      if (e instanceof ControllerRevertError && e.errorName === 'TaskNotOpen') return { drawnHere: false, gasUsed: 0n }
      throw e
    }
  }
}
