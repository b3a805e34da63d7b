import { keccak256, toHex, type Hex } from 'viem'
import { signMessage, signTypedData } from 'viem/actions'
import { envelopeCommitment, inputsDomain, inputTypes } from '../../node/input-batch.ts'
import { confirmInput } from './confirmInput.ts'
import type { Circuit } from '../../circuit/types.ts'
import { fillInputSlot } from '../../chain/actions/fillInputSlot.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import { getField } from '../../field/create.ts'
import { split } from '../../sharing/shamir.ts'
import { sealEnvelopeAsync, inputSubmissionMessage } from '../../sharing/envelope.ts'
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
  /**
   * The sealed envelopes of an earlier attempt (`InputDeliveryError.sealed` of a failed call), to resend them
   * exactly, e.g. from another process. Without it, a retry through the same client resends the
   * envelopes it made the first time anyway (kept per task and slot until the slot is filled).
   */
  readonly sealed?: SealedSlot
  /**
   * 'auto' (default): off chain when the client has an inputs contract (the owner signs her commitment,
   * the committee commits one root, she checks her proof and fills directly only if left out); 'chain':
   * always `fillInputSlot` (~54 k gas per input).
   */
  readonly path?: 'auto' | 'chain'
  /** Batched path: wait for the root and confirm (default true); false returns right after delivery (then call confirmInput). */
  readonly waitForRoot?: boolean
}

/**
 * One slot's envelopes, member by member, with the owner's signatures. A slot is filled with exactly
 * one dealing: nodes that stored an envelope accept that same envelope again and refuse any other
 * (409), so a retry must resend these bytes, never fresh shares.
 */
export interface SealedSlot {
  readonly taskId: Hex
  readonly slot: string
  /** Hash of the slot's encoded values: a retry with a different value makes a new dealing. */
  readonly valueHash: Hex
  readonly envelopes: readonly Hex[]
  /** The owner's signature of each envelope (direct path); empty on the batched path, which needs only `batchSignature`. */
  readonly signatures: readonly Hex[]
  /** Batched tasks: the owner's EIP-712 `Input` signature of the commitment (src/node/input-batch.ts). */
  readonly batchSignature?: Hex
}
export interface SubmitInputReturnType {
  /** keccak256 of the envelopes' keccak256 hashes (member order): the leaf's commitment, or what `fillInputSlot` records. */
  readonly commitment: Hex
  /** How the input was committed: 'chain' (fillInputSlot), 'batch' (in the root), 'escape' (left out, filled directly), 'pending' (waitForRoot false). */
  readonly path: 'chain' | 'batch' | 'escape' | 'pending'
  /** The owner's own transaction, if she sent one (none on the batched path). */
  readonly transactionHash?: Hex
  /** Gas the owner paid: her fill, plus the root if she aggregated it. */
  readonly gasUsed: bigint
  /** Time spent handing the envelopes to the committee, and on the chain transaction (ms). */
  readonly deliveryMs: number
  readonly chainMs: number
}
export type SubmitInputErrorType = ControllerRevertError | ChainRequestError | SdkError | InputDeliveryError

/** Some node did not take its envelope. `sealed` holds the envelopes to resend (`params.sealed`). */
export class InputDeliveryError extends SdkError {
  override name = 'InputDeliveryError'
  constructor(code: SdkError['code'], readonly sealed: SealedSlot, message: string, options: ConstructorParameters<typeof SdkError>[2] = {}) {
    super(code, message, options)
  }
}

