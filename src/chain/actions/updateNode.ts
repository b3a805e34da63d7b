import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface UpdateNodeParameters {
  /** Controller address. */
  readonly address: Address
  readonly encryptionKey: Hex
  readonly multiaddrs: readonly string[]
}
export type UpdateNodeReturnType = ControllerWriteResult
export type UpdateNodeErrorType = ControllerRevertError | ChainRequestError

/** Rotates the encryption key and multiaddrs of the client's node (the peer id is permanent). */
export async function updateNode(client: ControllerWalletClient, params: UpdateNodeParameters): Promise<UpdateNodeReturnType> {
  return writeController('updateNode', client, { address: params.address }, 'updateNode', [params.encryptionKey, params.multiaddrs])
}
