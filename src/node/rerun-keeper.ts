/**
 * The re-run keeper (issue #12, item 3): once a member of an open task's committee is suspended or
 * slashed (the votes of evidence.ts, or a proof of equivocation), an honest surviving member sends the
 * controller's `rerunTask(taskId, culprit)` and, once the new draw block is mined, `drawCommittee` —
 * the task then runs again on a committee without the culprit (src/node/rerun.ts). The controller lets
 * anyone do both; the keeper only makes sure somebody does.
 *
 * Who acts: a member whose attempt failed here *because of* member p (first-hand: p's silence or dropped
 * connection, evidence.ts `culpritOf`) watches the task on the chain and re-runs it once p is suspended or
 * slashed — only then: a member suspended for another reason (a wrong receipt) leaves a task that can
 * still complete on the honest signatures, and a re-run would throw that result away. The member with the
 * lowest committee index among those not suspended acts as soon as the step is possible, the others
 * `fallbackMs` apart after it (as evidence.ts's submitters), each checking the chain again first so a
 * late one sends nothing. The node layer does not import the chain: the chain reads and transactions
 * come through `RerunChain` (src/devnet/chain-keeper.ts implements it).
 *
 * Several culprits (up to t members killed at once, issue #12 item 4): a node's failure names one, and its
 * liveness probe (rerun-liveness.ts) may find more that are unreachable; it votes against each and watches
 * the task for all of them. The re-run waits until every one of them is suspended (or `settleMs` after the
 * first one was), because the controller takes votes only while the committee is drawn: a `rerunTask`
 * sent after the first suspension would leave the second culprit active, the next draw could pick it, and
 * its votes could no longer land. One `rerunTask` (one of MAX_RERUNS) then serves all of them: the draw
 * skips every suspended node, and the hand-off leaves out every old member suspended at the draw
 * (`TaskSpec.rerun.excluded`).
 */
import { setTimeout } from 'node:timers/promises'
import { silentLogger, type Logger } from './log.ts'
import type { Hex, TaskSpec } from './task-source.ts'

/** The task as the chain sees it now (what the keeper needs to decide its next step). */
export interface KeeperTaskView {
  /** 'pending': waiting for a draw (after a re-run); 'open': a committee is running it; 'closed': anything else, or past its deadline. */
  readonly status: 'pending' | 'open' | 'closed'
  /** Accounts of the current committee (empty while pending). */
  readonly committee: readonly Hex[]
  /** Members of the current committee that are suspended or slashed now. */
  readonly suspended: readonly Hex[]
  /** Pending and its draw block is mined: `drawCommittee` may be sent. */
  readonly drawReady: boolean
}

export interface RerunChain {
  view(taskId: Hex): Promise<KeeperTaskView>
  /** `rerunTask(taskId, culprit)`; should succeed quietly if someone else was first. */
  rerun(taskId: Hex, culprit: Hex): Promise<void>
  /** `drawCommittee(taskId)` once the draw block is mined; quiet if someone else drew first. */
  draw(taskId: Hex): Promise<void>
}

export type KeeperEvent =
  | { readonly kind: 'rerun'; readonly taskId: Hex; readonly culprit: Hex }
  | { readonly kind: 'drawn'; readonly taskId: Hex }
  | { readonly kind: 'error'; readonly taskId: Hex; readonly error: unknown }

export interface RerunKeeperInit {
  readonly chain: RerunChain
  /** This node's account (its rank among the members decides when it acts). */
  readonly account: Hex
  /** Delay between successive keepers of one step (ms, default 5 000). */
  readonly fallbackMs?: number
  /** How often a watched task is read from the chain (ms, default 1 000). */
  readonly pollMs?: number
  /**
   * With several culprits: how long after the first one's suspension was seen the re-run waits for the
   * others' (ms, default 45 000: their votes come after the liveness probe, plus gossip and fallbacks).
   */
  readonly settleMs?: number
  /** Unix seconds now, as the task source judges deadlines (chain time). */
  readonly now?: () => number
  readonly log?: Logger
  readonly onEvent?: (e: KeeperEvent) => void
}

