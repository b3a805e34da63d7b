/**
 * A task's immutable facts (committee with encryption keys, slot names and owners, parameters), read
 * once from its `TaskCreated` and `CommitteeDrawn` events and the node registry, then cached on the client: the chain's
 * task record does not hold slot names, the event does.
 */
import type { Address, Hex } from 'viem'
import { getContractEvents } from 'viem/actions'
import { enigmaControllerAbi } from '../../chain/generated/EnigmaController.ts'
import { decodeTaskParams } from '../../chain/params.ts'
import { getCommitteeMembers } from '../../chain/actions/getCommitteeMembers.ts'
import { getTask } from '../../chain/actions/getTask.ts'
import type { CommitteeMember, SecurityMode } from '../../node/task-source.ts'
import type { EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'

export interface TaskInfo {
  readonly taskId: Hex
  readonly codeHash: Hex
  readonly creator: Address
  readonly params: Readonly<Record<string, number>>
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly deadline: bigint
  readonly fee: bigint
  readonly committee: readonly CommitteeMember[]
  readonly slots: readonly { readonly name: string; readonly owner: Address }[]
  /** X25519 public keys of the `revealTo` recipients, by name (lower-case hex). */
  readonly recipients: Readonly<Record<string, Hex>>
  /** Merkle root of the slot owners (fillInputSlot proves ownership against it). */
  readonly slotRoot: Hex
  readonly createdIn: { readonly blockNumber: bigint; readonly transactionHash: Hex }
}

export async function taskInfo(client: EnigmaClient, taskId: Hex): Promise<TaskInfo> {
  const key = `task:${taskId.toLowerCase()}`
  const hit = client.cache.get(key) as TaskInfo | undefined
  if (hit) return hit
  const logs = await getContractEvents(client.public, {
    address: client.controller, abi: enigmaControllerAbi, eventName: 'TaskCreated', args: { taskId }, fromBlock: client.fromBlock, toBlock: 'latest',
  })
  const log = logs[0] as unknown as { args: TaskCreatedArgs; blockNumber: bigint; transactionHash: Hex } | undefined
  if (!log) throw new SdkError('SDK_TASK_UNKNOWN', `no task ${taskId} on controller ${client.controller}`)
  const a = log.args
  const [drawn] = await getContractEvents(client.public, {
    address: client.controller, abi: enigmaControllerAbi, eventName: 'CommitteeDrawn', args: { taskId }, fromBlock: log.blockNumber, toBlock: 'latest',
  })
  if (!drawn) throw new SdkError('SDK_TASK_UNKNOWN', `task ${taskId}: its committee is not drawn yet (drawCommittee after block ${a.drawBlock})`)
  const drawnIn = (drawn as unknown as { blockNumber: bigint }).blockNumber
  const memberAccounts = (drawn.args as { committee: readonly Address[] }).committee
  const committee = await getCommitteeMembers(client.public, { address: client.controller, committee: memberAccounts, blockNumber: drawnIn })
  const info: TaskInfo = {
    taskId: a.taskId, codeHash: a.codeHash, creator: a.creator, params: decodeTaskParams(a.params), n: a.n, t: a.t,
    security: a.securityMode === 1 ? 'malicious' : 'semi-honest', deadline: a.deadline, fee: a.fee, committee,
    slots: a.inputSlots.map((s) => ({ name: s.name, owner: s.owner })), slotRoot: a.slotRoot,
    recipients: Object.fromEntries(a.recipients.map((r) => [r.name, r.key.toLowerCase() as Hex])),
    createdIn: { blockNumber: log.blockNumber, transactionHash: log.transactionHash },
  }
  client.cache.set(key, info)
  return info
}

interface TaskCreatedArgs {
  taskId: Hex; codeHash: Hex; creator: Address; params: Hex; n: number; t: number; securityMode: number
  deadline: bigint; fee: bigint; drawBlock: bigint; slotRoot: Hex; inputSlots: readonly { name: string; owner: Address }[]
  recipients: readonly { name: string; key: Hex }[]
}

/**
 * The committee running the task now: a re-run (issue #12) draws a new one after `taskInfo` cached the
 * first. Reads the controller's record; the cached members when nothing changed.
 */
export async function currentCommittee(client: EnigmaClient, info: TaskInfo): Promise<readonly CommitteeMember[]> {
  const now = (await getTask(client.public, { address: client.controller, taskId: info.taskId })).committee
  if (now.length === 0 || (now.length === info.committee.length && now.every((a, i) => a.toLowerCase() === info.committee[i]!.account.toLowerCase()))) return info.committee
  return getCommitteeMembers(client.public, { address: client.controller, committee: now })
}
