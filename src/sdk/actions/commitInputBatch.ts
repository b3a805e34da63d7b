import type { Hex } from 'viem'
import { commitInputRoot } from '../../chain/actions/commitInputRoot.ts'
import { getInputBatch } from '../../chain/actions/getInputBatch.ts'
import { ControllerRevertError } from '../../chain/errors.ts'
import { inputBatchTree, type InputLeaf, type InputRootSignature } from '../../node/input-batch.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { nodeRequest } from '../internal/node-api.ts'
import { taskInfo } from '../internal/task-info.ts'

export interface CommitInputBatchParameters {
  readonly taskId: Hex
  /** The leaves to propose (default: those every member holds, verified). */
  readonly leaves?: readonly InputLeaf[]
  /** Slot indices left out of the default proposal (what a censoring aggregator does: tests, benchmarks of the escape). */
  readonly exclude?: readonly number[]
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}
export interface CommitInputBatchReturnType {
  readonly root: Hex
  readonly leaves: readonly InputLeaf[]
  /** This call's transaction, or none when another party's root was already on chain. */
  readonly transactionHash?: Hex
  readonly gasUsed: bigint
}

/** Members' held leaves (GET …/input-batch), in member order; undefined for a member that did not answer. */
export async function membersHeld(client: EnigmaClient, taskId: Hex, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<({ leaves: InputLeaf[]; committed?: { root: Hex; leaves?: InputLeaf[] } } | undefined)[]> {
  const info = await taskInfo(client, taskId)
  const answers = await Promise.allSettled(info.committee.map((m, i) => nodeRequest<{ leaves: InputLeaf[]; committed?: { root: Hex; leaves?: InputLeaf[] } }>({
    url: `${client.nodeApi(m)}/v1/tasks/${taskId}/input-batch`, who: `node ${i} (${m.account})`, timeoutMs: o.timeoutMs ?? 5_000, signal: o.signal,
  })))
  return answers.map((a) => (a.status === 'fulfilled' ? a.value : undefined))
}

/**
 * Aggregates a task's input root (issue #14 §5): proposes leaves to every member, collects their
 * `InputRoot` signatures (a member signs only leaves it verified) and commits the root on the inputs
 * contract once n − t signed. Anyone may run it (the signatures carry the authority; the caller pays
 * the one transaction); if a root is already committed it returns that one.
 */
export async function commitInputBatch(client: EnigmaClient, params: CommitInputBatchParameters): Promise<CommitInputBatchReturnType> {
  const wallet = requireWallet(client, 'commitInputBatch')
  const inputs = client.inputs
  if (!inputs) throw new SdkError('SDK_CONFIG_INVALID', 'commitInputBatch: no inputs contract configured (createEnigmaClient({ inputs }))')
  const info = await taskInfo(client, params.taskId)
  const existing = await getInputBatch(client.public, { address: inputs, taskId: params.taskId })
  let leaves = params.leaves
  if (!leaves) {
    const held = await membersHeld(client, params.taskId, params)
    const key = (l: InputLeaf) => `${l.slot}:${l.owner.toLowerCase()}:${l.commitment.toLowerCase()}`
    const answered = held.filter((h) => h !== undefined)
    if (answered.length === 0) throw new SdkError('SDK_NODE_UNREACHABLE', `no member of task ${params.taskId} answered`)
    const common = answered.slice(1).reduce((acc, h) => { const s = new Set(h.leaves.map(key)); return acc.filter((l) => s.has(key(l))) }, answered[0]!.leaves)
    leaves = common.filter((l) => !params.exclude?.includes(l.slot))
  }
  const tree = inputBatchTree(leaves)
  if (existing.root !== `0x${'00'.repeat(32)}`) return { root: existing.root, leaves: tree.leaves, gasUsed: 0n }
  if (tree.leaves.length === 0) throw new SdkError('SDK_INPUT_BATCH', `task ${params.taskId}: no input every member holds yet`)
  const signed = await Promise.allSettled(info.committee.map((m, i) => nodeRequest<InputRootSignature>({
    url: `${client.nodeApi(m)}/v1/tasks/${params.taskId}/input-batch`, method: 'POST', body: { leaves: tree.leaves },
    who: `node ${i} (${m.account})`, timeoutMs: params.timeoutMs ?? 10_000, signal: params.signal,
  })))
  const signatures = signed.flatMap((s) => (s.status === 'fulfilled' && s.value.root === tree.root ? [s.value.signature] : []))
  if (signatures.length < info.n - info.t) {
    const why = signed.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error).message ?? s.reason)] : []))
    throw new SdkError('SDK_INPUT_BATCH', `task ${params.taskId}: ${signatures.length} of the ${info.n - info.t} member signatures a root needs (${why.slice(0, 3).join('; ')})`)
  }
  try {
    const r = await commitInputRoot(wallet, { address: inputs, taskId: params.taskId, root: tree.root, count: tree.leaves.length, signatures })
    return { root: tree.root, leaves: tree.leaves, transactionHash: r.hash, gasUsed: r.gasUsed }
  } catch (e) {
    // Another aggregator's root landed first: that root stands.
    if (e instanceof ControllerRevertError && e.errorName === 'RootAlreadyCommitted') {
      return { root: (await getInputBatch(client.public, { address: inputs, taskId: params.taskId })).root, leaves: tree.leaves, gasUsed: 0n }
    }
    throw e
  }
}
