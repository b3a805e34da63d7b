import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetSecretContractParameters extends ReadOptions {
  readonly codeHash: Hex
}
export interface SecretContractInfo {
  /** Zero address when not registered. */
  readonly owner: Address
  readonly multiplications: bigint
  readonly rounds: number
  readonly uri: string
}
export type GetSecretContractReturnType = SecretContractInfo
export type GetSecretContractErrorType = ControllerRevertError | ChainRequestError

export async function getSecretContract(client: ControllerReadClient, params: GetSecretContractParameters): Promise<GetSecretContractReturnType> {
  const c = await readController<SecretContractInfo>('getSecretContract', client, params, 'getSecretContract', [params.codeHash])
  return { owner: c.owner, multiplications: BigInt(c.multiplications), rounds: Number(c.rounds), uri: c.uri }
}
