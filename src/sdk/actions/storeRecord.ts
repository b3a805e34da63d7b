import { concat, hexToBytes, keccak256, toHex, type Address, type Hex } from 'viem'
import type { ValueType } from '../../circuit/types.ts'
import { encodeInputs } from '../../circuit/values.ts'
import type { FieldName } from '../../field/types.ts'
import { getField } from '../../field/create.ts'
import { split } from '../../sharing/shamir.ts'
import { sealEnvelopeAsync } from '../../sharing/envelope.ts'
import { getCustodyEpoch } from '../../chain/actions/getCustodyEpoch.ts'
import { getNode } from '../../chain/actions/getNode.ts'
import { storeRecord as chainStoreRecord } from '../../chain/actions/storeRecord.ts'
import { recordIdOf } from '../../chain/actions/recordIdOf.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import type { RecordRefusedError } from '../../chain/record-errors.ts'
import { DEFAULT_RECORD_FIELD, parseRecordType, recordTypeHash } from '../../node/record-type.ts'
import { CUSTODY_INPUT } from '../../node/custody-input.ts'
import type { CommitteeMember } from '../../node/task-source.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { nodeRequest } from '../internal/node-api.ts'
import { recordsAddress } from '../internal/records.ts'

export interface StoreRecordParameters {
  /** A language type (`ValueType`) or its text (`uint32`, `{ income: uint32, debts: uint32 }`). */
  readonly type: ValueType | string
  /** The value, as in an inputs file (a number, a boolean, an array, an object). */
  readonly value: unknown
  /** Field of the shares (default p127; it must match the field of the contracts that will use it). */
  readonly field?: FieldName
  /** Makes the record id (default: random). */
  readonly salt?: Hex
  readonly records?: Address
  /** How long to wait for custodians (ms, default 60 000). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}
export interface StoreRecordReturnType {
  readonly recordId: Hex
  readonly owner: Address
  readonly typeHash: Hex
  readonly field: FieldName
  readonly commitment: Hex
  readonly epoch: bigint
  readonly custodians: readonly Address[]
  readonly transactionHash: Hex
  readonly gasUsed: bigint
}
export type StoreRecordErrorType = RecordRefusedError | ControllerRevertError | ChainRequestError | SdkError | RecordDeliveryError

/** Some custodian did not take its share: the record exists on chain; resend `deliveries` to finish. */
export class RecordDeliveryError extends SdkError {
  override name = 'RecordDeliveryError'
  constructor(code: SdkError['code'], readonly recordId: Hex, readonly deliveries: readonly RecordDelivery[], message: string, cause: unknown) {
    super(code, message, { cause, meta: { recordId } })
  }
}

/** One custodian's share submission (POST /v1/records/{recordId}/shares of src/node/custody-api.ts). */
export interface RecordDelivery {
  readonly member: CommitteeMember
  readonly body: { index: number; envelope: Hex; envelopeHashes: readonly Hex[]; type: ValueType; field: FieldName }
}

/**
 * Stores a typed secret value once (issue #11 §1): checks it against its type, splits it into Shamir
 * shares of degree t over the custody committee of the current epoch (plus one random pad element for
 * the batch degree check, exactly as task inputs, submitInput.ts), encrypts share i to custodian i's
 * X25519 key bound to (record, `@record`, i), records the type hash and the commitment — the hash of
 * the envelopes' hashes — on chain, then hands each custodian its envelope, which it checks against
 * the chain. No custodian sees another's share; any t of them learn nothing.
 */
export async function storeRecord(client: EnigmaClient, params: StoreRecordParameters): Promise<StoreRecordReturnType> {
  const wallet = requireWallet(client, 'storeRecord')
  const address = recordsAddress(client, 'storeRecord', params.records)
  const type = typeof params.type === 'string' ? parseRecordType(params.type) : params.type
  const fieldName = params.field ?? DEFAULT_RECORD_FIELD
  const values = encodeInputs([{ name: 'value', type }], { value: params.value }, 'record')[0]!
  const epoch = await getCustodyEpoch(client.public, { address })
  if (epoch.epoch === 0n) throw new SdkError('SDK_CONFIG_INVALID', 'storeRecord: no custody committee has been drawn yet (the devnet draws one at start)')
  const members: CommitteeMember[] = await Promise.all(epoch.custodians.map(async (account, index) => {
    const n = await getNode(client.public, { address: client.controller, node: account })
    return { index, account, peerId: n.peerId, encryptionKey: n.encryptionKey, multiaddrs: n.multiaddrs }
  }))
  const salt = params.salt ?? toHex(crypto.getRandomValues(new Uint8Array(32)))
  const recordId = recordIdOf({ chainId: client.chain.id, address, owner: wallet.account.address, salt })
  const field = getField(fieldName)
  const shares = split(field, field.concat([field.fromBigInts(values.map((v) => field.reduce(v))), field.random(1)]), members.length, epoch.t)
  const envelopes = (await Promise.all(members.map((m, i) => sealEnvelopeAsync(hexToBytes(m.encryptionKey), field.encode(shares[i]!), { taskId: recordId, input: CUSTODY_INPUT, nodeIndex: i })))).map((e) => toHex(e))
  const envelopeHashes = envelopes.map((e) => keccak256(e))
  const commitment = keccak256(concat(envelopeHashes))
  const typeHash = recordTypeHash({ type, field: fieldName })
  const tx = await chainStoreRecord(wallet, { address, salt, typeHash, commitment })
  const deliveries = members.map((member, i) => ({ member, body: { index: i, envelope: envelopes[i]!, envelopeHashes, type, field: fieldName } }))
  await deliverRecordShares(client, recordId, deliveries, params)
  return {
    recordId, owner: wallet.account.address, typeHash, field: fieldName, commitment, epoch: epoch.epoch, custodians: epoch.custodians,
    transactionHash: tx.hash, gasUsed: tx.gasUsed,
  }
}

/** Hands every custodian its envelope (again: a custodian that holds it answers `duplicate`). */
export async function deliverRecordShares(client: EnigmaClient, recordId: Hex, deliveries: readonly RecordDelivery[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
  const delivered = await Promise.allSettled(deliveries.map((d) => nodeRequest({
    url: `${client.nodeApi(d.member)}/v1/records/${recordId}/shares`, method: 'POST', body: d.body,
    who: `custodian ${d.member.index} (${d.member.account})`, timeoutMs: options.timeoutMs, signal: options.signal,
  })))
  const failed = delivered.flatMap((d, i) => d.status === 'rejected' ? [{ i, reason: d.reason as unknown }] : [])
  if (failed.length === 0) return
  options.signal?.throwIfAborted()
  const first = failed[0]!.reason
  throw new RecordDeliveryError(first instanceof SdkError ? first.code : 'SDK_NODE_UNREACHABLE', recordId, failed.map((f) => deliveries[f.i]!),
    `record ${recordId} reached ${deliveries.length - failed.length} of ${deliveries.length} custodians; resend with deliverRecordShares: ${failed.map((f) => f.reason instanceof Error ? f.reason.message : String(f.reason)).join('; ')}`, first)
}
