/**
 * The chain's implementation of the node layer's `TaskSource` (src/node/task-source.ts): polls the
 * controller's events with viem and turns them into TaskSpecs and TaskEvents, and aggregates
 * committee attestations into a receipt.
 *
 * Aggregation and gas: every member's source collects attestations (the node layer passes each one
 * it receives to `publishAttestation`). Once t+1 distinct members attested the same (outputHash,
 * publicOutputs), the designated aggregator — committee member `uint(taskId) mod n` — submits the
 * receipt at once and pays its gas; any other member with a `submitter` account submits only if the
 * task is still open `fallbackDelayMs` later (the aggregator may be the one that is down). The
 * controller gives the fee's indivisible remainder to the submitter; gas is not otherwise refunded.
 */
import { hexToBigInt, keccak256, type Address, type Hex, type Log } from 'viem'
import { getBlock, getChainId, getContractEvents } from 'viem/actions'
import { DEFAULT_SKEW_SECONDS, type Attestation, type CommitteeMember, type ReceiptDomain, type SourceClock, type SourceTaskStatus, type TaskEvent, type TaskSource, type TaskSpec } from '../node/task-source.ts'
import { verifyAttestation } from '../node/attestation.ts'
import { EnigmaError } from '../common/errors.ts'
import { enigmaControllerAbi } from './generated/EnigmaController.ts'
import { enigmaInputsAbi } from './generated/EnigmaInputs.ts'
import { readInputs } from './internal/inputs.ts'
import { ChainDataError, ControllerRevertError } from './errors.ts'
import { decodeTaskParams } from './params.ts'
import { slotRoot } from './merkle.ts'
import { readController } from './internal/read.ts'
import { headBlockNumber } from './internal/head.ts'
import { getCommitteeMembers } from './actions/getCommitteeMembers.ts'
import { excludedAtDraw } from './rerun-excluded.ts'
import { getTask } from './actions/getTask.ts'
import { submitReceipt } from './actions/submitReceipt.ts'
import type { ControllerReadClient, ControllerWalletClient } from './internal/write.ts'

export class InvalidAttestationError extends EnigmaError {
  override name = 'InvalidAttestationError'
  constructor(what: string) {
    super('CHAIN_INVALID_ATTESTATION', `publishAttestation: ${what}`)
  }
}

export interface ChainTaskSourceOptions {
  /** Reads events and state. */
  readonly client: ControllerReadClient
  readonly address: Address
  /** First block to scan (default: the controller's `deploymentBlock`, so a late node learns of open tasks). */
  readonly fromBlock?: bigint
  /** Largest block range of one `eth_getLogs` request (default 2 000: within public RPC limits). */
  readonly maxBlockRange?: bigint
  readonly pollingIntervalMs?: number
  /** This node's account; without it the source only collects attestations and never submits. */
  readonly submitter?: ControllerWalletClient
  /** How long a non-designated member waits before submitting in the aggregator's place. */
  readonly fallbackDelayMs?: number
  /** Called with errors of the polling loop and with malformed tasks (default: ignored; the next poll retries). */
  readonly onError?: (error: unknown) => void
  /**
   * How far the node's view of chain time may be off, in seconds: at least the block interval plus the
   * polling interval (issue #15, defect 7). Default: max(DEFAULT_SKEW_SECONDS, 2 × polling interval).
   */
  readonly skewSeconds?: number
  /** The inputs contract (contracts/EnigmaInputs.sol): with it tasks carry `inputBatch` and roots arrive as 'input-root'. */
  readonly inputs?: Address
  /**
   * How old a block number the polling loop may take from viem's per-client cache (ms, default 0: always
   * asked). The sources of one node share their client, so with this set they share one `eth_blockNumber`
   * per interval instead of one each per poll (see `headBlockNumber`). An explicit `poll()` always asks.
   */
  readonly headCacheMs?: number
}

/** A created task whose committee is not drawn yet (TaskSpec needs the committee). */
interface PendingTask {
  readonly spec: Omit<TaskSpec, 'committee'>
}

