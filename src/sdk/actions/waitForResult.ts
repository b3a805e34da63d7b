import { taskStateOutcome, type TaskStateOutcome } from '../internal/task-state.ts'
import { decodeErrorResult, type Address, type Hex } from 'viem'
import { getBlock, getContractEvents, getTransactionReceipt } from 'viem/actions'
import { getTask as chainGetTask } from '../../chain/actions/getTask.ts'
import { getCommitteeMembers } from '../../chain/actions/getCommitteeMembers.ts'
import { CALLBACK_STATUSES, type CallbackState, type CallbackStatus } from '../../chain/actions/getCallback.ts'
import { enigmaControllerAbi } from '../../chain/generated/EnigmaController.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import type { Circuit } from '../../circuit/types.ts'
import type { OutputJson } from '../../circuit/values.ts'
import type { EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { taskInfo } from '../internal/task-info.ts'
import { nodeRequest } from '../internal/node-api.ts'
import { decodePublicOutputs, typedOutputs } from '../internal/outputs.ts'
import { decodePublicOutputs as splitPublicOutputs, decodeTypedOutputs } from '../../node/typed-outputs.ts'

export interface WaitForResultParameters {
  readonly taskId: Hex
  /** With the circuit, outputs are decoded by their declared types; without, they are raw field elements. */
  readonly circuit?: Pick<Circuit, 'field' | 'outputs'>
  /**
   * Give up after this long (ms). Default: until the task's deadline (chain time, as seen when the
   * wait starts) plus a minute, so a task that may still complete is never abandoned early.
   */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /**
   * After a majority of the committee reports an attempt failed, how long to wait for the re-run that
   * follows when a member is suspended (votes, suspension, keeper: ms, default 90 000). Without one, the
   * failure names nobody (docs/faults.md): the wait ends with SDK_TASK_FAILED, the fee refundable after
   * the deadline.
   */
  readonly rerunGraceMs?: number
}
export interface TaskReceipt {
  readonly transactionHash: Hex
  readonly blockNumber: bigint
  readonly gasUsed: bigint
  readonly outputHash: Hex
  readonly publicOutputs: Hex
  /** `abi.encode(v1, v2, …)` of the public outputs, as a result callback receives it ('0x' from older nodes). */
  readonly typedOutputs: Hex
  readonly committee: readonly Address[]
  /** Members whose attestations the receipt carried (≥ t+1); they share the fee. */
  readonly signers: readonly Address[]
  readonly fee: bigint
}
/** What became of the task's result callback (from the controller's CallbackResult events). */
export interface CallbackOutcome {
  readonly target: Address
  readonly selector: Hex
  readonly gasLimit: number
  /** Latest outcome: succeeded, failed (retryable once within the attestation window), retry-succeeded, retry-failed. */
  readonly status: CallbackStatus
  /** Whether the one retry has been used. */
  readonly retried: boolean
  /** Revert data of the latest failed run (at most 256 bytes), and its text when it is an Error(string). */
  readonly reason?: Hex
  readonly reasonText?: string
}
export interface WaitForResultReturnType {
  readonly taskId: Hex
  readonly outputs: Record<string, OutputJson | string[]>
  readonly receipt: TaskReceipt
  /** Present when the task named a callback. */
  readonly callback?: CallbackOutcome
  /** Present when the task was bound to a contract state: the version it computed on and the one its receipt committed. */
  readonly state?: TaskStateOutcome
  /** How many committees ran the task (1 + its re-runs, issue #12); the receipt's committee is the last. */
  readonly attempts: number
}
export type WaitForResultErrorType = ControllerRevertError | ChainRequestError | SdkError

/**
 * Waits until the task's receipt is on chain and returns its public outputs. Fails early, naming
 * the reason, when the committee reports the computation failed, the deadline passes (the fee is
 * then refundable with `refundTask`), or the task was refunded.
 */
export async function waitForResult(client: EnigmaClient, params: WaitForResultParameters): Promise<WaitForResultReturnType> {
  const info = await taskInfo(client, params.taskId)
  const chainNow = (await getBlock(client.public, { blockTag: 'latest' })).timestamp
  const waitMs = resultWaitMs(params.timeoutMs, info.deadline, chainNow)
  const until = Date.now() + waitMs
  const attempts = new AttemptTracker(client, info, params.rerunGraceMs ?? 90_000)
  let polls = 0
  let callback: CallbackState | null
  for (;;) {
    params.signal?.throwIfAborted()
    const task = await chainGetTask(client.public, { address: client.controller, taskId: params.taskId })
    callback = task.callback
    if (task.status === 'completed' || task.status === 'settled') break
    const tried = await attempts.update(task.status, task.committee)
    if (task.status === 'refunded') throw new SdkError('SDK_TASK_REFUNDED', `task ${params.taskId} was refunded after ${tried} attempt(s): its deadline passed without a receipt`, { meta: { attempts: tried } })
    const now = (await getBlock(client.public, { blockTag: 'latest' })).timestamp
    if (now > info.deadline) throw new SdkError('SDK_TASK_EXPIRED', `task ${params.taskId} passed its deadline without a receipt after ${tried} attempt(s); the creator can call refundTask`, { meta: { attempts: tried } })
    // Every ~2 s ask a member how the computation goes, so a failure is reported now, not at the deadline.
    if (task.status === 'open' && ++polls % Math.max(1, Math.round(2000 / client.pollingIntervalMs)) === 0) await attempts.check(params.taskId)
    if (Date.now() > until) throw new SdkError('SDK_TIMEOUT', `task ${params.taskId}: no receipt after ${waitMs} ms (${tried} attempt(s))`, { meta: { attempts: tried } })
    await new Promise((r) => setTimeout(r, client.pollingIntervalMs))
  }
  const [log] = await getContractEvents(client.public, {
    address: client.controller, abi: enigmaControllerAbi, eventName: 'TaskCompleted', args: { taskId: params.taskId },
    fromBlock: info.createdIn.blockNumber, toBlock: 'latest',
  })
  if (!log) throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `task ${params.taskId} is completed but its TaskCompleted event was not found`)
  const args = log.args as { outputHash: Hex; publicOutputs: Hex; signers: readonly Address[] }
  const tx = await getTransactionReceipt(client.public, { hash: log.transactionHash })
  const raw = decodePublicOutputs(args.publicOutputs)
  const outputs = params.circuit ? typedOutputs(params.circuit, raw) : Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.map(String)]))
  const { typed } = splitPublicOutputs(args.publicOutputs)
  // The typed part is what a callback receives: it must say the same as the field elements.
  if (params.circuit && typed !== '0x' && JSON.stringify(decodeTypedOutputs(params.circuit.outputs, typed)) !== JSON.stringify(outputs)) {
    throw new SdkError('SDK_OUTPUT_INCONSISTENT', `task ${params.taskId}: the receipt's typed outputs disagree with its field elements`)
  }
  const state = await taskStateOutcome(client, params.taskId)
  return {
    taskId: params.taskId,
    outputs,
    ...(state ? { state } : {}),
    ...(callback ? { callback: await callbackOutcome(client, params.taskId, callback, info.createdIn.blockNumber) } : {}),
    attempts: await attempts.count(),
    receipt: {
      transactionHash: log.transactionHash, blockNumber: log.blockNumber, gasUsed: tx.gasUsed, outputHash: args.outputHash,
      publicOutputs: args.publicOutputs, typedOutputs: typed, committee: await attempts.committeeAccounts(), signers: args.signers, fee: info.fee,
    },
  }
}

