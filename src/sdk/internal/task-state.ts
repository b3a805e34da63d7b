/**
 * Shared by the state actions and createTask/waitForResult: the state contract of a client, the
 * pre-check before a task is paid for (a busy state costs no fee), the bind after, and the version a
 * receipt committed (docs/state.md "State").
 */
import { getGasPrice } from 'viem/actions'
import { zeroHash, type Address, type Hex } from 'viem'
import type { TaskCallback } from '../../chain/actions/getCallback.ts'
import { checkStateBind } from '../../chain/actions/checkStateBind.ts'
import { bindState } from '../../chain/actions/bindState.ts'
import { getStateBinding } from '../../chain/actions/getStateBinding.ts'
import { stateCallback } from '../../chain/state-callback.ts'
import { readState } from '../../chain/internal/state.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'

export function stateAddress(client: EnigmaClient, fn: string): Address {
  if (!client.stateContract) throw new SdkError('SDK_CONFIG_INVALID', `${fn}: no state contract; pass stateContract to createEnigmaClient (the devnet writes it to .enigma/devnet.json)`)
  return client.stateContract
}

/** Before createTask: the state would take a task of this program from this account now (throws STATE_BUSY …); the callback to name. */
export async function prepareStateTask(client: EnigmaClient, stateId: Hex, codeHash: Hex): Promise<{ callback: TaskCallback; version: bigint }> {
  const address = stateAddress(client, 'createTask')
  const me = requireWallet(client, 'createTask').account.address
  const version = await checkStateBind(client.public, { address, stateId, codeHash, caller: me })
  return { callback: stateCallback(address, 2n * (await getGasPrice(client.public))), version }
}

/** After createTask (still pending or drawn): bind it; returns the version it computes on. */
export async function bindStateTask(client: EnigmaClient, stateId: Hex, taskId: Hex): Promise<bigint> {
  return (await bindState(requireWallet(client, 'createTask'), { address: stateAddress(client, 'createTask'), stateId, taskId })).version
}

/** What a task did to its state: it computed on `version`; `committed` is the version its receipt wrote (if it did). */
export interface TaskStateOutcome {
  readonly stateId: Hex
  readonly version: string
  readonly committed: string | null
}

export async function taskStateOutcome(client: EnigmaClient, taskId: Hex): Promise<TaskStateOutcome | undefined> {
  if (!client.stateContract) return undefined
  const b = await getStateBinding(client.public, { address: client.stateContract, taskId })
  if (!b) return undefined
  const wrote = await readState<Hex>('waitForResult', client.public, client.stateContract, 'versionTask', [b.stateId, b.version + 1n])
  const committed = wrote !== zeroHash && wrote.toLowerCase() === taskId.toLowerCase() ? String(b.version + 1n) : null
  return { stateId: b.stateId, version: String(b.version), committed }
}
