/**
 * Committee entries come from the chain registry, where anyone can store any string as a peer id or
 * multiaddr (issue #15, defect 1). Before a task touches the MPC transport, its members are checked
 * with the same validator the MPC network uses (committee-members.ts): an address that does not parse
 * is dropped (the peer may still be found through the DHT), a peer id that does not parse makes that
 * task fail alone, with a typed `NodeError`.
 */
import { validateCommitteeMembers } from './committee-members.ts'
import { NodeError } from './errors.ts'
import type { TaskSpec } from './task-source.ts'

/** The task with every member checked (unusable addresses dropped), or a NodeError naming the problem. */
export function withUsableCommittee(spec: TaskSpec): TaskSpec {
  const check = validateCommitteeMembers(spec.committee)
  if (!check.ok) throw new NodeError('NODE_TASK_STATE', `task ${spec.taskId}: ${check.reason}`)
  if (check.droppedAddresses === 0) return spec
  return { ...spec, committee: spec.committee.map((m, i) => ({ ...m, multiaddrs: [...check.members[i]!.multiaddrs] })) }
}
