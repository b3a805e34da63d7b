import { isHex, toFunctionSelector, type Address, type Hex } from 'viem'
import { getBlock, getGasPrice } from 'viem/actions'
import { callbackEscrow, type TaskCallback } from '../../chain/actions/getCallback.ts'
import { createTask as chainCreateTask } from '../../chain/actions/createTask.ts'
import { drawCommittee } from './drawCommittee.ts'
import { quoteTask } from '../../chain/actions/quoteTask.ts'
import { getSecretContract } from '../../chain/actions/getSecretContract.ts'
import type { ControllerRevertError, ChainRequestError } from '../../chain/errors.ts'
import type { CommitteeMember, SecurityMode } from '../../node/task-source.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { getContractEvents } from 'viem/actions'
import { enigmaControllerAbi } from '../../chain/generated/EnigmaController.ts'
import { taskInfo } from '../internal/task-info.ts'
import { bindStateTask, prepareStateTask } from '../internal/task-state.ts'
import { bindTaskRecords, checkTaskRecords, type TaskRecords } from '../internal/task-records.ts'
import type { Circuit } from '../../circuit/types.ts'

export interface CreateTaskParameters {
  readonly codeHash: Hex
  /** The public parameters the circuit was compiled with (e.g. `{ bidders: 5 }`). */
  readonly params?: Readonly<Record<string, number>>
  /** Committee size and threshold (default 5 and 2). */
  readonly n?: number
  readonly t?: number
  readonly security?: SecurityMode
  /** One entry per slot: a whole input ("alice") or one element ("bids[3]"), and who may fill it. */
  readonly inputSlots: readonly { readonly name: string; readonly owner: Address }[]
  /**
   * The X25519 public key (32-byte hex, `generateRecipientKey().publicKey`) of each recipient the
   * contract's `revealTo(name, x)` outputs name, by name: `{ alice: '0x…' }`. Required for such a
   * contract (the nodes refuse a task whose recipients differ from its outputs'); `getOutput` reads them.
   */
  readonly recipients?: Readonly<Record<string, Hex>>
  /** Seconds from the latest block until the deadline (default 600). */
  readonly deadlineSeconds?: number
  /** Fee in wei (default: the controller's quote for the declared cost). */
  readonly fee?: bigint
  /**
   * Declared cost of the circuit (the compiler's `cost.totalMultiplications` and `cost.rounds`):
   * prices the task, and nodes refuse a task declared below its circuit. Default: the entry this
   * account registered for the code hash, else the first registration of it on the controller.
   */
  readonly cost?: { readonly multiplications: number | bigint; readonly rounds: number }
  /** How long to wait for the draw block (ms, default 120 000). */
  readonly drawTimeoutMs?: number
  /** A contract function the controller calls with the result (docs/controller.md "Callbacks"). */
  readonly callback?: CallbackRequest
  /**
   * A state instance (`createState`) the task computes on, for a stateful contract: checked before the
   * task is paid for (STATE_BUSY while another task is in flight on it, so no fee is lost), bound right
   * after it is created; its receipt commits the next version. Not with `callback` (the state's commit is the callback).
   */
  readonly state?: Hex
  /**
   * Slots taken from stored records instead of fresh values, `{ income: '0x…', 'bids[3]': '0x…' }`
   * (issue #11): each use is checked before the task is created (a refused record costs no fee), then
   * bound by this account (`useRecord`); the custodians hand the record to the committee. Needs `circuit`.
   */
  readonly records?: TaskRecords
  /** The compiled circuit (its slot types): required with `records`. */
  readonly circuit?: Pick<Circuit, 'field' | 'inputs'>
}

export interface CallbackRequest {
  readonly target: Address
  /** Function signature (`onResult(bytes32,bytes)`) or its 4-byte selector; it receives (taskId, typedOutputs). */
  readonly function: string
  /** Gas the callee gets (default 200 000; at most the controller's MAX_CALLBACK_GAS). */
  readonly gasLimit?: number
  /**
   * Highest gas price at which the receipt submitter is reimbursed the callback's gas (default: twice
   * the current gas price). `gasLimit × maxFeePerGas` is sent on top of the fee; the unused part
   * comes back as a controller credit after the receipt (or with the refund).
   */
  readonly maxFeePerGas?: bigint
}

export const DEFAULT_CALLBACK_GAS = 200_000
export interface CreateTaskReturnType {
  readonly taskId: Hex
  readonly transactionHash: Hex
  readonly gasUsed: bigint
  /** Gas of the drawCommittee transaction (0 if another party drew). */
  readonly drawGasUsed: bigint
  readonly fee: bigint
  /** The refundable part of the fee (the rest is the non-refundable protocol fee). */
  readonly escrowed: bigint
  readonly deadline: bigint
  /** Members in party order, with their encryption keys (from the node registry). */
  readonly committee: readonly CommitteeMember[]
  /** The callback as requested on chain, and the escrow sent for its gas (absent without one). */
  readonly callback?: TaskCallback & { readonly escrow: bigint }
  /** With `state`: the state and the version the task computes on. */
  readonly state?: { readonly stateId: Hex; readonly version: bigint }
  /** The `useRecord` transaction of each slot bound to a record (absent without records). */
  readonly recordUses?: Readonly<Record<string, Hex>>
}
export type CreateTaskErrorType = ControllerRevertError | ChainRequestError | SdkError