export class RerunKeeper {
  readonly #init: RerunKeeperInit
  readonly #log: Logger
  /** Tasks watched now, by id (one watch per task: a later attempt's failure replaces nothing running). */
  readonly #watching = new Set<string>()
  readonly #stop = new AbortController()

  constructor(init: RerunKeeperInit) {
    this.#init = init
    this.#log = (init.log ?? silentLogger).child({ component: 'rerun-keeper' })
  }

  stop(): void {
    this.#stop.abort()
  }

  /**
   * An attempt of `spec` failed on this node because of `culprits` (the one its failure named first, then
   * any other it found unreachable): watch the task until it is re-run, drawn again, or closed.
   */
  watch(spec: TaskSpec, culprits: Hex | readonly Hex[]): void {
    const key = spec.taskId.toLowerCase()
    if (this.#watching.has(key) || this.#stop.signal.aborted) return
    this.#watching.add(key)
    const named = (typeof culprits === 'string' ? [culprits] : culprits).map((a) => a.toLowerCase())
    void this.#watch(spec, named).finally(() => this.#watching.delete(key))
  }

  async #watch(spec: TaskSpec, culprits: readonly string[]): Promise<void> {
    const { chain } = this.#init
    const me = this.#init.account.toLowerCase()
    const members = spec.committee.map((m) => m.account.toLowerCase())
    const now = this.#init.now ?? (() => Date.now() / 1000)
    /** When each step was first seen possible here: this node acts `rank × fallbackMs` after that. */
    const since = new Map<string, number>()
    /** Members seen suspended or slashed (a pending task lists no committee, so remember them). */
    const suspended = new Set<string>()
    const waited = (step: string, ms: number) => {
      if (!since.has(step)) since.set(step, Date.now())
      return Date.now() - since.get(step)! >= ms
    }
    const due = (step: string, rank: number) => rank >= 0 && waited(step, rank * (this.#init.fallbackMs ?? 5_000))
    while (!this.#stop.signal.aborted && now() <= spec.deadline) {
      try {
        const v = await chain.view(spec.taskId)
        if (v.status === 'closed') return
        for (const a of v.suspended) suspended.add(a.toLowerCase())
        const rank = members.filter((a) => !suspended.has(a)).indexOf(me)
        if (v.status === 'open') {
          // Another committee runs it now: a later attempt, whose own members keep it.
          if (v.committee.length !== members.length || v.committee.some((a, i) => a.toLowerCase() !== members[i])) return
          const suspendedCulprit = v.suspended.find((a) => culprits.includes(a.toLowerCase()))
          // Every culprit suspended, or the others' votes given `settleMs` after the first suspension.
          const settled = suspendedCulprit !== undefined && (culprits.every((c) => suspended.has(c)) || waited('settle', this.#init.settleMs ?? 45_000))
          if (settled && due('rerun', rank)) {
            this.#log.warn('re-running the task without its suspended member', { taskId: spec.taskId, culprit: suspendedCulprit })
            await chain.rerun(spec.taskId, suspendedCulprit)
            this.#init.onEvent?.({ kind: 'rerun', taskId: spec.taskId, culprit: suspendedCulprit })
          }
        } else if (v.drawReady && due('draw', rank)) {
          await chain.draw(spec.taskId)
          this.#init.onEvent?.({ kind: 'drawn', taskId: spec.taskId })
        }
      } catch (error) {
        this.#log.warn('keeper step failed; will retry', { taskId: spec.taskId, err: error })
        this.#init.onEvent?.({ kind: 'error', taskId: spec.taskId, error })
      }
      await setTimeout(this.#init.pollMs ?? 1_000, undefined, { signal: this.#stop.signal }).catch(() => { /* stopped */ })
    }
  }
}
