import { zeroAddress, type Address, type Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import type { StateRefusedError } from '../state-errors.ts'
import { writeState } from '../internal/state.ts'
import type { ControllerWalletClient, ControllerWriteResult } from '../internal/write.ts'
import { stateIdOf } from './stateIdOf.ts'

export interface StateProgram {
  /** Code hash of a compiled secret contract (its params included) allowed to compute on the state. */
  readonly codeHash: Hex
  /** Only this account may bind tasks of this program (default: anyone). */
  readonly caller?: Address
}
export interface CreateStateParameters {
  /** EnigmaState address. */
  readonly address: Address
  readonly salt: Hex
  /** Type hash of the state declaration (src/node/state-type.ts `stateTypeHash`). */
  readonly typeHash: Hex
  /** 1 to 16 programs, fixed for good. */
  readonly programs: readonly StateProgram[]
}
export type CreateStateReturnType = ControllerWriteResult & { readonly stateId: Hex }
export type CreateStateErrorType = StateRefusedError | ChainRequestError

/** A new state instance at version 0 (zeros); the caller is its creator. Refusals: STATE_EXISTS, STATE_INVALID_PROGRAMS. */
export async function createState(client: ControllerWalletClient, params: CreateStateParameters): Promise<CreateStateReturnType> {
  const r = await writeState('createState', client, params.address, 'createState', [
    params.salt, params.typeHash, params.programs.map((p) => p.codeHash), params.programs.map((p) => p.caller ?? zeroAddress),
  ])
  const chainId = client.chain?.id ?? Number(await client.request({ method: 'eth_chainId' }))
  return { ...r, stateId: stateIdOf({ chainId, address: params.address, creator: client.account.address, salt: params.salt }) }
}
