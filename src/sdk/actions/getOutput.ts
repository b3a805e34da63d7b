import type { Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import { decodeValue, toSigned, type OutputJson } from '../../circuit/values.ts'
import { getField } from '../../field/create.ts'
import type { FieldVector } from '../../field/types.ts'
import { openEnvelope } from '../../sharing/envelope.ts'
import { reconstructChecked } from '../../sharing/reconstruct-checked.ts'
import type { Secret } from '../../common/secret.ts'
import type { EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { taskInfo } from '../internal/task-info.ts'
import { nodeRequest } from '../internal/node-api.ts'

export interface GetOutputParameters {
  readonly taskId: Hex
  /** Name of a `revealTo(recipient, …)` output. */
  readonly output: string
  /** The recipient's X25519 secret key (its public key was named in the task's recipients). */
  readonly recipientKey: Secret<Uint8Array>
  readonly circuit: Pick<Circuit, 'field' | 'outputs'>
  readonly timeoutMs?: number
}
export interface GetOutputReturnType {
  readonly value: OutputJson
  /** Members whose shares were wrong and were corrected around (empty normally). */
  readonly corrected: readonly number[]
}
export type GetOutputErrorType = SdkError

/**
 * Fetches every member's encrypted share of a private output, decrypts them with the recipient's key
 * and reconstructs with error detection: shares that do not lie on one degree-t polynomial are
 * refused (or corrected when n ≥ 3t+1), so a cheating member cannot change the value unnoticed.
 * Unreachable members are skipped as long as t+1 shares remain.
 */
export async function getOutput(client: EnigmaClient, params: GetOutputParameters): Promise<GetOutputReturnType> {
  const info = await taskInfo(client, params.taskId)
  const out = params.circuit.outputs.find((o) => o.name === params.output && o.recipient !== null)
  if (!out) throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `the contract has no private output '${params.output}'`)
  const field = getField(params.circuit.field)
  const shares: (FieldVector | null)[] = await Promise.all(info.committee.map(async (m, i) => {
    try {
      const r = await nodeRequest<{ envelope: Hex }>({
        url: `${client.nodeApi(m)}/v1/tasks/${params.taskId}/outputs/${encodeURIComponent(params.output)}`, who: `node ${i}`, timeoutMs: params.timeoutMs ?? 10_000,
      })
      const env = Uint8Array.from(r.envelope.slice(2).match(/../g)!.map((b) => parseInt(b, 16)))
      return field.decode(openEnvelope(params.recipientKey, env, { taskId: params.taskId, input: `out:${params.output}`, nodeIndex: i }).expose())
    } catch {
      return null
    }
  }))
  if (shares.filter(Boolean).length < info.t + 1) throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `only ${shares.filter(Boolean).length} of ${info.n} members delivered a valid share of '${params.output}'`)
  let r
  try {
    r = reconstructChecked(field, shares, info.t, { correct: true, fn: 'getOutput' })
  } catch (e) {
    throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `shares of '${params.output}' are inconsistent: a member cheated`, { cause: e })
  }
  return { value: decodeValue(out.type, field.toBigInts(r.secrets).map((x) => toSigned(x, field.p))), corrected: r.corrected }
}
