/**
 * Committee-security planner (issue #13 §3): the exact probability that a committee of `n` drawn by
 * the controller's selection rule holds more than `t = ⌊(n−1)/2⌋` corrupt members, i.e. that the
 * honest-majority assumption of DESIGN.md §2 fails (privacy and correctness are then lost).
 *
 * The rule modelled is `EnigmaController.selectCommittee`: successive stake-weighted sampling without
 * replacement (draw k picks active node j with probability stake_j / stake still in the pool).
 * Stakes follow a two-class model: `honest` nodes of equal stake and `corrupt` nodes of equal stake,
 * the corrupt ones holding the fraction `corruptStake` of the total. The number of corrupt members
 * after k draws is then a Markov chain on (honest drawn, corrupt drawn); a dynamic programme over it
 * gives the whole distribution for every n ≤ nMax in O(nMax²). With equal stakes it is the
 * hypergeometric law (checked in the test, exactly with BigInt).
 *
 * Numerics: every quantity is a sum of products of probabilities in [0, 1]; the failure tail is
 * summed directly over c > t (never computed as 1 − P(c ≤ t)), so there is no cancellation and a
 * double keeps ~15 significant digits even for tails far below 1e-9 (down to ~1e-300).
 *
 * Pure computation (no I/O, no viem): the CLI (`enigma plan`), the SDK (`recommendCommitteeSize`)
 * and the dashboard (in the browser) share it.
 */
import { EnigmaError } from '../common/errors.ts'

export interface StakeModel {
  /** Honest active nodes (equal stake each). */
  readonly honest: number
  /** Corrupt active nodes (equal stake each), all controlled by one adversary. */
  readonly corrupt: number
  /** Fraction of the total active stake the corrupt nodes hold, in [0, 1]. */
  readonly corruptStake: number
}

export interface StakeModelParameters {
  /** Active nodes in total. */
  readonly nodes: number
  /** Fraction of the active stake held by the adversary, in [0, 1). */
  readonly corrupt: number
  /**
   * How many nodes the adversary's stake is split into. Default: round(corrupt · nodes), at least 1
   * when corrupt > 0 (equal stake per node; the hypergeometric case). Splitting into more nodes
   * helps the adversary (a drawn node leaves the pool, so few big nodes cap its seats).
   */
  readonly corruptNodes?: number
}

function usage(message: string): EnigmaError {
  return new EnigmaError('PLANNER_USAGE', message)
}

export function stakeModel(p: StakeModelParameters): StakeModel {
  if (!Number.isInteger(p.nodes) || p.nodes < 1) throw usage(`stakeModel: nodes must be a positive integer, got ${p.nodes}`)
  if (!(p.corrupt >= 0 && p.corrupt < 1)) throw usage(`stakeModel: corrupt must be a stake fraction in [0, 1), got ${p.corrupt}`)
  const corrupt = p.corruptNodes ?? (p.corrupt === 0 ? 0 : Math.min(p.nodes - 1, Math.max(1, Math.round(p.corrupt * p.nodes))))
  if (!Number.isInteger(corrupt) || corrupt < 0 || corrupt >= p.nodes) {
    throw usage(`stakeModel: corruptNodes must be an integer in [0, nodes), got ${corrupt} of ${p.nodes}`)
  }
  if ((corrupt === 0) !== (p.corrupt === 0)) throw usage(`stakeModel: ${corrupt} corrupt nodes cannot hold ${p.corrupt} of the stake`)
  return { honest: p.nodes - corrupt, corrupt, corruptStake: p.corrupt }
}

/** t for a committee of n: the largest number of corrupt members an honest majority tolerates. */
export function thresholdFor(n: number): number {
  return Math.floor((n - 1) / 2)
}

/**
 * dist[k][c] = P(exactly c corrupt among the first k draws), k = 0..nMax. One pass serves every n.
 */