/** The callback's runs, latest last; the controller's own events only (a callee may emit look-alikes). */
async function callbackOutcome(client: EnigmaClient, taskId: Hex, state: CallbackState, fromBlock: bigint): Promise<CallbackOutcome> {
  const logs = await getContractEvents(client.public, {
    address: client.controller, abi: enigmaControllerAbi, eventName: 'CallbackResult', args: { taskId }, fromBlock, toBlock: 'latest',
  })
  const last = logs.at(-1)?.args as { status: number; reason: Hex } | undefined
  const status = last ? CALLBACK_STATUSES[last.status] ?? state.status : state.status
  const base = { target: state.target, selector: state.selector, gasLimit: state.gasLimit, status, retried: status === 'retry-succeeded' || status === 'retry-failed' }
  if (!last || status === 'succeeded' || status === 'retry-succeeded') return base
  return { ...base, reason: last.reason, ...(reasonText(last.reason) !== undefined ? { reasonText: reasonText(last.reason)! } : {}) }
}

/** Error(string) revert data → its message (undefined for anything else, e.g. a custom error). */
export function reasonText(reason: Hex): string | undefined {
  try {
    const d = decodeErrorResult({ abi: [], data: reason })
    return d.errorName === 'Error' ? String(d.args?.[0]) : undefined
  } catch {
    return undefined
  }
}

/** How long `waitForResult` waits: the caller's choice, else the task's remaining time plus a minute. */
export function resultWaitMs(timeoutMs: number | undefined, deadline: bigint, chainNow: bigint): number {
  if (timeoutMs !== undefined) return timeoutMs
  const left = deadline > chainNow ? Number(deadline - chainNow) : 0
  return left * 1000 + 60_000
}

/** The controller's bound on re-runs (EnigmaController.MAX_RERUNS): at most 1 + MAX_RERUNS attempts. */
export const MAX_RERUNS = 2