/**
 * Creates a task, paying the quoted fee (escrowed by the controller until a receipt or a refund,
 * except its non-refundable protocol part), then waits for the draw block and draws the committee
 * (step 2; anyone may do it, the result does not depend on who does).
 */
export async function createTask(client: EnigmaClient, params: CreateTaskParameters): Promise<CreateTaskReturnType> {
  const wallet = requireWallet(client, 'createTask')
  const n = params.n ?? 5
  const t = params.t ?? Math.floor((n - 1) / 2)
  if (params.inputSlots.length === 0) throw new SdkError('SDK_INPUT_INVALID', 'createTask: a task needs at least one input slot')
  for (const [name, key] of Object.entries(params.recipients ?? {})) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key) || /^0x0{64}$/.test(key)) throw new SdkError('SDK_INPUT_INVALID', `createTask: recipient '${name}' needs a non-zero 32-byte X25519 public key (generateRecipientKey().publicKey), got '${String(key).slice(0, 80)}'`)
  }
  const bound = params.records ? { codeHash: params.codeHash, circuit: params.circuit, records: params.records, inputSlots: params.inputSlots } : undefined
  if (bound) await checkTaskRecords(client, bound)
  const cost = params.cost ?? (await registeredCost(client, params.codeHash, wallet.account.address))
  const multiplications = BigInt(cost.multiplications)
  const fee = params.fee ?? (await quoteTask(client.public, { address: client.controller, multiplications, rounds: cost.rounds }))
  const now = (await getBlock(client.public, { blockTag: 'latest' })).timestamp
  // Chain time, not wall time: a devnet whose clock was advanced must still accept the deadline.
  const deadline = now + BigInt(params.deadlineSeconds ?? 600)
  if (params.state && params.callback) throw new SdkError('SDK_INPUT_INVALID', 'createTask: a task on a state cannot name its own callback (the state commits in it)')
  const stateTask = params.state ? await prepareStateTask(client, params.state, params.codeHash) : undefined
  const callback = stateTask?.callback ?? (params.callback ? await resolveCallback(client, params.callback) : undefined)
  const r = await chainCreateTask(wallet, {
    address: client.controller, codeHash: params.codeHash, params: params.params ?? {}, n, t,
    security: params.security ?? 'malicious', multiplications, rounds: cost.rounds, inputSlots: params.inputSlots,
    recipients: params.recipients, deadline, fee,
    ...(callback ? { callback } : {}),
  })
  const version = params.state ? await bindStateTask(client, params.state, r.taskId) : undefined
  const drawGas = (await drawCommittee(client, { taskId: r.taskId, timeoutMs: params.drawTimeoutMs ?? 120_000 })).gasUsed
  const info = await taskInfo(client, r.taskId)
  const recordUses = bound ? await bindTaskRecords(client, r.taskId, bound) : undefined
  return {
    taskId: r.taskId, transactionHash: r.hash, gasUsed: r.gasUsed, drawGasUsed: drawGas, fee, escrowed: r.escrowed, deadline, committee: info.committee,
    ...(callback ? { callback: { ...callback, escrow: callbackEscrow(callback) } } : {}),
    ...(params.state && version !== undefined ? { state: { stateId: params.state, version } } : {}),
    ...(recordUses ? { recordUses } : {}),
  }
}

/** Signature or selector → selector; default gas limit and price cap. */
export async function resolveCallback(client: EnigmaClient, c: CallbackRequest): Promise<TaskCallback> {
  const fn = c.function.trim()
  let selector: Hex
  if (isHex(fn) && fn.length === 10) selector = fn
  else if (/^[A-Za-z_$][\w$]*\(.*\)$/.test(fn)) selector = toFunctionSelector(fn)
  else throw new SdkError('SDK_INPUT_INVALID', `callback function '${c.function}' is neither a signature like onResult(bytes32,bytes) nor a 4-byte selector`)
  const gasLimit = c.gasLimit ?? DEFAULT_CALLBACK_GAS
  if (!Number.isInteger(gasLimit) || gasLimit <= 0) throw new SdkError('SDK_INPUT_INVALID', `callback gas limit must be a positive integer, got ${gasLimit}`)
  const maxFeePerGas = c.maxFeePerGas ?? 2n * (await getGasPrice(client.public))
  return { target: c.target, selector, gasLimit, maxFeePerGas }
}

async function registeredCost(client: EnigmaClient, codeHash: Hex, me: Address): Promise<{ multiplications: bigint; rounds: number }> {
  const own = await getSecretContract(client.public, { address: client.controller, codeHash, registrant: me })
  if (own.registered) return own
  const [first] = await getContractEvents(client.public, {
    address: client.controller, abi: enigmaControllerAbi, eventName: 'SecretContractRegistered', args: { codeHash }, fromBlock: client.fromBlock, toBlock: 'latest',
  })
  if (!first) throw new SdkError('SDK_TASK_UNKNOWN', `createTask: code hash ${codeHash} is not registered on ${client.controller}; pass cost or register it`)
  const a = first.args as { multiplications: bigint; rounds: number }
  return { multiplications: BigInt(a.multiplications), rounds: Number(a.rounds) }
}