export function corruptCountDistributions(model: StakeModel, nMax: number): Float64Array[] {
  const { honest: H, corrupt: C, corruptStake: f } = model
  if (!Number.isInteger(nMax) || nMax < 0 || nMax > H + C) throw usage(`committee size must be in 0..${H + C} (the active set), got ${nMax}`)
  // Per-node weights; only their ratio matters.
  const wh = H > 0 ? (1 - f) / H : 0
  const wc = C > 0 ? f / C : 0
  const out: Float64Array[] = [Float64Array.of(1)]
  for (let k = 0; k < nMax; k++) {
    const prev = out[k]!
    const next = new Float64Array(k + 2)
    for (let c = 0; c <= k; c++) {
      const p = prev[c]!
      if (p === 0) continue
      const h = k - c
      const restC = (C - c) * wc
      const restH = (H - h) * wh
      const total = restC + restH
      // total is 0 only when the pool is empty, which nMax ≤ H + C rules out.
      const pc = restC / total
      next[c + 1]! += p * pc
      next[c]! += p * (restH / total)
    }
    out.push(next)
  }
  return out
}

/** P(more than t corrupt members) for one committee distribution, summed over the tail only. */
function tail(dist: Float64Array, t: number): number {
  let s = 0
  // Smallest terms first: adding small to small keeps the relative error at rounding level.
  for (let c = dist.length - 1; c > t; c--) s += dist[c]!
  return s
}

export function failureProbability(model: StakeModel, n: number): number {
  return tail(corruptCountDistributions(model, n)[n]!, thresholdFor(n))
}

export interface PlanParameters extends StakeModelParameters {
  /** Acceptable failure probability per task (default 1e-9). */
  readonly target?: number
  /** Only this committee size (the table still shows it alone). */
  readonly committee?: number
  /** Largest size shown (default: the whole active set, at most 255). */
  readonly maxCommittee?: number
  /**
   * The controller's `minActivePerSeat`: a committee of n needs n · seatRatio active nodes
   * (docs/committee-selection.md; production 4, the devnet 1). Default 1.
   */
  readonly seatRatio?: number
  /** Smallest size considered (default 3: t ≥ 1). */
  readonly minCommittee?: number
}

export interface PlanRow {
  readonly n: number
  readonly t: number
  /** P(more than t corrupt members). */
  readonly failure: number
  readonly meetsTarget: boolean
  /** The controller accepts this n: 3 ≤ n ≤ 32 and n · seatRatio ≤ active nodes. */
  readonly allowed: boolean
}

export interface PlanResult {
  readonly model: StakeModel
  readonly target: number
  readonly rows: readonly PlanRow[]
  /** Smallest allowed n whose failure probability is at most the target (undefined: none). */
  readonly recommended: number | undefined
}

export const DEFAULT_TARGET = 1e-9
/** Largest committee the planner tabulates (a task's n was a uint8). */
export const MAX_COMMITTEE = 255
/** The controller's bounds on n (docs/committee-selection.md, "Inputs"). */
export const CHAIN_MIN_COMMITTEE = 3
export const CHAIN_MAX_COMMITTEE = 32

export function plan(p: PlanParameters): PlanResult {
  const model = stakeModel(p)
  const target = p.target ?? DEFAULT_TARGET
  if (!(target > 0 && target < 1)) throw usage(`plan: target must be a probability in (0, 1), got ${target}`)
  const active = model.honest + model.corrupt
  const hi = p.committee ?? Math.min(active, p.maxCommittee ?? MAX_COMMITTEE, MAX_COMMITTEE)
  const lo = p.committee ?? p.minCommittee ?? Math.min(3, hi)
  if (!Number.isInteger(hi) || hi < 1 || hi > active) throw usage(`plan: committee size must be in 1..${active} (the active set), got ${hi}`)
  const seatRatio = p.seatRatio ?? 1
  if (!(Number.isInteger(seatRatio) && seatRatio >= 1)) throw usage(`plan: seatRatio must be an integer ≥ 1, got ${seatRatio}`)
  const dists = corruptCountDistributions(model, hi)
  const rows: PlanRow[] = []
  for (let n = lo; n <= hi; n++) {
    const failure = tail(dists[n]!, thresholdFor(n))
    const allowed = n >= CHAIN_MIN_COMMITTEE && n <= CHAIN_MAX_COMMITTEE && n * seatRatio <= active
    rows.push({ n, t: thresholdFor(n), failure, meetsTarget: failure <= target, allowed })
  }
  return { model, target, rows, recommended: rows.find((r) => r.meetsTarget && r.allowed)?.n }
}
