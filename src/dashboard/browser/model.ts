/**
 * The dashboard's picture of the network, folded from the controller's decoded events (pure: tested
 * in Node without a browser). The reader adds what events do not carry: registry reads, block times,
 * gas from receipts, and the nodes' own metrics and task states.
 */
import type { Address, Hex } from 'viem'

export interface ControllerLog {
  readonly eventName: string
  readonly args: Readonly<Record<string, unknown>>
  readonly blockNumber: bigint
  readonly transactionHash: Hex
}

export interface NodeView {
  readonly account: Address
  peerId: string
  stake: bigint
  active: boolean
  slashed: boolean
  /** Suspended by a committee vote (no stake moves; out of selection until reviewed). */
  suspended: boolean
  /** From the node's metrics, when its API is known. */
  tasksServed?: number
  lastSeen?: number
  api?: number
}

export type TaskStatus = 'pending' | 'open' | 'computing' | 'completed' | 'settled' | 'refunded' | 'expired'

export interface TaskView {
  readonly taskId: Hex
  readonly codeHash: Hex
  readonly creator: Address
  readonly n: number
  readonly t: number
  readonly security: 'semi-honest' | 'malicious'
  readonly fee: bigint
  readonly deadline: number
  committee: readonly Address[]
  readonly slots: number
  readonly filled: Set<number>
  /** pending: created, committee not drawn yet (the controller draws it from a later block). */
  chainStatus: 'pending' | 'open' | 'completed' | 'settled' | 'refunded'
  /** What a committee member reports (e.g. 'computing'), while the task is open on chain. */
  nodeState?: string
  readonly createdBlock: bigint
  readonly createTx: Hex
  completedBlock?: bigint
  receiptTx?: Hex
  signers?: readonly Address[]
  gasCreate?: bigint
  gasReceipt?: bigint
  reruns: number
}

export interface SlashView {
  readonly node: Address
  readonly taskId: Hex
  readonly reason: Hex
  readonly amount: bigint
  /** The bounded reward paid to whoever submitted the evidence (the rest goes to the treasury). */
  readonly reward: bigint
  readonly block: bigint
  readonly tx: Hex
}

export interface OtherEvent {
  readonly eventName: string
  readonly args: Readonly<Record<string, unknown>>
  readonly block: bigint
  readonly tx: Hex
}

export interface DashboardModel {
  readonly nodes: Map<string, NodeView>
  readonly tasks: Map<Hex, TaskView>
  readonly slashes: SlashView[]
  /** Accusation-like events other than NodeSlashed (whatever the controller names them). */
  readonly accusations: OtherEvent[]
  /** Stored records, grants, revocations, uses and deletions (the records contract's events). */
  readonly records: OtherEvent[]
  readonly contracts: Map<Hex, { uri: string; multiplications: bigint; rounds: number }>
  readonly blockTimes: Map<bigint, number>
  /** Accounts whose registry entry should be re-read. */
  readonly dirtyNodes: Set<Address>
  latestBlock: bigint
  latestTime: number
}

export function emptyModel(): DashboardModel {
  return { nodes: new Map(), tasks: new Map(), slashes: [], accusations: [], records: [], contracts: new Map(), blockTimes: new Map(), dirtyNodes: new Set(), latestBlock: -1n, latestTime: 0 }
}

/** Events of the ABI that mean stored records/grants, re-runs or accusations (names may change). */
export const RECORD_EVENT = /record|grant|revok|storage/i
export const RERUN_EVENT = /re-?run|reassign|handover/i
export const ACCUSE_EVENT = /accus|equivoc|fault|complain|suspend/i

const key = (a: unknown) => String(a).toLowerCase()

function nodeOf(m: DashboardModel, account: Address): NodeView {
  let n = m.nodes.get(key(account))
  if (!n) m.nodes.set(key(account), (n = { account, peerId: '', stake: 0n, active: false, slashed: false, suspended: false }))
  m.dirtyNodes.add(account)
  return n
}

