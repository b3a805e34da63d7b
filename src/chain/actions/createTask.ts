import { parseEventLogs, type Address, type Hex } from 'viem'
import type { SecurityMode } from '../../node/task-source.ts'
import { enigmaControllerAbi } from '../generated/EnigmaController.ts'
import { ChainDataError, type ChainRequestError, type ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'
import { encodeTaskParams } from '../params.ts'

export const SECURITY_MODES: Readonly<Record<SecurityMode, number>> = { 'semi-honest': 0, malicious: 1 }

export interface CreateTaskParameters {
  readonly address: Address
  readonly codeHash: Hex
  /** Public parameters; ABI-encoded canonically (src/chain/params.ts) and carried in the TaskCreated event. */
  readonly params: Readonly<Record<string, number>>
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly inputSlots: readonly { readonly name: string; readonly owner: Address }[]
  /** Unix seconds; at most `maxTaskDuration` after the creation block. */
  readonly deadline: bigint
  /** Fee in wei; at least `quote(codeHash)`; the whole amount is escrowed. */
  readonly fee: bigint
}
export interface CreateTaskReturnType extends ControllerWriteResult {
  readonly taskId: Hex
  readonly paramsHash: Hex
  readonly seed: Hex
  /** Committee accounts in party order (member i holds share i). */
  readonly committee: readonly Address[]
}
export type CreateTaskErrorType = ControllerRevertError | ChainRequestError

/**
 * Creates a task: escrows the fee, draws the committee by stake-weighted sampling (whitepaper §3,
 * "network reduction"), records the input slots. Refusals: UnknownContract, InsufficientFee,
 * InvalidCommittee, NotEnoughActiveNodes, InvalidSecurityMode, InvalidDeadline, TooManyInputSlots.
 */
export async function createTask(client: ControllerWalletClient, params: CreateTaskParameters): Promise<CreateTaskReturnType> {
  const request = {
    codeHash: params.codeHash,
    params: encodeTaskParams(params.params),
    n: params.n,
    t: params.t,
    securityMode: SECURITY_MODES[params.security],
    inputSlots: params.inputSlots.map((s) => ({ name: s.name, owner: s.owner })),
    deadline: params.deadline,
  }
  const result = await writeController('createTask', client, { address: params.address, value: params.fee }, 'createTask', [request])
  const [created] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'TaskCreated', logs: result.receipt.logs })
  if (!created) throw new ChainDataError('createTask', `no TaskCreated event in ${result.hash}`)
  const { taskId, paramsHash, seed, committee } = created.args
  return { ...result, taskId, paramsHash, seed, committee }
}
