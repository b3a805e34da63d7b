import { parseEventLogs, type Address, type Hex } from 'viem'
import type { SecurityMode } from '../../node/task-source.ts'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { ChainDataError, type ChainRequestError, type ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'
import { encodeTaskParams } from '../params.ts'
import { callbackEscrow, NO_CALLBACK, type TaskCallback } from './getCallback.ts'

export const SECURITY_MODES: Readonly<Record<SecurityMode, number>> = { 'semi-honest': 0, malicious: 1 }

export interface CreateTaskParameters {
  readonly address: Address
  readonly codeHash: Hex
  /** Public parameters; ABI-encoded canonically (src/chain/params.ts) and carried in the TaskCreated event. */
  readonly params: Readonly<Record<string, number>>
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  /** Declared cost of the circuit (the compiler's report): prices the task; nodes check it. */
  readonly multiplications: bigint
  readonly rounds: number
  /** Slot names and owners (never the zero address); the controller keeps only their Merkle root. */
  readonly inputSlots: readonly { readonly name: string; readonly owner: Address }[]
  /** Unix seconds; at most `maxTaskDuration` after the creation block. */
  readonly deadline: bigint
  /** Fee in wei; at least `quoteCost(multiplications, rounds)`; minus the protocol part, escrowed. */
  readonly fee: bigint
  /**
   * A contract function called with `(bytes32 taskId, bytes typedOutputs)` once the receipt is accepted
   * (docs/controller.md "Callbacks"). `gasLimit × maxFeePerGas` is sent on top of `fee` and escrowed:
   * the receipt submitter is reimbursed from it, the rest is credited back to the creator.
   */
  readonly callback?: TaskCallback
}
export interface CreateTaskReturnType extends ControllerWriteResult {
  readonly taskId: Hex
  readonly paramsHash: Hex
  /** Block whose prevRandao will draw the committee (`drawCommittee` once it is mined). */
  readonly drawBlock: bigint
  readonly slotRoot: Hex
  /** Escrowed (refundable) part of the fee, and the non-refundable protocol part. */
  readonly escrowed: bigint
  readonly protocolFee: bigint
  /** Callback gas escrow sent on top of the fee (0 without a callback). */
  readonly callbackEscrow: bigint
}
export type CreateTaskErrorType = ControllerRevertError | ChainRequestError

/**
 * Step 1 of a task: escrows the fee and fixes the draw block; the committee is drawn by
 * `drawCommittee` (step 2) from that block's randomness. Refusals: InsufficientFee, InvalidCommittee,
 * NotEnoughActiveNodes, InvalidSecurityMode, InvalidDeadline, TooManyInputSlots, ZeroSlotOwner,
 * InvalidCallback (the controller itself, gas limit 0 or above MAX_CALLBACK_GAS, escrow without target).
 */
export async function createTask(client: ControllerWalletClient, params: CreateTaskParameters): Promise<CreateTaskReturnType> {
  const request = {
    codeHash: params.codeHash,
    params: encodeTaskParams(params.params),
    n: params.n,
    t: params.t,
    securityMode: SECURITY_MODES[params.security],
    multiplications: params.multiplications,
    rounds: params.rounds,
    inputSlots: params.inputSlots.map((s) => ({ name: s.name, owner: s.owner })),
    deadline: params.deadline,
    callback: params.callback ?? NO_CALLBACK,
  }
  const escrow = params.callback ? callbackEscrow(params.callback) : 0n
  const result = await writeController('createTask', client, { address: params.address, value: params.fee + escrow }, 'createTask', [request])
  const [created] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'TaskCreated', logs: result.receipt.logs })
  if (!created) throw new ChainDataError('createTask', `no TaskCreated event in ${result.hash}`)
  const { taskId, paramsHash, drawBlock, slotRoot, fee, protocolFee } = created.args
  return { ...result, taskId, paramsHash, drawBlock, slotRoot, escrowed: fee, protocolFee, callbackEscrow: escrow }
}
