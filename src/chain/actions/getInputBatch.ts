import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import { readInputs } from '../internal/inputs.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetInputBatchParameters {
  /** The inputs contract. */
  readonly address: Address
  readonly taskId: Hex
}
export interface GetInputBatchReturnType {
  /** Zero until a root is committed. */
  readonly root: Hex
  readonly count: number
  /** Bit i = committee member i signed the root. */
  readonly signers: number
  readonly committedAt: bigint
  /** Last block time at which a root may be committed (deadline − escape window). */
  readonly cutoff: bigint
}
export type GetInputBatchErrorType = ChainRequestError

/** A task's committed input root (if any) and its cut-off. */
export async function getInputBatch(client: ControllerReadClient, params: GetInputBatchParameters): Promise<GetInputBatchReturnType> {
  const [b, cutoff] = await Promise.all([
    readInputs<{ root: Hex; count: number; signers: number; committedAt: bigint }>('getInputBatch', client, params.address, 'getBatch', [params.taskId]),
    readInputs<bigint>('getInputBatch', client, params.address, 'cutoff', [params.taskId]),
  ])
  return { root: b.root, count: Number(b.count), signers: Number(b.signers), committedAt: b.committedAt, cutoff }
}

/** Just a task's committed input root (zero until committed): one call, for an owner's check of her leaf. */
export async function getInputRoot(client: ControllerReadClient, params: GetInputBatchParameters): Promise<Hex> {
  return (await readInputs<{ root: Hex }>('getInputRoot', client, params.address, 'getBatch', [params.taskId])).root
}
