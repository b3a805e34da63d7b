/**
 * One hand-off of a shared vector between two committees of nodes, over the libp2p MPC network: the
 * node-level entry to `reshare` (src/protocols/reshare.ts, Desmedt–Jajodia redistribution checked as in
 * CHURP's hand-off, Maram et al. CCS 2019 §4). Every movement of stored data uses it (issue #11 §3):
 * a record's custodians → a task committee, a task committee → the holders of a contract's next state,
 * one custody epoch → the next, and a task's surviving members → the committee of its re-run (issue #12).
 *
 * The session connects the union of both committees in one fixed order that every party derives alone
 * from the two lists: the old committee in its sharing order, then the new members that are not old
 * members, in the new sharing order. A node in both committees plays both roles (a proactive refresh
 * when the committees are the same). Every party must call this with the same `session`, committees and
 * thresholds; the id must be unique per hand-off (frames of another hand-off never mix in).
 */
import type { Field, FieldVector, RandomSource } from '../field/types.ts'
import type { SecurityMode } from '../protocols/session.ts'
import { reshare } from '../protocols/reshare.ts'
import { InvalidArgumentError } from '../common/errors.ts'
import type { Transport } from '../protocols/transport.ts'
import type { MpcMember, MpcNetwork } from './mpc-network.ts'

export interface HandoffRequest {
  /** Session id, the same at every party and unique per hand-off (1..255 bytes), e.g. `rec:<id>:<task>:<slot>`. */
  readonly session: string
  readonly field: Field
  readonly security: SecurityMode
  /** The old committee in the order of its sharing (old member k holds P(k + 1)). */
  readonly oldCommittee: readonly MpcMember[]
  readonly oldT: number
  /** The new committee in the order of the new sharing. */
  readonly newCommittee: readonly MpcMember[]
  readonly newT: number
  /** This node's old share (`length` elements) when it is an old member holding one, else null (an old member without its share deals nothing, like a crashed one). */
  readonly share: FieldVector | null
  /** Number of shared elements (public). */
  readonly length: number
  /** Receive deadline per message (ms): an old member silent past it is left out of the dealers. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  /**
   * Optional: positions in `oldCommittee` of members known faulty (a task's re-run leaves out its
   * suspended culprit, issue #12). They keep their places (so the others keep their evaluation points)
   * but deal nothing that counts: `reshare`'s `excludedOld`.
   */
  readonly excludedOld?: readonly number[]
  /** Randomness of this node's dealing, when it may have to deal again identically after a restart (`reshare`'s `dealRandom`). */
  readonly dealRandom?: RandomSource
  /**
   * Test-only: wraps this party's transport (the fault injection of faults.ts, a custodian that deals
   * wrong shares, `bad-input-reshare`); never set outside tests and the devnet's `--fault`.
   */
  readonly wrapTransport?: (transport: Transport) => Transport
}

/** The union of both committees in the order every party derives: old members, then the new ones not among them. */
export function handoffMembers(oldCommittee: readonly MpcMember[], newCommittee: readonly MpcMember[]): {
  readonly members: readonly MpcMember[]
  readonly oldIdx: readonly number[]
  readonly newIdx: readonly number[]
} {
  const members: MpcMember[] = []
  const index = new Map<string, number>()
  const add = (m: MpcMember): number => {
    const at = index.get(m.peerId)
    if (at !== undefined) return at
    index.set(m.peerId, members.length)
    members.push(m)
    return members.length - 1
  }
  const oldIdx = oldCommittee.map(add)
  const newIdx = newCommittee.map(add)
  if (new Set(oldIdx).size !== oldIdx.length) throw new InvalidArgumentError('handoffMembers', 'the old committee lists a node twice')
  if (new Set(newIdx).size !== newIdx.length) throw new InvalidArgumentError('handoffMembers', 'the new committee lists a node twice')
  return { members, oldIdx, newIdx }
}

/**
 * Runs this node's side of the hand-off. Resolves with its new share when it is a new member, or null
 * when it is only an old member (it may erase its old share once the hand-off is recorded — the
 * caller's duty: the old committee keeps its shares until then, so a failed hand-off loses nothing).
 * The session is closed at the end either way.
 */
export async function runHandoff(net: MpcNetwork, self: string, req: HandoffRequest): Promise<FieldVector | null> {
  const { members, oldIdx, newIdx } = handoffMembers(req.oldCommittee, req.newCommittee)
  if (!members.some((m) => m.peerId === self)) throw new InvalidArgumentError('runHandoff', `this node (${self}) is in neither committee of ${req.session}`)
  const opened = net.openSession({ session: req.session, committee: members, timeoutMs: req.timeoutMs })
  const transport = req.wrapTransport ? req.wrapTransport(opened) : opened
  let reason = 'hand-off done'
  try {
    return await reshare({
      field: req.field, transport, security: req.security,
      oldMembers: oldIdx, oldT: req.oldT, newMembers: newIdx, newT: req.newT,
      share: req.share, length: req.length, timeoutMs: req.timeoutMs,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.excludedOld ? { excludedOld: req.excludedOld } : {}),
      ...(req.dealRandom ? { dealRandom: req.dealRandom } : {}),
    })
  } catch (e) {
    reason = 'hand-off failed'
    throw e
  } finally {
    // An old-only member returns as soon as it has dealt: its frames are already queued, and closing
    // only tells the others it will send nothing more (it receives nothing in this protocol).
    net.closeSession(req.session, reason)
  }
}
