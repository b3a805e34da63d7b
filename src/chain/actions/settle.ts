import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface SettleParameters {
  readonly address: Address
  readonly taskId: Hex
}
export type SettleReturnType = ControllerWriteResult
export type SettleErrorType = ControllerRevertError | ChainRequestError

/**
 * After the attestation window, credits the escrowed fee in equal shares to every unslashed member
 * that attested (dust to the treasury). Anyone may call. Refusals: WindowOpen, TaskNotOpen.
 */
export async function settle(client: ControllerWalletClient, params: SettleParameters): Promise<SettleReturnType> {
  return writeController('settle', client, { address: params.address }, 'settle', [params.taskId])
}