interface TaskState {
  spec: TaskSpec
  open: boolean
  /** result key (outputHash + publicOutputs) → signer (lower-case) → attestation */
  votes: Map<string, Map<string, Attestation>>
  submitting: boolean
  fallbackTimer?: ReturnType<typeof setTimeout>
}

export class ChainTaskSource implements TaskSource {
  readonly #options: ChainTaskSourceOptions
  readonly #handlers = new Set<(event: TaskEvent) => void>()
  readonly #tasks = new Map<Hex, TaskState>()
  readonly #pending = new Map<Hex, PendingTask>()
  /** Tasks whose events could not be turned into a TaskSpec: ignored for good, never retried. */
  readonly #invalid = new Set<Hex>()
  #domain: ReceiptDomain | undefined
  /** The inputs contract's escape window (seconds), read once at start when there is one. */
  #escapeWindow: number | undefined
  /** Last block whose logs were handled; undefined until the start block is known. */
  #cursor: bigint | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #polling: Promise<void> | undefined
  #running = false

  /** The newest block's timestamp seen by a poll, and the local time of that poll (ms). */
  #chainTime: { seconds: number; atMs: number } | undefined
  /** The newest block a poll read, so a poll that finds the head where it was does not read it again. */
  #head: { number: bigint; timestamp: bigint } | undefined

  /**
   * Chain time for deadlines (issue #15, defect 7): the last polled block's timestamp plus the local
   * time elapsed since that poll; the local clock until the first poll.
   */
  readonly clock: SourceClock

