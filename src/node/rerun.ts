/**
 * Re-run instead of refund (issue #12, items 3–4): a task whose committee had a suspended or slashed
 * member is drawn again (`rerunTask` on the controller, the keeper of rerun-keeper.ts) and runs as a new
 * *attempt* of the same task. Its inputs are never submitted again and never reconstructed: the surviving
 * members of the previous committee hand their shares of every input slot over to the new committee with
 * the one hand-off primitive (`runHandoff`, src/node/reshare-session.ts: Desmedt–Jajodia redistribution
 * checked as in CHURP's hand-off, Maram et al. CCS 2019 §4).
 *
 * One hand-off per attempt moves ALL the task's input shares: every slot's `length + 1` elements (the
 * wires, then the pad of the batch degree-t check), concatenated in slot order into one vector. The
 * culprit named by the re-run keeps its sharing position but deals nothing that counts (`excludedOld`):
 * it is suspended, so nobody waits for it, and a dealing it sends anyway is ignored. So does every other
 * old member suspended or slashed at the attempt's draw block (`rerun.excluded`: up to t members killed at
 * once; with e old members left out, malicious mode needs max(t+1, 2t+1−e) dealers, reshare.ts). In malicious mode the
 * hand-off's check catches a survivor that deals a wrong share (`bad-input-reshare`) — it aborts naming
 * nobody (which of dealer or checker lied is not evident), so that attempt fails and nothing wrong is
 * computed.
 *
 * Sessions: the hand-off of attempt k is `rr:<taskId>:<k>`, the computation of attempt k ≥ 1 is
 * `<taskId>/a<k>` (attempt 0 keeps the task id), so no frame of one attempt can mix into another.
 */
import type { Circuit } from '../circuit/index.ts'
import type { Secret } from '../common/secret.ts'
import type { Field, FieldVector } from '../field/index.ts'
import type { Transport } from '../protocols/transport.ts'
import { sealEnvelope } from '../sharing/envelope.ts'
import { NodeError } from './errors.ts'
import type { NodeIdentity } from './identity.ts'
import type { MpcNetwork } from './mpc-network.ts'
import { handoffMembers, runHandoff } from './reshare-session.ts'
import { slotLayout } from './slots.ts'
import { freshenPads } from './fresh-pad.ts'
import { dealingRandom } from './dealing-random.ts'
import { createSession } from '../protocols/index.ts'
import type { ShareRecord } from './store.ts'
import type { Hex, TaskSpec } from './task-source.ts'

/** The attempt a spec describes (0: the first draw). */
export function attemptOf(spec: Pick<TaskSpec, 'attempt'>): number {
  return spec.attempt ?? 0
}

/** The MPC session of an attempt's computation: the task id for attempt 0, `<taskId>/a<k>` after. */
export function computeSession(spec: Pick<TaskSpec, 'taskId' | 'attempt'>): string {
  const k = attemptOf(spec)
  return k > 0 ? `${spec.taskId}/a${k}` : spec.taskId
}

/** The session of the input hand-off that starts attempt k (unique per task and attempt, ≤ 255 bytes). */
export function handoffSession(spec: Pick<TaskSpec, 'taskId' | 'attempt'>): string {
  return `rr:${spec.taskId}:${attemptOf(spec)}`
}

/** Whether this node takes part in a re-run's hand-off: a member of the new committee, or a survivor of the previous one. */
export function inHandoff(spec: TaskSpec, peerId: string): boolean {
  if (!spec.rerun) return false
  return spec.committee.some((m) => m.peerId === peerId) || spec.rerun.previousCommittee.some((m) => m.peerId === peerId && !isExcluded(spec, m.account))
}

/**
 * An old member the hand-off leaves out: the culprit the re-run named, or any other member of the previous
 * committee suspended or slashed at this attempt's draw (`rerun.excluded`; up to t members killed at once).
 */
function isExcluded(spec: TaskSpec, account: Hex): boolean {
  const a = account.toLowerCase()
  return spec.rerun !== undefined && (a === spec.rerun.culprit.toLowerCase() || (spec.rerun.excluded ?? []).some((x) => x.toLowerCase() === a))
}

/** Positions in the previous committee of the old members the hand-off leaves out (same list at every member). */
export function excludedPositions(spec: TaskSpec): number[] {
  return (spec.rerun?.previousCommittee ?? []).flatMap((m, k) => (isExcluded(spec, m.account) ? [k] : []))
}

/** Tell the network early who the hand-off's peers are, so their first frames wait for us in the limbo. */
export function expectHandoff(net: MpcNetwork, spec: TaskSpec): void {
  if (!spec.rerun) return
  net.expect(handoffSession(spec), handoffMembers(spec.rerun.previousCommittee, spec.committee).members)
  if (spec.committee.some((m) => m.peerId === net.peerId)) net.expect(`${handoffSession(spec)}/pad`, spec.committee)
}

/**
 * The previous attempt as a survivor that is also on the new committee knows it after a restart mid
 * hand-off: its record already holds the new attempt (written before the hand-off), so the previous
 * attempt's spec is rebuilt from `rerun.previousCommittee`; its shares of that attempt are still stored
 * under that attempt's keys (store.ts `shareKey`), which is all the dealing needs.
 */
