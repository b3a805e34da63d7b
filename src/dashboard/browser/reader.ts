/**
 * Reads the network for the page: the controller's events and registry through viem (over the
 * server's read-only /rpc pass-through), and the nodes' public routes (/node/<i>/…). Each poll is
 * incremental: only blocks after the last one seen.
 */
import { createPublicClient, http, type Address, type Hex, type PublicClient } from 'viem'
import { getBlock, getBlockNumber, getContractEvents, getTransactionReceipt } from 'viem/actions'
import { enigmaControllerAbi } from '../../chain/generated/EnigmaController.ts'
import { enigmaRecordsAbi } from '../../chain/generated/EnigmaRecords.ts'
import { getNode } from '../../chain/actions/getNode.ts'
import { applyLog, type ControllerLog, type DashboardModel } from './model.ts'
import { parsePrometheus, sumOf } from './prom-text.ts'

export interface ReaderConfig {
  readonly controller: Address
  readonly chainId: number
  readonly nodeApis: number
  readonly fromBlock: string
  /** The records contract, when the network has one (its events fill the records table). */
  readonly records?: Address
}

/** A node route through the server: the response if the node answered 2xx, else undefined. */
async function nodeGet(path: string): Promise<Response | undefined> {
  const r = await fetch(path)
  const upstream = Number(r.headers.get('x-upstream-status') ?? r.status)
  return r.ok && upstream >= 200 && upstream < 300 ? r : undefined
}

/** Largest block range per eth_getLogs (public endpoints cap it). */
const LOG_RANGE = 5_000n

export class NetworkReader {
  readonly #client: PublicClient
  readonly #receipts = new Map<Hex, bigint>()
  /** Node API index → account (lower case), learnt from /node/<i>/v1/info. */
  readonly #apiAccounts = new Map<number, string>()

  constructor(readonly config: ReaderConfig, readonly model: DashboardModel) {
    this.#client = createPublicClient({ transport: http(new URL('/rpc', location.href).href, { retryCount: 0, timeout: 60_000 }) })
    model.latestBlock = BigInt(config.fromBlock) - 1n
  }

  /** One poll of the chain; true if anything new was seen. */
  async pollChain(): Promise<boolean> {
    const m = this.model
    const head = await getBlockNumber(this.#client, { cacheTime: 0 })
    if (head <= m.latestBlock) return this.#refreshNodes()
    for (let from = m.latestBlock + 1n; from <= head; from += LOG_RANGE) {
      const to = from + LOG_RANGE - 1n < head ? from + LOG_RANGE - 1n : head
      const logs = await getContractEvents(this.#client, { address: this.config.controller, abi: enigmaControllerAbi, fromBlock: from, toBlock: to })
      for (const l of logs) applyLog(m, l as unknown as ControllerLog)
      if (this.config.records) {
        const recordLogs = await getContractEvents(this.#client, { address: this.config.records, abi: enigmaRecordsAbi, fromBlock: from, toBlock: to })
        for (const l of recordLogs) applyLog(m, l as unknown as ControllerLog)
      }
    }
    m.latestBlock = head
    m.latestTime = await this.#blockTime(head)
    await Promise.all([...m.tasks.values()].map(async (t) => {
      await this.#blockTime(t.createdBlock)
      t.gasCreate ??= await this.#gas(t.createTx)
      if (t.completedBlock !== undefined) {
        await this.#blockTime(t.completedBlock)
        t.gasReceipt ??= await this.#gas(t.receiptTx!)
      }
    }))
    await this.#refreshNodes()
    return true
  }

  async #refreshNodes(): Promise<boolean> {
    const m = this.model
    const dirty = [...m.dirtyNodes]
    m.dirtyNodes.clear()
    await Promise.all(dirty.map(async (account) => {
      const r = await getNode(this.#client, { address: this.config.controller, node: account })
      const n = m.nodes.get(account.toLowerCase())
      if (!n) return
      n.peerId = r.peerId; n.stake = r.stake; n.active = r.active; n.slashed = r.slashed
      n.suspended = r.suspendedUntil > BigInt(Math.floor(m.latestTime || Date.now() / 1000))
    }))
    return dirty.length > 0
  }

  async #blockTime(b: bigint): Promise<number> {
    let t = this.model.blockTimes.get(b)
    if (t === undefined) {
      t = Number((await getBlock(this.#client, { blockNumber: b })).timestamp)
      this.model.blockTimes.set(b, t)
    }
    return t
  }

  async #gas(tx: Hex): Promise<bigint> {
    let g = this.#receipts.get(tx)
    if (g === undefined) this.#receipts.set(tx, (g = (await getTransactionReceipt(this.#client, { hash: tx })).gasUsed))
    return g
  }

  /** Metrics of every known node API (tasks served, last seen) and the committee's view of open tasks. */
  async pollNodes(): Promise<void> {
    const m = this.model
    await Promise.all(Array.from({ length: this.config.nodeApis }, async (_, i) => {
      try {
        if (!this.#apiAccounts.has(i)) {
          const info = await nodeGet(`/node/${i}/v1/info`).then((r) => r?.json()) as { account?: string } | undefined
          if (info?.account) this.#apiAccounts.set(i, info.account.toLowerCase())
        }
        const account = this.#apiAccounts.get(i)
        const n = account === undefined ? undefined : m.nodes.get(account)
        if (!n) return
        n.api = i
        const r = await nodeGet(`/node/${i}/metrics`)
        if (!r) return
        const samples = parsePrometheus(await r.text())
        n.tasksServed = sumOf(samples, 'enigma_node_tasks_total', { state: 'completed' })
        n.lastSeen = Date.now()
      } catch { /* unreachable now: last seen stays as it was */ }
    }))
    await Promise.all([...m.tasks.values()].filter((t) => t.chainStatus === 'open').map(async (t) => {
      const member = t.committee.map((a) => m.nodes.get(a.toLowerCase())).find((n) => n?.api !== undefined)
      if (!member) return
      const s = await nodeGet(`/node/${member.api}/v1/tasks/${t.taskId}`).then((r) => r?.json()).catch(() => undefined) as { state?: string } | undefined
      if (s?.state) t.nodeState = s.state
    }))
  }
}
