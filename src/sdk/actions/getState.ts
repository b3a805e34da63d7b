import type { Hex } from 'viem'
import { getState as chainGetState, type StateInfo } from '../../chain/actions/getState.ts'
import type { EnigmaClient } from '../client.ts'
import { stateAddress } from '../internal/task-state.ts'

export interface GetStateParameters {
  readonly stateId: Hex
}

/**
 * A state instance's public facts: version, type, holders, the task in flight. The state's value is
 * never here: it is readable only through a contract's outputs (`reveal` / `revealTo` of part of it).
 */
export async function getState(client: EnigmaClient, params: GetStateParameters): Promise<StateInfo> {
  return chainGetState(client.public, { address: stateAddress(client, 'getState'), stateId: params.stateId })
}
