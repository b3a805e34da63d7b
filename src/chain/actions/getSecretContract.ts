import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetSecretContractParameters extends ReadOptions {
  readonly codeHash: Hex
  /** Entries are keyed by (code hash, registrant): nobody can squat another registrant's entry. */
  readonly registrant: Address
}
export interface SecretContractInfo {
  /** False when this registrant has no entry for the code hash. */
  readonly registered: boolean
  readonly multiplications: bigint
  readonly rounds: number
  readonly uri: string
}
export type GetSecretContractReturnType = SecretContractInfo
export type GetSecretContractErrorType = ControllerRevertError | ChainRequestError

export async function getSecretContract(client: ControllerReadClient, params: GetSecretContractParameters): Promise<GetSecretContractReturnType> {
  const c = await readController<{ multiplications: bigint; rounds: number; uri: string }>('getSecretContract', client, params, 'getSecretContract', [params.codeHash, params.registrant])
  return { registered: c.uri.length > 0, multiplications: BigInt(c.multiplications), rounds: Number(c.rounds), uri: c.uri }
}