export function resumedFrom(spec: TaskSpec): { readonly spec: TaskSpec } | undefined {
  if (!spec.rerun) return undefined
  const { rerun: _rerun, ...rest } = spec
  return { spec: { ...rest, attempt: attemptOf(spec) - 1, committee: spec.rerun.previousCommittee } }
}

export interface InputHandoff {
  readonly net: MpcNetwork
  readonly self: string
  /** The new attempt's spec (with `rerun`). */
  readonly spec: TaskSpec
  readonly circuit: Circuit
  readonly field: Field
  /**
   * This node's shares of every slot (in `spec.inputSlots` order, `length + 1` elements each) from the
   * previous attempt, when it was a member of it and still holds them; null otherwise.
   */
  readonly oldShares: readonly FieldVector[] | null
  readonly timeoutMs: number
  /**
   * The node's secret key its dealing's randomness is derived from (dealing-random.ts): a survivor
   * restarted in the middle of the hand-off deals again under the same session, and only an identical
   * dealing lets the members that got the first one and those that get the second agree.
   */
  readonly dealingKey: Secret<Uint8Array>
  readonly signal?: AbortSignal
  /** Test-only fault injection on the hand-off's frames (`bad-input-reshare`, src/node/faults.ts). */
  readonly wrap?: (transport: Transport, field: Field) => Transport
}

/**
 * This node's side of the hand-off that starts a re-run's attempt. Resolves with this node's new shares
 * per slot (spec.inputSlots order) when it is on the new committee, null when it only dealt.
 */
export async function handOffInputs(h: InputHandoff): Promise<FieldVector[] | null> {
  const { spec, field } = h
  const rerun = spec.rerun
  if (!rerun) throw new NodeError('NODE_TASK_STATE', `task ${spec.taskId}: attempt ${attemptOf(spec)} names no previous committee`)
  const lengths = spec.inputSlots.map((s) => slotLayout(h.circuit, s.name).length + 1)
  const total = lengths.reduce((a, b) => a + b, 0)
  const excluded = excludedPositions(spec)
  const oldPos = rerun.previousCommittee.findIndex((m) => m.peerId === h.self)
  const dealer = oldPos >= 0 && !excluded.includes(oldPos)
  if (dealer && !h.oldShares) throw new NodeError('NODE_TASK_STATE', `task ${spec.taskId}: this node was on attempt ${attemptOf(spec) - 1}'s committee but holds no input shares of it`)
  const share = dealer ? field.concat(h.oldShares!) : null
  if (share && field.len(share) !== total) throw new NodeError('NODE_TASK_STATE', `task ${spec.taskId}: old shares hold ${field.len(share)} elements, expected ${total}`)
  const vector = await runHandoff(h.net, h.self, {
    session: handoffSession(spec), field, security: spec.security,
    oldCommittee: rerun.previousCommittee, oldT: spec.t, newCommittee: spec.committee, newT: spec.t,
    share, length: total, timeoutMs: h.timeoutMs,
    // One session = one hand-off of these fixed shares: the same randomness never masks two values.
    dealRandom: dealingRandom(h.dealingKey, 'rerun', handoffSession(spec)),
    ...(h.signal ? { signal: h.signal } : {}),
    ...(excluded.length > 0 ? { excludedOld: excluded } : {}),
    ...(h.wrap ? { wrapTransport: (t: Transport) => h.wrap!(t, field) } : {}),
  })
  if (!vector) return null
  const out: FieldVector[] = []
  let at = 0
  for (const len of lengths) {
    out.push(field.slice(vector, at, at + len))
    at += len
  }
  // The pads: the previous attempt's input check opened Σρ·x + pad with its coin ρ; this attempt's
  // check opens Σρ'·x + pad' with a fresh ρ'. With the same pad, a member of both committees (or two
  // colluders, one in each) would subtract the openings and learn (ρ − ρ')·x, i.e. the input. So the
  // new committee adds a fresh random sharing to every pad first (fresh-pad.ts, which a
  // record's hand-off uses for the same reason).
  const padSession = `${handoffSession(spec)}/pad`
  const transport = h.net.openSession({ session: padSession, committee: spec.committee, timeoutMs: h.timeoutMs })
  try {
    const s = createSession({ field, n: spec.committee.length, t: spec.t, transport, security: spec.security, timeoutMs: h.timeoutMs, ...(h.signal ? { signal: h.signal } : {}) })
    return await freshenPads(s, out)
  } finally {
    h.net.closeSession(padSession, 'pad done')
  }
}

/**
 * A new member's shares of a re-run, sealed to its own X25519 key with the same context a client's
 * envelope has (task, slot, this node's index in the new committee), so the runner stores and reads
 * them like any input share and a stolen disk reveals none.
 */
export function sealAttemptShares(identity: NodeIdentity, field: Field, spec: TaskSpec, shares: readonly FieldVector[]): ShareRecord[] {
  const nodeIndex = spec.committee.findIndex((m) => m.peerId === identity.peerId)
  return spec.inputSlots.map((slot, i) => {
    const env = sealEnvelope(identity.encryptionPublicKey, field.encode(shares[i]!), { taskId: spec.taskId, input: slot.name, nodeIndex })
    return { taskId: spec.taskId, slot: slot.name, envelope: `0x${Buffer.from(env).toString('hex')}` as Hex, receivedAt: Date.now() }
  })
}
