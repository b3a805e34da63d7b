import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import { readInputs } from '../internal/inputs.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface IsInputIncludedParameters {
  /** The inputs contract. */
  readonly address: Address
  readonly taskId: Hex
  readonly slot: number
  readonly owner: Address
  readonly commitment: Hex
  /** Merkle proof from any member (src/node/input-batch.ts `inputBatchTree`). */
  readonly proof: readonly Hex[]
}
export type IsInputIncludedErrorType = ChainRequestError

/** The owner's check, on chain: is her (slot, owner, commitment) a leaf of the task's committed root? */
export function isInputIncluded(client: ControllerReadClient, params: IsInputIncludedParameters): Promise<boolean> {
  return readInputs<boolean>('isInputIncluded', client, params.address, 'isIncluded', [params.taskId, BigInt(params.slot), params.owner, params.commitment, params.proof])
}