  constructor(options: ChainTaskSourceOptions) {
    this.clock = {
      now: () => (this.#chainTime ? this.#chainTime.seconds + (Date.now() - this.#chainTime.atMs) / 1000 : Date.now() / 1000),
      skewSeconds: options.skewSeconds ?? Math.max(DEFAULT_SKEW_SECONDS, (2 * (options.pollingIntervalMs ?? 500)) / 1000),
    }
    this.#options = options
    if (options.fromBlock !== undefined) this.#cursor = options.fromBlock - 1n
  }

  /** Task ids seen but refused as malformed (params that do not decode, slot list ≠ root, …). */
  get invalidTasks(): readonly Hex[] {
    return [...this.#invalid]
  }

  get domain(): ReceiptDomain | undefined {
    return this.#domain
  }

  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#running) return
    this.#domain = { chainId: await getChainId(this.#options.client), verifyingContract: this.#options.address }
    this.#running = true
    options.signal?.addEventListener('abort', () => void this.stop(), { once: true })
    await this.poll()
    this.#schedule()
  }

  async stop(): Promise<void> {
    this.#running = false
    if (this.#timer) clearTimeout(this.#timer)
    for (const t of this.#tasks.values()) if (t.fallbackTimer) clearTimeout(t.fallbackTimer)
    await this.#polling?.catch(() => undefined)
  }

  subscribe(handler: (event: TaskEvent) => void): () => void {
    this.#handlers.add(handler)
    return () => this.#handlers.delete(handler)
  }

  async openTasks(): Promise<TaskSpec[]> {
    await this.poll()
    return [...this.#tasks.values()].filter((t) => t.open).map((t) => t.spec)
  }

  /** Reads new controller events up to the latest block (also run by the polling loop). Serialized. */
  poll(): Promise<void> {
    return this.#serialized(0)
  }

  #serialized(headCacheMs: number): Promise<void> {
    const run = (this.#polling ?? Promise.resolve()).catch(() => undefined).then(() => this.#pollOnce(headCacheMs))
    this.#polling = run
    return run
  }

  #schedule(): void {
    if (!this.#running) return
    this.#timer = setTimeout(() => {
      this.#serialized(this.#options.headCacheMs ?? 0).catch((e) => this.#options.onError?.(e)).finally(() => this.#schedule())
    }, this.#options.pollingIntervalMs ?? 500)
  }

  /**
   * A task's status read straight from the controller, independent of the event cursor: asked once per
   * stored task when a node starts, so it neither keeps waiting on nor re-publishes a closed task.
   */
  async taskStatus(taskId: Hex): Promise<SourceTaskStatus> {
    const t = await getTask(this.#options.client, { address: this.#options.address, taskId })
    if (t.status === 'none') return 'unknown'
    if (t.status === 'pending' || t.status === 'open') return Number(t.deadline) >= this.clock.now() - this.clock.skewSeconds ? 'open' : 'closed'
    return 'closed'
  }

  async #pollOnce(headCacheMs: number): Promise<void> {
    const { client, address } = this.#options
    this.#domain ??= { chainId: await getChainId(client), verifyingContract: address }
    const inputs = this.#options.inputs
    if (inputs) this.#escapeWindow ??= Number(await readInputs<bigint>('ChainTaskSource', client, inputs, 'escapeWindow', []))
    let cursor: bigint = this.#cursor ?? (await readController<bigint>('ChainTaskSource', client, { address }, 'deploymentBlock', [])) - 1n
    this.#cursor = cursor
    const latest = await headBlockNumber(client, headCacheMs)
    const range = this.#options.maxBlockRange ?? 2_000n
    // Bounded ranges; the cursor moves past a range once its logs are handled, whatever they held.
    while (latest > cursor) {
      const from: bigint = cursor + 1n
      const to: bigint = from + range - 1n < latest ? from + range - 1n : latest
      const logs = await getContractEvents(client, { address, abi: enigmaControllerAbi, fromBlock: from, toBlock: to })
      // Input roots interleave with the controller's direct fills: one stream in chain order (the
      // earlier of a root and a direct fill wins a slot, docs/controller.md "Input batches").
      if (inputs) {
        logs.push(...(await getContractEvents(client, { address: inputs, abi: enigmaInputsAbi, eventName: 'InputRootCommitted', fromBlock: from, toBlock: to })) as unknown as typeof logs)
        logs.sort((a, b) => Number((a.blockNumber ?? 0n) - (b.blockNumber ?? 0n)) || (a.logIndex ?? 0) - (b.logIndex ?? 0))
      }
      for (const log of logs) await this.#onLogSafely(log as unknown as DecodedLog)
      this.#cursor = cursor = to
    }
    // Between blocks (a devnet mines one a second, the loop polls every 250 ms) the head is the block the
    // last poll read: its timestamp is known, so an idle poll costs one shared eth_blockNumber, no more.
    if (this.#head === undefined || latest > this.#head.number) this.#head = { number: latest, timestamp: (await getBlock(client, { blockNumber: latest })).timestamp }
    // Open tasks whose deadline passed can no longer complete: tell the node now, not at refund time.
    const now = this.#head.timestamp
    this.#chainTime = { seconds: Number(now), atMs: Date.now() }
    for (const t of this.#tasks.values()) {
      if (t.open && BigInt(t.spec.deadline) < now) this.#close(t, { kind: 'cancelled', taskId: t.spec.taskId, reason: 'deadline passed' })
    }
    for (const [id, p] of this.#pending) if (BigInt(p.spec.deadline) < now) this.#pending.delete(id)
  }

  /**
   * One log at a time: a malformed task (e.g. params that do not decode) is marked invalid and
   * reported, and never stops the watcher; a transient RPC failure is rethrown so the range is retried.
   */
  async #onLogSafely(log: DecodedLog): Promise<void> {
    const taskId = (log.args as { taskId?: Hex }).taskId
    if (taskId && this.#invalid.has(taskId)) return
    try {
      await this.#onLog(log)
    } catch (e) {
      if (!(e instanceof ChainDataError) || !taskId) throw e
      this.#invalid.add(taskId)
      this.#pending.delete(taskId)
      this.#options.onError?.(e)
    }
  }

  async #onLog(log: DecodedLog): Promise<void> {
    switch (log.eventName) {
      case 'TaskCreated': {
        const a = log.args as TaskCreatedArgs
        if (keccak256(a.params) !== a.paramsHash) throw new ChainDataError('ChainTaskSource', `params of task ${a.taskId} do not match its paramsHash`)
        if (slotRoot(a.inputSlots.map((s) => s.owner)) !== a.slotRoot) throw new ChainDataError('ChainTaskSource', `slot owners of task ${a.taskId} do not match its slotRoot`)
        this.#pending.set(a.taskId, {
          spec: {
            taskId: a.taskId, codeHash: a.codeHash, params: decodeTaskParams(a.params), paramsHash: a.paramsHash,
            n: a.n, t: a.t, security: a.securityMode === 1 ? 'malicious' : 'semi-honest',
            inputSlots: a.inputSlots.map((s) => ({ name: s.name, owner: s.owner })), deadline: Number(a.deadline), domain: this.#domain,
            declaredCost: { multiplications: Number(a.multiplications), rounds: a.rounds },
            ...recipientsOf(a),
            ...(this.#options.inputs && this.#escapeWindow !== undefined
              ? { inputBatch: { domain: { chainId: this.#domain!.chainId, verifyingContract: this.#options.inputs }, cutoff: Math.max(0, Number(a.deadline) - this.#escapeWindow) } }
              : {}),
          },
        })
        break
      }
      case 'CommitteeDrawn': {
        const a = log.args as { taskId: Hex; committee: readonly Address[] }
        const pending = this.#pending.get(a.taskId)
        if (!pending) break
        this.#pending.delete(a.taskId)
        const committee: CommitteeMember[] = await getCommitteeMembers(this.#options.client, {
          address: this.#options.address, committee: a.committee, blockNumber: log.blockNumber ?? undefined,
        })
        const rerun = pending.spec.rerun
        // A re-run's hand-off leaves out every old member suspended at this draw (rerun-excluded.ts).
        const excluded = rerun && log.blockNumber != null
          ? await excludedAtDraw(this.#options.client, this.#options.address, rerun.previousCommittee.map((m) => m.account), log.blockNumber)
          : undefined
        const spec: TaskSpec = { ...pending.spec, committee, ...(rerun && excluded ? { rerun: { ...rerun, excluded } } : {}) }
        this.#tasks.set(a.taskId, { spec, open: true, votes: new Map(), submitting: false })
        this.#emit({ kind: 'created', task: spec })
        break
      }
      case 'TaskRerun': {
        // Re-run instead of refund (issue #12): the task goes back to a draw; its next CommitteeDrawn is
        // the next attempt, whose members receive the inputs from this committee's survivors.
        const a = log.args as { taskId: Hex; culprit: Address; reruns: number }
        const t = this.#tasks.get(a.taskId)
        if (!t) break
        if (t.fallbackTimer) clearTimeout(t.fallbackTimer)
        this.#tasks.delete(a.taskId)
        const { committee, ...rest } = t.spec
        this.#pending.set(a.taskId, { spec: { ...rest, attempt: Number(a.reruns), rerun: { previousCommittee: committee, culprit: a.culprit } } })
        break
      }
      case 'InputCommitted': {
        const a = log.args as { taskId: Hex; slot: bigint; commitment: Hex }
        const t = this.#tasks.get(a.taskId)
        if (!t) break
        const slots = t.spec.inputSlots.map((s, i) => (BigInt(i) === a.slot ? { ...s, commitment: a.commitment } : s))
        t.spec = { ...t.spec, inputSlots: slots }
        this.#emit({ kind: 'input', taskId: a.taskId, slot: slots[Number(a.slot)]!.name, commitment: a.commitment })
        break
      }
      case 'InputRootCommitted': {
        const a = log.args as { taskId: Hex; root: Hex; count: number }
        if (this.#tasks.get(a.taskId)) this.#emit({ kind: 'input-root', taskId: a.taskId, root: a.root, count: Number(a.count) })
        break
      }
      case 'TaskCompleted': {
        const t = this.#tasks.get((log.args as { taskId: Hex }).taskId)
        if (t) this.#close(t, { kind: 'completed', taskId: t.spec.taskId })
        break
      }
      case 'TaskRefunded': {
        const t = this.#tasks.get((log.args as { taskId: Hex }).taskId)
        if (t) this.#close(t, { kind: 'cancelled', taskId: t.spec.taskId, reason: 'refunded' })
        break
      }
    }
  }

  /**
   * Emits a task's closing event once. A poll handles its logs before its deadline check, and the
   * controller refuses receipts after the deadline, so a 'completed' never follows a 'cancelled'.
   */
  #close(t: TaskState, event: TaskEvent): void {
    if (!t.open) return
    t.open = false
    if (t.fallbackTimer) clearTimeout(t.fallbackTimer)
    this.#emit(event)
  }

  #emit(event: TaskEvent): void {
    for (const h of this.#handlers) {
      try {
        h(event)
      } catch (e) {
        this.#options.onError?.(e)
      }
    }
  }

  async publishAttestation(attestation: Attestation): Promise<void> {
    let t = this.#tasks.get(attestation.taskId)
    if (!t) {
      await this.poll()
      t = this.#tasks.get(attestation.taskId)
    }
    if (!t) throw new InvalidAttestationError(`unknown task ${attestation.taskId}`)
    const member = t.spec.committee.find((m) => m.account.toLowerCase() === attestation.signer.toLowerCase())
    if (!member) throw new InvalidAttestationError(`${attestation.signer} is not on the committee of ${attestation.taskId}`)
    if (!(await verifyAttestation(this.#domain!, attestation))) throw new InvalidAttestationError(`bad signature by ${attestation.signer}`)
    const key = `${attestation.outputHash}:${attestation.publicOutputs}`
    let votes = t.votes.get(key)
    if (!votes) t.votes.set(key, (votes = new Map()))
    votes.set(attestation.signer.toLowerCase(), attestation)
    if (t.open && votes.size >= t.spec.t + 1) await this.#maybeSubmit(t, [...votes.values()])
  }

  async #maybeSubmit(t: TaskState, attestations: Attestation[]): Promise<void> {
    const submitter = this.#options.submitter
    if (!submitter || t.submitting) return
    const me = t.spec.committee.findIndex((m) => m.account.toLowerCase() === submitter.account.address.toLowerCase())
    if (me < 0) return
    const designated = Number(hexToBigInt(t.spec.taskId) % BigInt(t.spec.n))
    if (me === designated) return this.#submit(t, attestations)
    t.fallbackTimer ??= setTimeout(() => {
      const current = [...(t.votes.get(`${attestations[0]!.outputHash}:${attestations[0]!.publicOutputs}`)?.values() ?? attestations)]
      getTask(this.#options.client, { address: this.#options.address, taskId: t.spec.taskId })
        .then((onChain) => (onChain.status === 'open' ? this.#submit(t, current) : undefined))
        .catch((e) => this.#options.onError?.(e))
    }, this.#options.fallbackDelayMs ?? 10_000)
  }

  async #submit(t: TaskState, attestations: Attestation[]): Promise<void> {
    if (t.submitting) return
    t.submitting = true
    const first = attestations[0]!
    try {
      await submitReceipt(this.#options.submitter!, {
        address: this.#options.address, taskId: t.spec.taskId, outputHash: first.outputHash, publicOutputs: first.publicOutputs,
        signatures: attestations.map((a) => a.signature),
      })
    } catch (e) {
      // Someone else's receipt landed first: the task is done, which is all we wanted.
      if (e instanceof ControllerRevertError && e.errorName === 'TaskNotOpen') return
      t.submitting = false
      throw e
    }
  }
}

/**
 * The event's recipients as the node layer's `recipients` map (absent when there are none). Two keys
 * for one name would leave the members free to pick different ones: such a task is refused.
 */
function recipientsOf(a: TaskCreatedArgs): { recipients?: Record<string, Hex> } {
  if (a.recipients.length === 0) return {}
  const names = new Set(a.recipients.map((r) => r.name))
  if (names.size !== a.recipients.length || names.has('')) throw new ChainDataError('ChainTaskSource', `task ${a.taskId} names a recipient twice or with an empty name`)
  return { recipients: Object.fromEntries(a.recipients.map((r) => [r.name, r.key.toLowerCase() as Hex])) }
}

type DecodedLog = Log & { eventName: string; args: unknown }
interface TaskCreatedArgs {
  taskId: Hex; codeHash: Hex; creator: Address; paramsHash: Hex; params: Hex; n: number; t: number; securityMode: number
  deadline: bigint; fee: bigint; multiplications: bigint; rounds: number; slotRoot: Hex; inputSlots: readonly { name: string; owner: Address }[]
  recipients: readonly { name: string; key: Hex }[]
}