export function applyLog(m: DashboardModel, log: ControllerLog): void {
  const a = log.args
  switch (log.eventName) {
    case 'NodeRegistered': nodeOf(m, a.node as Address).peerId = String(a.peerId); return
    case 'Staked': nodeOf(m, a.node as Address).stake = a.totalStake as bigint; return
    case 'NodeActivated': nodeOf(m, a.node as Address).active = true; return
    case 'NodeDeactivated': nodeOf(m, a.node as Address).active = false; return
    case 'StakeWithdrawn': case 'NodeUpdated': nodeOf(m, a.node as Address); return
    case 'NodeSuspended': nodeOf(m, a.node as Address).suspended = true; break
    case 'NodeUnsuspended': nodeOf(m, a.node as Address).suspended = false; return
    case 'SecretContractRegistered':
      m.contracts.set(a.codeHash as Hex, { uri: String(a.uri), multiplications: a.multiplications as bigint, rounds: Number(a.rounds) })
      return
    case 'TaskCreated': {
      const slots = a.inputSlots as readonly unknown[]
      m.tasks.set(a.taskId as Hex, {
        taskId: a.taskId as Hex, codeHash: a.codeHash as Hex, creator: a.creator as Address, n: Number(a.n), t: Number(a.t),
        security: Number(a.securityMode) === 1 ? 'malicious' : 'semi-honest', fee: a.fee as bigint, deadline: Number(a.deadline),
        committee: Array.isArray(a.committee) ? a.committee as Address[] : [], slots: slots.length, filled: new Set(),
        chainStatus: Array.isArray(a.committee) ? 'open' : 'pending',
        createdBlock: log.blockNumber, createTx: log.transactionHash, reruns: 0,
      })
      return
    }
    case 'CommitteeDrawn': {
      const t = m.tasks.get(a.taskId as Hex)
      if (t) { t.committee = a.committee as Address[]; if (t.chainStatus === 'pending') t.chainStatus = 'open' }
      return
    }
    case 'TaskSettled': { const t = m.tasks.get(a.taskId as Hex); if (t) t.chainStatus = 'settled'; return }
    case 'InputCommitted': m.tasks.get(a.taskId as Hex)?.filled.add(Number(a.slot)); return
    case 'TaskCompleted': {
      const t = m.tasks.get(a.taskId as Hex)
      if (!t) return
      t.chainStatus = 'completed'
      t.completedBlock = log.blockNumber
      t.receiptTx = log.transactionHash
      t.signers = a.signers as Address[]
      return
    }
    case 'TaskRefunded': { const t = m.tasks.get(a.taskId as Hex); if (t) t.chainStatus = 'refunded'; return }
    case 'NodeSlashed': {
      nodeOf(m, a.node as Address).slashed = true
      m.slashes.push({ node: a.node as Address, taskId: a.taskId as Hex, reason: a.reason as Hex, amount: a.amount as bigint, reward: (a.reward ?? a.toAccusers ?? 0n) as bigint, block: log.blockNumber, tx: log.transactionHash })
      return
    }
  }
  const other: OtherEvent = { eventName: log.eventName, args: a, block: log.blockNumber, tx: log.transactionHash }
  if (RERUN_EVENT.test(log.eventName)) {
    const t = m.tasks.get(a.taskId as Hex)
    if (t) {
      t.reruns++
      // A re-run sends the task back to a fresh draw (docs/faults.md): pending until CommitteeDrawn.
      if (Array.isArray(a.committee)) t.committee = a.committee as Address[]
      else if (t.chainStatus === 'open') { t.chainStatus = 'pending'; t.committee = [] }
    }
  } else if (ACCUSE_EVENT.test(log.eventName)) m.accusations.push(other)
  else if (RECORD_EVENT.test(log.eventName)) m.records.push(other)
}

/** The status shown: the chain's, refined by time (expired) and by the committee's report. */
export function statusOf(t: TaskView, now: number): TaskStatus {
  if (t.chainStatus !== 'open' && t.chainStatus !== 'pending') return t.chainStatus
  if (now > t.deadline) return 'expired'
  if (t.chainStatus === 'pending') return 'pending'
  if (t.filled.size === t.slots || t.nodeState === 'computing') return 'computing'
  return 'open'
}

/** Latency points: creation block time → receipt block time, for completed tasks with both times. */
export function latencies(m: DashboardModel): { at: number; seconds: number }[] {
  const out: { at: number; seconds: number }[] = []
  for (const t of m.tasks.values()) {
    if (t.completedBlock === undefined) continue
    const a = m.blockTimes.get(t.createdBlock), b = m.blockTimes.get(t.completedBlock)
    if (a !== undefined && b !== undefined) out.push({ at: b, seconds: b - a })
  }
  return out
}
