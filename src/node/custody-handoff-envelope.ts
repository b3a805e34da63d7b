/**
 * The envelope a custodian keeps a handed-off share in (issue #11 §3): sealed to its own X25519 key
 * (src/sharing/envelope.ts), so the custody store never holds a share in clear, exactly as for the
 * owner's envelopes. The context binds record, epoch, attempt and custodian index: a share of one
 * (epoch, attempt) can never be opened as another's, nor as the owner's share or a task input.
 */
import { toHex } from 'viem'
import type { Field, FieldVector } from '../field/types.ts'
import { sealEnvelope } from '../sharing/envelope.ts'
import type { NodeIdentity } from './identity.ts'
import type { Hex } from './task-source.ts'
import { CUSTODY_INPUT } from './custody-input.ts'

/** The envelope's "input" name: the owner's share is `@record`, a hand-off share `@record:e<epoch>:a<attempt>`. */
export function custodyEnvelopeInput(share: { readonly epoch?: number; readonly attempt?: number }): string {
  return share.attempt === undefined ? CUSTODY_INPUT : `${CUSTODY_INPUT}:e${share.epoch ?? 0}:a${share.attempt}`
}

export function sealHandoffShare(identity: NodeIdentity, at: { recordId: Hex; epoch: number; attempt: number; index: number }, field: Field, share: FieldVector): Hex {
  return toHex(sealEnvelope(identity.encryptionPublicKey, field.encode(share), {
    taskId: at.recordId, input: custodyEnvelopeInput(at), nodeIndex: at.index,
  }))
}
