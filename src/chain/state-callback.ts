/**
 * The result callback a task bound to a state must name (contracts/EnigmaState.sol `bindTask`): the
 * state contract's `onTaskResult` with at least `STATE_COMMIT_GAS`, so the receipt commits the next
 * version in its own transaction.
 */
import { toFunctionSelector, type Address } from 'viem'
import type { TaskCallback } from './actions/getCallback.ts'

/** EnigmaState.COMMIT_GAS: the gas a bound task's callback must reserve. */
export const STATE_COMMIT_GAS = 200_000
export const STATE_CALLBACK_SELECTOR = toFunctionSelector('onTaskResult(bytes32,bytes)')

export function stateCallback(stateContract: Address, maxFeePerGas: bigint): TaskCallback {
  return { target: stateContract, selector: STATE_CALLBACK_SELECTOR, gasLimit: STATE_COMMIT_GAS, maxFeePerGas }
}
