/**
 * The custody routes of the client API (api.ts), for the custody committee of stored records:
 *
 *   POST /v1/records/{recordId}/shares                body {"index", "envelope", "envelopeHashes", "type", "field"}
 *   GET  /v1/records/{recordId}                       {"held", "index"?, "erased"?}
 *   GET  /v1/records/{recordId}/uses/{taskId}/{slot}  would this node hand the record to that task input now?
 *
 * Everything is checked as in api.ts (shape, hex lengths, sizes) before the custody service checks
 * it against the chain. Refusals are CustodyError (status + code).
 */
import type { FieldName } from '../field/types.ts'
import type { ValueType } from '../circuit/types.ts'
import type { Hex } from './task-source.ts'
import { CustodyError, type CustodyService, type CustodySubmission } from './custody.ts'

const ID = /^0x[0-9a-fA-F]{64}$/
const HEX_BODY = /^0x([0-9a-fA-F]{2})+$/
const MAX_CUSTODIANS = 32

export interface CustodyRouteRequest {
  readonly method: string | undefined
  /** Path parts after `/v1/records`. */
  readonly parts: readonly string[]
  readonly body: () => Promise<string>
}

export async function handleCustodyRoute(custody: CustodyService, req: CustodyRouteRequest): Promise<{ status: number; body: unknown }> {
  const [recordId, sub, taskId, slot] = req.parts
  if (!recordId || !ID.test(recordId)) throw new CustodyError(400, 'BAD_RECORD_ID', 'record id must be 0x + 64 hex digits')
  const id = recordId.toLowerCase() as Hex
  if (req.parts.length === 1) {
    only(req, 'GET')
    return { status: 200, body: await custody.status(id) }
  }
  if (req.parts.length === 2 && sub === 'shares') {
    only(req, 'POST')
    const r = await custody.accept(id, parseCustodySubmission(await req.body()))
    return { status: 200, body: { recordId: id, ...r } }
  }
  if (req.parts.length === 4 && sub === 'uses') {
    only(req, 'GET')
    if (!taskId || !ID.test(taskId)) throw new CustodyError(400, 'BAD_TASK_ID', 'task id must be 0x + 64 hex digits')
    if (!slot || !/^[0-9]{1,4}$/.test(slot)) throw new CustodyError(400, 'BAD_SLOT', 'slot must be a slot index')
    const { use } = await custody.checkUse(id, taskId.toLowerCase() as Hex, Number(slot))
    return { status: 200, body: { recordId: id, taskId: use.taskId, slot: use.slot, codeHash: use.codeHash, requester: use.requester, ok: true } }
  }
  throw new CustodyError(404, 'NOT_FOUND', 'no such route')
}

function only(req: CustodyRouteRequest, method: string): void {
  if (req.method !== method) throw new CustodyError(405, 'METHOD_NOT_ALLOWED', `use ${method}`)
}

/** The body of a custody share submission, checked (exported for tests). */
export function parseCustodySubmission(text: string): CustodySubmission {
  let body: unknown
  try { body = JSON.parse(text) } catch { throw new CustodyError(400, 'BAD_JSON', 'body is not JSON') }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CustodyError(400, 'BAD_SCHEMA', 'body must be an object')
  const b = body as Record<string, unknown>
  for (const k of Object.keys(b)) {
    if (!['index', 'envelope', 'envelopeHashes', 'type', 'field'].includes(k)) throw new CustodyError(400, 'BAD_SCHEMA', `unknown field '${k.slice(0, 40)}'`)
  }
  if (!Number.isInteger(b.index) || (b.index as number) < 0 || (b.index as number) >= MAX_CUSTODIANS) throw new CustodyError(400, 'BAD_SCHEMA', 'index must be a custodian index')
  if (typeof b.envelope !== 'string' || !HEX_BODY.test(b.envelope)) throw new CustodyError(400, 'BAD_SCHEMA', 'envelope must be 0x-prefixed hex bytes')
  if (!Array.isArray(b.envelopeHashes) || b.envelopeHashes.length > MAX_CUSTODIANS || !b.envelopeHashes.every((h) => typeof h === 'string' && ID.test(h))) {
    throw new CustodyError(400, 'BAD_SCHEMA', 'envelopeHashes must be at most 32 hashes of 32 bytes')
  }
  if (b.field !== 'p61' && b.field !== 'p127') throw new CustodyError(400, 'BAD_SCHEMA', "field must be 'p61' or 'p127'")
  if (typeof b.type !== 'object' || b.type === null || Array.isArray(b.type)) throw new CustodyError(400, 'BAD_SCHEMA', 'type must be a value type object')
  return {
    index: b.index as number,
    envelope: new Uint8Array(Buffer.from(b.envelope.slice(2), 'hex')),
    envelopeHashes: (b.envelopeHashes as string[]).map((h) => h.toLowerCase() as Hex),
    // Checked by the custody service: its hash must be the record's type hash on chain.
    type: b.type as ValueType,
    field: b.field as FieldName,
  }
}
