import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { writeController, type ControllerWalletClient, type ControllerWriteResult } from '../internal/write.ts'

export interface RegisterNodeParameters {
  /** Controller address. */
  readonly address: Address
  /** libp2p peer id (base58btc). */
  readonly peerId: string
  /** X25519 public key (32 bytes) that clients encrypt input shares to. */
  readonly encryptionKey: Hex
  readonly multiaddrs: readonly string[]
  /** Optional first deposit sent with the registration. */
  readonly stake?: bigint
}
export type RegisterNodeReturnType = ControllerWriteResult
export type RegisterNodeErrorType = ControllerRevertError | ChainRequestError

/** Registers the client's account as a secret node (whitepaper §3: identities live on chain). Refusals: AlreadyRegistered, InvalidNodeInfo. */
export async function registerNode(client: ControllerWalletClient, params: RegisterNodeParameters): Promise<RegisterNodeReturnType> {
  return writeController('registerNode', client, { address: params.address, value: params.stake }, 'registerNode', [params.peerId, params.encryptionKey, params.multiaddrs])
}