/**
 * Fills one input slot: checks the value against the contract, splits it into n Shamir shares of
 * degree t (plus one random pad element for the committee's batch degree check), encrypts share i to
 * member i's X25519 key bound to (task, slot, i), signs each envelope with the slot owner's account,
 * hands each to its node, and records the bundle's hash on chain. No node ever sees another's share;
 * any t of them learn nothing about the value.
 *
 * Retries (issue #15): if a node is unreachable the call fails with an `InputDeliveryError` holding them (`sealed`), and calling it
 * again (same client, or `sealed` passed back) resends the *same* envelopes: nodes that already hold
 * one answer 200 (duplicate) instead of 409, so one node down for a while never makes a slot unfillable.
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
  const reduced = values.map((v) => field.reduce(v))
  const valueHash = keccak256(toHex(reduced.join(',')))
  const cacheKey = `submitInput:${params.taskId.toLowerCase()}:${params.slot}`
  const earlier = [params.sealed, client.cache.get(cacheKey) as SealedSlot | undefined]
    .find((x) => x && x.taskId.toLowerCase() === params.taskId.toLowerCase() && x.slot === params.slot && x.valueHash === valueHash && x.envelopes.length === info.n)
  let sealed: SealedSlot
  if (earlier) {
    sealed = earlier
  } else {
    const withPad = field.concat([field.fromBigInts(reduced), field.random(1)])
    const shares = split(field, withPad, info.n, info.t)
    const envelopes = await Promise.all(info.committee.map((m, i) => sealEnvelopeAsync(hexBytes(m.encryptionKey), field.encode(shares[i]!), { taskId: params.taskId, input: params.slot, nodeIndex: i })))
    sealed = { taskId: params.taskId, slot: params.slot, valueHash, envelopes: envelopes.map((e) => toHex(e)), signatures: [] }
  }
  const batched = client.inputs !== undefined && (params.path ?? 'auto') === 'auto'
  // The direct path's nodes check one owner signature per envelope; a batched task's nodes check her
  // one signature of the commitment (which binds every envelope's hash) instead, so none is made there.
  if (!batched && sealed.signatures.length !== info.n) {
    const envelopes = sealed.envelopes
    sealed = { ...sealed, signatures: await Promise.all(envelopes.map((env, i) => signMessage(wallet, {
      account: wallet.account, message: inputSubmissionMessage({ taskId: params.taskId, input: params.slot, nodeIndex: i }, hexBytes(env)),
    }))) }
  }
  const envelopeHashes = sealed.envelopes.map((e) => keccak256(e))
  const commitment = envelopeCommitment(envelopeHashes)
  if (batched && !sealed.batchSignature) {
    sealed = { ...sealed, batchSignature: await signTypedData(wallet, {
      account: wallet.account, domain: inputsDomain({ chainId: client.chain.id, verifyingContract: client.inputs! }), types: inputTypes, primaryType: 'Input',
      message: { taskId: params.taskId, slot: BigInt(slotIndex), commitment },
    }) }
  }
  // Kept before any node sees it: whatever happens next, a retry resends these same bytes.
  client.cache.set(cacheKey, sealed)

  const started = Date.now()
  const delivered = await Promise.allSettled(info.committee.map((m, i) => nodeRequest({
    url: `${client.nodeApi(m)}/v1/tasks/${params.taskId}/inputs/${encodeURIComponent(params.slot)}`,
    method: 'POST', body: { envelope: sealed.envelopes[i]!, ...(batched ? { batch: { envelopeHashes, signature: sealed.batchSignature! } } : { signature: sealed.signatures[i]! }) },
    who: `node ${i} (${m.account})`, timeoutMs: params.timeoutMs, signal: params.signal,
  })))
  const failed = delivered.flatMap((d, i) => d.status === 'rejected' ? [{ i, reason: d.reason as unknown }] : [])
  if (failed.length > 0) {
    params.signal?.throwIfAborted()
    const first = failed[0]!.reason
    const code = first instanceof SdkError ? first.code : 'SDK_NODE_UNREACHABLE'
    throw new InputDeliveryError(code, sealed, `slot '${params.slot}' reached ${info.n - failed.length} of ${info.n} nodes; retry submitInput (it resends the same envelopes): ${failed.map((f) => f.reason instanceof Error ? f.reason.message : String(f.reason)).join('; ')}`, {
      cause: first, meta: { failedNodes: failed.map((f) => f.i) },
    })
  }
  const deliveryMs = Date.now() - started
  if (batched) {
    if (params.waitForRoot === false) return { commitment, path: 'pending', gasUsed: 0n, deliveryMs, chainMs: 0 }
    const c = await confirmInput(client, { taskId: params.taskId, slot: params.slot, commitment, signal: params.signal })
    client.cache.delete(cacheKey)
    return { commitment, path: c.path, transactionHash: c.transactionHash, gasUsed: c.gasUsed + c.rootGasUsed, deliveryMs, chainMs: Date.now() - started - deliveryMs }
  }
  const r = await fillInputSlot(wallet, { address: client.controller, taskId: params.taskId, slot: slotIndex, owners: info.slots.map((s) => s.owner), commitment })
  client.cache.delete(cacheKey)
  return { commitment, path: 'chain', transactionHash: r.hash, gasUsed: r.gasUsed, deliveryMs, chainMs: Date.now() - started - deliveryMs }
}

function hexBytes(hex: Hex): Uint8Array {
  const out = new Uint8Array((hex.length - 2) / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16)
  return out
}
