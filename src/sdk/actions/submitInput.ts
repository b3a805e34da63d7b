import { concat, keccak256, toHex, type Hex } from 'viem'
import { signMessage } from 'viem/actions'
import type { Circuit } from '../../circuit/types.ts'
import { fillInputSlot } from '../../chain/actions/fillInputSlot.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import { getField } from '../../field/create.ts'
import { split } from '../../sharing/shamir.ts'
import { sealEnvelope, inputSubmissionMessage } from '../../sharing/envelope.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { taskInfo } from '../internal/task-info.ts'
import { nodeRequest } from '../internal/node-api.ts'
import { encodeSlotValue } from '../internal/slots.ts'

export interface SubmitInputParameters {
  readonly taskId: Hex
  /** Slot name as created: "alice", or "bids[3]". */
  readonly slot: string
  /** The slot's value as in inputs.json (a number, a boolean, an array for an array input). */
  readonly value: unknown
  /** The compiled circuit of the task's contract: its field and the slot's declared type. */
  readonly circuit: Pick<Circuit, 'field' | 'inputs'>
  /** How long to wait for nodes that have not seen the task yet (ms, default 60 000). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}
export interface SubmitInputReturnType {
  /** keccak256 of the concatenated envelopes, recorded on chain by `fillInputSlot`. */
  readonly commitment: Hex
  readonly transactionHash: Hex
  readonly gasUsed: bigint
  /** Time spent handing the envelopes to the committee, and on the chain transaction (ms). */
  readonly deliveryMs: number
  readonly chainMs: number
}
export type SubmitInputErrorType = ControllerRevertError | ChainRequestError | SdkError

/**
 * Fills one input slot: checks the value against the contract, splits it into n Shamir shares of
 * degree t (plus one random pad element for the committee's batch degree check), encrypts share i to
 * member i's X25519 key bound to (task, slot, i), signs each envelope with the slot owner's account,
 * hands each to its node, and records the bundle's hash on chain. No node ever sees another's share;
 * any t of them learn nothing about the value.
 */
export async function submitInput(client: EnigmaClient, params: SubmitInputParameters): Promise<SubmitInputReturnType> {
  const wallet = requireWallet(client, 'submitInput')
  const info = await taskInfo(client, params.taskId)
  const slotIndex = info.slots.findIndex((s) => s.name === params.slot)
  if (slotIndex < 0) throw new SdkError('SDK_SLOT_UNKNOWN', `task ${params.taskId} has no input slot '${params.slot}'`)
  const owner = info.slots[slotIndex]!.owner
  if (owner.toLowerCase() !== wallet.account.address.toLowerCase()) {
    throw new SdkError('SDK_NOT_SLOT_OWNER', `slot '${params.slot}' of task ${params.taskId} belongs to ${owner}, not ${wallet.account.address}`)
  }
  const values = encodeSlotValue(params.circuit, params.slot, params.value, params.slot)
  const field = getField(params.circuit.field)
  const withPad = field.concat([field.fromBigInts(values.map((v) => field.reduce(v))), field.random(1)])
  const shares = split(field, withPad, info.n, info.t)

  const started = Date.now()
  const envelopes = info.committee.map((m, i) => sealEnvelope(hexBytes(m.encryptionKey), field.encode(shares[i]!), { taskId: params.taskId, input: params.slot, nodeIndex: i }))
  await Promise.all(info.committee.map(async (m, i) => {
    const ctx = { taskId: params.taskId, input: params.slot, nodeIndex: i }
    const signature = await signMessage(wallet, { account: wallet.account, message: inputSubmissionMessage(ctx, envelopes[i]!) })
    await nodeRequest({
      url: `${client.nodeApi(m)}/v1/tasks/${params.taskId}/inputs/${encodeURIComponent(params.slot)}`,
      method: 'POST', body: { envelope: toHex(envelopes[i]!), signature },
      who: `node ${i} (${m.account})`, timeoutMs: params.timeoutMs, signal: params.signal,
    })
  }))
  const deliveryMs = Date.now() - started
  const commitment = keccak256(concat(envelopes.map((e) => toHex(e))))
  const r = await fillInputSlot(wallet, { address: client.controller, taskId: params.taskId, slot: slotIndex, owners: info.slots.map((s) => s.owner), commitment })
  return { commitment, transactionHash: r.hash, gasUsed: r.gasUsed, deliveryMs, chainMs: Date.now() - started - deliveryMs }
}

function hexBytes(hex: Hex): Uint8Array {
  const out = new Uint8Array((hex.length - 2) / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16)
  return out
}
