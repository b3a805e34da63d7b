/**
 * `recommendCommitteeSize`: the smallest committee whose honest majority fails with probability at
 * most `target`, for the controller's current active set and an adversary holding `corrupt` of the
 * stake (issue #13 §3). The figure comes from the planner (src/chain/committee-planner.ts), which
 * models the controller's own draw; `createTask` callers use it as the default `n` (and t = ⌊(n−1)/2⌋).
 *
 * The active set is read from the chain; its stakes are summarised by the planner's two-class model
 * (the adversary's stake split over `corruptNodes`, default round(corrupt · active)), so the figure is
 * for an adversary that already holds that stake, not a bound over every way it could be split.
 */
import { getActiveNodes } from '../../chain/actions/getActiveNodes.ts'
import type { ChainRequestError, ControllerRevertError } from '../../chain/errors.ts'
import { DEFAULT_TARGET, plan, type PlanResult } from '../../chain/committee-planner.ts'
import type { EnigmaError } from '../../common/errors.ts'
import type { EnigmaClient } from '../client.ts'

export interface RecommendCommitteeSizeParameters {
  /** Fraction of the active stake the adversary holds, in [0, 1). */
  readonly corrupt: number
  /** Acceptable failure probability per task (default 1e-9). */
  readonly target?: number
  /** Number of nodes the adversary's stake is split into (see the planner). */
  readonly corruptNodes?: number
  /** The controller's minActivePerSeat (n · seatRatio ≤ active nodes; default 1, the devnet's). */
  readonly seatRatio?: number
}

export interface RecommendCommitteeSizeReturnType {
  /** Recommended committee size, or undefined when no size up to the active set meets the target. */
  readonly n: number | undefined
  /** Its threshold ⌊(n−1)/2⌋. */
  readonly t: number | undefined
  /** Failure probability at n (or at the largest size when none meets the target). */
  readonly failure: number
  readonly activeNodes: number
  readonly plan: PlanResult
}
export type RecommendCommitteeSizeErrorType = ControllerRevertError | ChainRequestError | EnigmaError

export async function recommendCommitteeSize(client: EnigmaClient, params: RecommendCommitteeSizeParameters): Promise<RecommendCommitteeSizeReturnType> {
  const active = await getActiveNodes(client.public, { address: client.controller })
  const r = plan({ nodes: active.nodes.length, corrupt: params.corrupt, corruptNodes: params.corruptNodes, seatRatio: params.seatRatio, target: params.target ?? DEFAULT_TARGET })
  const row = r.rows.find((x) => x.n === r.recommended) ?? r.rows.at(-1)!
  return { n: r.recommended, t: r.recommended === undefined ? undefined : row.t, failure: row.failure, activeNodes: active.nodes.length, plan: r }
}
