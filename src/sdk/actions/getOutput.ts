import type { Hex } from 'viem'
import type { Circuit } from '../../circuit/types.ts'
import { decodeValue, toSigned, type OutputJson } from '../../circuit/values.ts'
import { getField } from '../../field/create.ts'
import type { FieldVector } from '../../field/types.ts'
import { openEnvelope } from '../../sharing/envelope.ts'
import type { Secret } from '../../common/secret.ts'
import type { EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { currentCommittee, taskInfo } from '../internal/task-info.ts'
import { nodeRequest } from '../internal/node-api.ts'
import { reconstructPrivateOutput } from '../internal/outputs.ts'
import { recipientPublicKey } from '../recipient-key.ts'

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
  /**
   * Members whose shares the redundancy proves wrong, corrected around (empty normally; only possible
   * when n ≥ 2t + 2). In a malicious-mode task the members' shares are re-randomised with a checked
   * zero sharing after the MAC check, so an honest member's share is right and this is evidence.
   */
  readonly corrected: readonly number[]
}
/** SDK_OUTPUT_UNAVAILABLE (no such output, or too few members answered), SDK_OUTPUT_INCONSISTENT (a member cheated). */
export type GetOutputErrorType = SdkError

/**
 * Fetches every member's encrypted share of a private output, decrypts them with the recipient's key
 * and reconstructs it only when t corrupt members cannot have chosen it (internal/outputs.ts): at least
 * 2t + 1 shares on one degree-t polynomial (with n = 2t + 1: every member's), or wrong shares corrected
 * within the radius that is certain for t corruptions. Otherwise it throws and returns no value.
 */
export async function getOutput(client: EnigmaClient, params: GetOutputParameters): Promise<GetOutputReturnType> {
  const info = await taskInfo(client, params.taskId)
  const out = params.circuit.outputs.find((o) => o.name === params.output && o.recipient !== null)
  if (!out) throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `the contract has no private output '${params.output}'`)
  // A key that is not the task's recipient opens no share: say so instead of "too few members answered".
  const onTask = Object.hasOwn(info.recipients, out.recipient!) ? info.recipients[out.recipient!] : undefined
  if (onTask === undefined) throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `task ${params.taskId} names no key for recipient '${out.recipient}' of output '${params.output}' (createTask recipients)`)
  const mine = recipientPublicKey(params.recipientKey)
  if (mine !== onTask) throw new SdkError('SDK_OUTPUT_UNAVAILABLE', `output '${params.output}' of task ${params.taskId} is for recipient '${out.recipient}' with key ${onTask}; the key given is ${mine}`)
  const field = getField(params.circuit.field)
  // After a re-run the members of the attempt that delivered hold the output shares.
  const committee = await currentCommittee(client, info)
  const shares: (FieldVector | null)[] = await Promise.all(committee.map(async (m, i) => {
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
  const r = reconstructPrivateOutput(field, shares, info.t, params.output)
  return { value: decodeValue(out.type, field.toBigInts(r.secrets).map((x) => toSigned(x, field.p))), corrected: r.corrected }
}