/**
 * Follows a task across its attempts (issue #12): a `TaskRerun` starts a new attempt on a new committee,
 * whose members are then the ones asked. A majority's failure of an attempt ends the wait only when no
 * re-run can follow: the attempts are used up, or none came within the grace period (nobody was
 * suspended: the failure named nobody).
 */
class AttemptTracker {
  readonly #client: EnigmaClient
  readonly #info: Awaited<ReturnType<typeof taskInfo>>
  readonly #graceMs: number
  #committee: Awaited<ReturnType<typeof taskInfo>>['committee']
  #accounts: readonly Address[]
  #reruns = 0
  #failedAt: number | undefined
  #failure: SdkError | undefined

  constructor(client: EnigmaClient, info: Awaited<ReturnType<typeof taskInfo>>, graceMs: number) {
    this.#client = client
    this.#info = info
    this.#graceMs = graceMs
    this.#committee = info.committee
    this.#accounts = info.committee.map((m) => m.account)
  }

  /** Re-runs seen on chain, counted from the controller's own TaskRerun events. */
  async count(): Promise<number> {
    const logs = await getContractEvents(this.#client.public, {
      address: this.#client.controller, abi: enigmaControllerAbi, eventName: 'TaskRerun', args: { taskId: this.#info.taskId },
      fromBlock: this.#info.createdIn.blockNumber, toBlock: 'latest',
    })
    return 1 + logs.length
  }

  async committeeAccounts(): Promise<readonly Address[]> {
    return this.#accounts
  }

  /** Notes a new attempt (a re-run sends the task back to a draw, then a new committee opens it); returns the attempts so far. */
  async update(status: string, committee: readonly Address[]): Promise<number> {
    const moved = status === 'open' && committee.length > 0 && committee.some((a, i) => a.toLowerCase() !== this.#accounts[i]?.toLowerCase())
    if (status !== 'pending' && !moved) return this.#reruns + 1
    const reruns = (await this.count()) - 1
    if (reruns !== this.#reruns) {
      this.#reruns = reruns
      this.#failedAt = undefined
      this.#failure = undefined
    }
    if (moved) {
      this.#accounts = committee
      this.#committee = await getCommitteeMembers(this.#client.public, { address: this.#client.controller, committee })
    }
    return this.#reruns + 1
  }

  /** Asks the current committee; throws once an attempt failed and no re-run can follow it. */
  async check(taskId: Hex): Promise<void> {
    try {
      await checkNodes(this.#client, this.#committee, taskId)
      return
    } catch (e) {
      if (!(e instanceof SdkError) || e.code !== 'SDK_TASK_FAILED') throw e
      this.#failure ??= e
    }
    const attempts = this.#reruns + 1
    if (this.#reruns >= MAX_RERUNS) {
      throw new SdkError('SDK_TASK_FAILED', `${this.#failure.shortMessage}; that was attempt ${attempts} of ${attempts}: no re-run is left, the fee is refundable after the deadline`, { meta: { attempts } })
    }
    this.#failedAt ??= Date.now()
    if (Date.now() - this.#failedAt > this.#graceMs) {
      throw new SdkError('SDK_TASK_FAILED', `${this.#failure.shortMessage}; no re-run followed attempt ${attempts} within ${Math.round(this.#graceMs / 1000)} s (no member was suspended: the failure names nobody, docs/faults.md), the fee is refundable after the deadline`, { meta: { attempts } })
    }
  }
}

/** How long one round of asking the committee may take, in all (members are asked at once). */
export const CHECK_NODES_BUDGET_MS = 1_500

/**
 * Throws SDK_TASK_FAILED if a majority of reachable members report the task failed. One try per
 * member, all bounded by CHECK_NODES_BUDGET_MS: an unreachable or wedged node must not hold up the wait.
 */
export async function checkNodes(client: EnigmaClient, committee: Awaited<ReturnType<typeof taskInfo>>['committee'], taskId: Hex): Promise<void> {
  const budget = AbortSignal.timeout(CHECK_NODES_BUDGET_MS)
  const states = await Promise.all(committee.map(async (m, i) => {
    try {
      return await nodeRequest<{ state: string; reason?: string }>({ url: `${client.nodeApi(m)}/v1/tasks/${taskId}`, who: `node ${i}`, timeoutMs: 1, signal: budget })
    } catch {
      return undefined
    }
  }))
  const failed = states.filter((s) => s?.state === 'failed' || s?.state === 'cancelled')
  if (failed.length > committee.length / 2) {
    throw new SdkError('SDK_TASK_FAILED', `task ${taskId} failed on ${failed.length} of ${committee.length} nodes: ${failed[0]!.reason ?? failed[0]!.state}`)
  }
}
