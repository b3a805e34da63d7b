/**
 * The chain's side of contract state (src/node/state-source.ts) over contracts/EnigmaState.sol and the
 * controller: a task's binding with the holders of its version (the committee of the task that wrote it,
 * with their peer ids from the registry), and a state's current version with the task bound to it.
 * Wired into the node by src/devnet/chain-node.ts; the node layer never imports this file.
 */
import { zeroHash, type Address, type Hex } from 'viem'
import type { ControllerReadClient } from './internal/write.ts'
import { readState } from './internal/state.ts'
import { StateRefusedError } from './state-errors.ts'
import { getState } from './actions/getState.ts'
import { getStateBinding } from './actions/getStateBinding.ts'
import { getTask } from './actions/getTask.ts'
import { getCommitteeMembers } from './actions/getCommitteeMembers.ts'
import type { ChainStateInfo, StateHolders, StateSource, TaskStateBinding } from '../node/state-source.ts'

export function chainStateSource(client: ControllerReadClient, o: { readonly state: Address; readonly controller: Address }): StateSource {
  const membersOf = (committee: readonly Address[]) => getCommitteeMembers(client, { address: o.controller, committee })
  const holdersOf = async (stateId: Hex, version: bigint): Promise<StateHolders | undefined> => {
    if (version === 0n) return undefined
    const taskId = await readState<Hex>('stateSource', client, o.state, 'versionTask', [stateId, version])
    if (taskId === zeroHash) return undefined
    const task = await getTask(client, { address: o.controller, taskId })
    return { taskId, t: task.t, members: await membersOf(task.committee) }
  }
  return {
    async bindingOf(taskId): Promise<TaskStateBinding | undefined> {
      const b = await getStateBinding(client, { address: o.state, taskId })
      if (!b) return undefined
      const st = await getState(client, { address: o.state, stateId: b.stateId })
      return { stateId: b.stateId, version: b.version, typeHash: st.typeHash, holders: await holdersOf(b.stateId, b.version) }
    },
    async stateOf(stateId): Promise<ChainStateInfo | undefined> {
      let st
      try {
        st = await getState(client, { address: o.state, stateId })
      } catch (e) {
        if (e instanceof StateRefusedError && e.code === 'STATE_UNKNOWN') return undefined
        throw e
      }
      let bound: ChainStateInfo['bound']
      if (st.boundTask !== zeroHash) {
        const task = await getTask(client, { address: o.controller, taskId: st.boundTask })
        bound = { taskId: st.boundTask, t: task.t, security: task.security, committee: task.committee.length > 0 ? await membersOf(task.committee) : undefined }
      }
      return { stateId, version: st.version, versionTask: st.versionTask === zeroHash ? undefined : st.versionTask, bound }
    },
  }
}
