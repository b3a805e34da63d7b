import type { Address, Hex } from 'viem'
import type { ChainRequestError } from '../errors.ts'
import { readState } from '../internal/state.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface GetStateBindingParameters {
  /** EnigmaState address. */
  readonly address: Address
  readonly taskId: Hex
  readonly blockNumber?: bigint
}
/** The state and version a task computes on; null when the task is not bound. */
export type StateBinding = { readonly stateId: Hex; readonly version: bigint } | null

export async function getStateBinding(client: ControllerReadClient, params: GetStateBindingParameters): Promise<StateBinding> {
  const [stateId, version] = await readState<readonly [Hex, bigint]>('getStateBinding', client, params.address, 'bindingOf', [params.taskId], params.blockNumber)
  return /^0x0+$/.test(stateId) ? null : { stateId, version: BigInt(version) }
}
