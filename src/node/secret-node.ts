/**
 * A secret node, wired (issue #4): identity → LevelDB → libp2p host → MPC transport, circuit
 * provider → task source → task runner → client API. Start order is bottom-up and stop order the
 * reverse, so nothing runs on a closed store. After start, `<dataDir>/node-info.json` tells local
 * tools (tests, the devnet, `enigma node info`) the peer id, addresses and API port.
 */
import { writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { createHost, dialBootstrap, type NodeHost } from './host.ts'
import { MpcNetwork } from './mpc-network.ts'
import { CircuitProvider } from './circuits.ts'
import { NodeStore } from './store.ts'
import { TaskRunner, type TaskRunnerInit } from './task-runner.ts'
import { ReadyBarrier } from './ready-barrier.ts'
import type { TestHooks } from './test-hooks.ts'
import { EvidenceCollector, culpritOf, type AccusationSubmitter, type EvidenceEvent } from './evidence.ts'
import type { Hex } from './task-source.ts'
import { ApiServer } from './api.ts'
import { announcedApiUrl } from './api-address.ts'
import { FileTaskSource } from './task-source-file.ts'
import { loadOrCreateIdentity, publicIdentity, type NodeIdentity } from './identity.ts'
import { nodeMetrics, type NodeMetrics } from './metrics.ts'
import { createLogger, type Logger } from './log.ts'
import type { NodeConfig } from './config.ts'
import type { ComputeFn } from './compute.ts'
import type { TaskSource, TaskSpec } from './task-source.ts'
import type { TaskState } from './store.ts'
import type { RecordSource } from './record-source.ts'
import { CustodyStore } from './custody-store.ts'
import { CustodyService } from './custody.ts'
import type { StateSource } from './state-source.ts'
import { openStateKeeper, type StateKeeping } from './state-handoff.ts'
import { RecordHandoff } from './record-handoff.ts'
import { CustodyHandoffService } from './custody-handoff.ts'
import type { HandoffSource } from './custody-handoff-source.ts'
import { RerunKeeper, type RerunChain } from './rerun-keeper.ts'
import { membersToProbe, pingProbe, unreachablePeers } from './rerun-liveness.ts'

export const ANNOUNCE_TOPIC = '/enigma/tasks/1.0.0'

/** A source that never has tasks (a node waiting for the chain source to be wired in). */
const emptySource: TaskSource = {
  async start() {}, async stop() {}, subscribe: () => () => {}, async openTasks(): Promise<TaskSpec[]> { return [] },
}

export interface SecretNodeOptions {
  readonly compute?: ComputeFn
  readonly source?: TaskSource
  readonly log?: Logger
  /** Deadline of one circuit fetch attempt (ms, default 20 000); failed fetches are retried until the task's deadline. */
  readonly circuitFetchTimeoutMs?: number
  /** Test-only pause points: code only, never reachable from configuration (src/node/test-hooks.ts). */
  readonly testHooks?: TestHooks
  /** The chain's records (src/chain/record-source.ts): with it, the node keeps custody shares (custody.ts). */
  readonly records?: RecordSource
  /** How often custody reads deletions from the chain (ms, default 2 000). */
  readonly custodySweepMs?: number
  /** The chain's custody epochs (src/chain/custody-handoff-source.ts): with it and `records`, the node hands its records on at each epoch change. */
  readonly handoffs?: HandoffSource
  /**
   * Where accusation votes go once a majority signed them (the chain's `accuse`, wired by the chain
   * layer's caller): with it, the node turns what it detects into evidence (src/node/evidence.ts).
   */
  readonly accusations?: AccusationSubmitter
  readonly onEvidence?: (e: EvidenceEvent) => void
  /** The chain's contract state (src/chain/state-source.ts): with it, the node runs stateful tasks (state-handoff.ts). */
  readonly state?: StateSource
  /** How often the state keeper reads the chain (ms, default 1 000). */
  readonly statePollMs?: number
  /** The chain's re-run steps (issue #12): with it, the node keeps its failed tasks going (rerun-keeper.ts). */
  readonly rerunChain?: RerunChain
  /** Test-only fault on a re-run's input hand-off (src/node/faults.ts `handoffFault`). */
  readonly handoffWrap?: TaskRunnerInit['handoffWrap']
}

export class SecretNode {
  readonly config: NodeConfig
  readonly log: Logger
  readonly metrics: NodeMetrics
  #options: SecretNodeOptions
  identity!: NodeIdentity
  store!: NodeStore
  host!: NodeHost
  net!: MpcNetwork
  circuits!: CircuitProvider
  runner!: TaskRunner
  api!: ApiServer
  source!: TaskSource
  barrier!: ReadyBarrier
  custody: CustodyService | undefined
  recordHandoff: RecordHandoff | undefined
  epochHandoffs: CustodyHandoffService | undefined
  #custodyStore: CustodyStore | undefined
  #state: StateKeeping | undefined
  evidence: EvidenceCollector | undefined
  keeper: RerunKeeper | undefined
  #started = false
  /** Aborted by `stop()`: ends this node's background probes. */
  readonly #stopping = new AbortController()

  constructor(config: NodeConfig, options: SecretNodeOptions = {}) {
    this.config = config
    this.#options = options
    this.log = options.log ?? createLogger({ base: { service: 'enigma-node' } })
    this.metrics = nodeMetrics()
  }

  async start(): Promise<void> {
    const cfg = this.config
    const { identity, created } = await loadOrCreateIdentity(cfg.dataDir)
    this.identity = identity
    this.log.info(created ? 'identity created' : 'identity loaded', { peerId: identity.peerId, account: identity.account.address })
    this.store = new NodeStore(cfg.dataDir, { durable: cfg.durable })
    await this.store.open()
    this.host = await createHost({ privateKey: identity.libp2pKey, listen: cfg.listen, announce: cfg.announce, allowPrivateAddresses: cfg.allowPrivateAddresses })
    await this.host.start()
    this.net = new MpcNetwork(this.host, {
      defaultTimeoutMs: cfg.mpcTimeoutMs,
      // Frames for a task this node does not know yet (restarting, or the source is behind) must
      // outlive the ready barrier, or a peer's first round is lost while we catch up (issue #15).
      limbo: { ttlMs: Math.max(120_000, cfg.mpcStartTimeoutMs) },
      onEvent: (e) => {
        if (e.kind === 'refused') { this.metrics.refusedPeers.inc(); this.log.warn('peer refused', { peer: e.peer, session: e.session, reason: e.reason }) }
        else if (e.kind === 'dial-failed') this.log.debug('mpc dial failed', { peer: e.peer, error: e.error })
      },
    })
    await this.net.start()
    this.circuits = new CircuitProvider(this.host, this.store, { dirs: cfg.circuitDirs, log: this.log })
    await this.circuits.start()
    this.#registerGauges()
    if (cfg.bootstrap.length > 0) {
      const r = await dialBootstrap(this.host, cfg.bootstrap)
      this.log.info('bootstrap', { ok: r.ok.length, failed: r.failed })
    }
    this.host.services.pubsub.subscribe(ANNOUNCE_TOPIC)
    this.host.services.pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic !== ANNOUNCE_TOPIC || evt.detail.data.length > 4096) return
      try {
        const m = JSON.parse(new TextDecoder().decode(evt.detail.data)) as Record<string, unknown>
        this.log.debug('announcement', { taskId: m.taskId, state: m.state, from: m.peerId })
      } catch { /* not ours to crash on */ }
    })
    this.source = this.#options.source ?? (cfg.tasksFile ? new FileTaskSource({ path: cfg.tasksFile, log: this.log }) : emptySource)
    await this.source.start()
    if (this.#options.state) {
      this.#state = await openStateKeeper({ dataDir: cfg.dataDir, identity, net: this.net, source: this.#options.state, log: this.log, timeoutMs: cfg.mpcTimeoutMs, pollMs: this.#options.statePollMs })
    }
    this.barrier = new ReadyBarrier(this.host, { answer: (taskId, peer) => this.runner.readyAnswer(taskId, peer) })
    this.runner = new TaskRunner({
      identity, store: this.store, net: this.net, circuits: this.circuits, source: this.source, barrier: this.barrier,
      compute: this.#options.compute, log: this.log, metrics: this.metrics,
      mpcTimeoutMs: cfg.mpcTimeoutMs, computeTimeoutMs: cfg.computeTimeoutMs, startTimeoutMs: cfg.mpcStartTimeoutMs,
      retentionMs: cfg.taskRetentionMs, circuitFetchTimeoutMs: this.#options.circuitFetchTimeoutMs, testHooks: this.#options.testHooks, handoffWrap: this.#options.handoffWrap,
      ...(this.#state ? { state: this.#state.keeper } : {}),
      onTaskEnd: (taskId, state, reason) => {
        this.#announce(taskId, state, reason)
        void this.evidence?.taskEnded(taskId, state, reason)
        if (state === 'failed') void this.#witnessFailure(taskId, reason)
      },
    })
    if (this.#options.accusations) {
      const stored = async (id: Hex) => (await this.store.getTask(id)) ?? (await this.store.getTask(id.toLowerCase() as Hex))
      this.evidence = new EvidenceCollector({
        account: identity.account, submitter: this.#options.accusations, log: this.log, onEvent: this.#options.onEvidence,
        task: async (id) => (await stored(id))?.spec,
        signed: async (id) => (await this.store.getSigned(id)) ?? (await this.store.getSigned(id.toLowerCase() as Hex)),
      })
      this.evidence.attach(this.host.services.pubsub)
    }
    if (this.#options.rerunChain) {
      this.keeper = new RerunKeeper({ chain: this.#options.rerunChain, account: identity.account.address, now: () => this.runner.clock.now(), log: this.log })
    }
    await this.barrier.start()
    await this.runner.start()
    if (this.#options.records) {
      this.#custodyStore = new CustodyStore(cfg.dataDir, { durable: cfg.durable })
      await this.#custodyStore.open()
      this.custody = new CustodyService({ identity, source: this.#options.records, store: this.#custodyStore, log: this.log, sweepMs: this.#options.custodySweepMs })
      this.custody.start()
      // Records bound to task inputs reach the task's committee by re-sharing (record-handoff.ts).
      this.recordHandoff = new RecordHandoff({
        identity, records: this.#options.records, custody: this.custody, tasks: this.source, runner: this.runner, store: this.store,
        circuits: this.circuits, net: this.net, log: this.log, pollMs: Math.max(250, (this.#options.custodySweepMs ?? 2_000) / 2),
        timeoutMs: cfg.mpcTimeoutMs, wrapTransport: this.#options.handoffWrap,
      })
      this.recordHandoff.start()
      if (this.#options.handoffs) {
        const custody = this.custody
        this.epochHandoffs = new CustodyHandoffService({
          identity, net: this.net, store: this.#custodyStore, source: this.#options.handoffs, log: this.log, sweepMs: this.#options.custodySweepMs, open: (s) => custody.open(s),
        })
        this.epochHandoffs.start()
      }
    }
    this.api = new ApiServer({
      runner: this.runner, info: () => this.info(), metrics: this.metrics, log: this.log,
      host: cfg.apiHost, port: cfg.apiPort, maxBodyBytes: cfg.maxBodyBytes, ratePerSecond: cfg.ratePerSecond, burst: cfg.ratePerSecond * 2, corsOrigins: cfg.corsOrigins,
      custody: this.custody,
    })
    await this.api.start()
    this.#started = true
    await this.#writeInfo()
    this.log.info('node started', { peerId: identity.peerId, multiaddrs: this.multiaddrs(), apiPort: this.api.port })
  }

  multiaddrs(): string[] {
    return this.host.getMultiaddrs().map(String)
  }

  info(): Record<string, unknown> {
    return {
      ...publicIdentity(this.identity),
      multiaddrs: this.multiaddrs(),
      api: this.#started ? announcedApiUrl({ apiHost: this.config.apiHost, apiAnnounce: this.config.apiAnnounce, port: this.api.port, multiaddrs: this.multiaddrs() }) : undefined,
      apiPort: this.#started ? this.api.port : undefined,
    }
  }

  async #writeInfo(): Promise<void> {
    const path = join(this.config.dataDir, 'node-info.json')
    await writeFile(`${path}.tmp`, JSON.stringify(this.info(), null, 2) + '\n')
    await rename(`${path}.tmp`, path)
  }

  /**
   * An attempt failed here: because of committee member `culprit` (first-hand, evidence.ts `culpritOf`),
   * or as a messenger of another member's failure. Up to t members may have gone at once: probe the
   * others (rerun-liveness.ts `membersToProbe`), vote against every one found unreachable, and let the
   * keeper re-run the task once all of them are suspended.
   */
  async #witnessFailure(taskId: Hex, reason: string | undefined): Promise<void> {
    if (!this.evidence && !this.keeper) return
    try {
      const spec = (await this.store.getTask(taskId))?.spec
      if (!spec) return
      const self = spec.committee.findIndex((m) => m.peerId === this.identity.peerId)
      const targets = membersToProbe(spec.committee, this.identity.peerId, reason, culpritOf(reason, self))
      if (!targets) return
      const gone = new Set(await unreachablePeers(pingProbe(this.host), targets.probe.map((m) => m.peerId), { signal: this.#stopping.signal }))
      const also = targets.probe.filter((m) => gone.has(m.peerId)).map((m) => m.account)
      if (also.length > 0) this.log.warn('committee members unreachable after the failure', { taskId, members: also, named: targets.named?.account ?? null })
      for (const a of also) await this.evidence?.unreachable(taskId, a)
      const culprits = [...(targets.named ? [targets.named.account] : []), ...also]
      if (culprits.length > 0 && !this.#stopping.signal.aborted) this.keeper?.watch(spec, culprits)
    } catch (err) {
      this.log.warn('witnessing a failure failed', { taskId, err })
    }
  }

  #announce(taskId: string, state: TaskState, reason?: string): void {
    const msg = new TextEncoder().encode(JSON.stringify({ taskId, state, reason, peerId: this.identity.peerId }))
    this.host.services.pubsub.publish(ANNOUNCE_TOPIC, msg).catch(() => { /* no peers in the mesh yet */ })
  }

  #registerGauges(): void {
    this.metrics.peers(() => [[{}, this.host.getPeers().length]])
    this.metrics.mpcBytes(() => [[{ direction: 'sent' }, this.net.totals.bytesSent], [{ direction: 'received' }, this.net.totals.bytesReceived]])
    this.metrics.mpcFrames(() => [[{ direction: 'sent' }, this.net.totals.framesSent], [{ direction: 'received' }, this.net.totals.framesReceived]])
    // Counts kept by the store as tasks change state: a scrape never reads the task records.
    this.metrics.tasksByState(() => this.#started
      ? [...this.store.countsByState()].map(([state, v]) => [{ state }, v] as [Record<string, string>, number])
      : [])
  }

  async stop(): Promise<void> {
    const steps: [string, () => Promise<void>][] = [
      ['api', async () => { if (this.api) await this.api.stop() }],
      ['runner', async () => { if (this.runner) await this.runner.stop() }],
      ['custody', async () => { await this.recordHandoff?.stop(); await this.epochHandoffs?.stop(); await this.custody?.stop(); await this.#custodyStore?.close() }],
      ['state', async () => { await this.#state?.close() }],
      ['evidence', async () => { this.evidence?.stop(); this.keeper?.stop() }],
      ['barrier', async () => { if (this.barrier) await this.barrier.stop() }],
      ['source', async () => { if (this.source) await this.source.stop() }],
      ['circuits', async () => { if (this.circuits) await this.circuits.stop() }],
      ['mpc', async () => { if (this.net) await this.net.stop() }],
      ['host', async () => { if (this.host) await this.host.stop() }],
      ['store', async () => { if (this.store) await this.store.close() }],
    ]
    this.#started = false
    this.#stopping.abort()
    for (const [name, fn] of steps) {
      try { await fn() } catch (e) { this.log.warn('stop step failed', { step: name, err: e }) }
    }
  }
}
