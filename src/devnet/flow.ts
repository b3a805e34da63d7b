/**
 * One task end to end through the SDK, as real participants would run it: a creator makes the task
 * (fee escrowed, committee drawn), every slot owner fills its own slot from its own account, the
 * committee computes, a member posts the receipt. Timed in the parts the benchmark reports.
 */
import type { Hex } from 'viem'
import type { Compiled } from '../lang/index.ts'
import type { SecurityMode } from '../node/task-source.ts'
import { createEnigmaClient, createTask, submitInput, waitForResult, type EnigmaClient, type SubmitInputReturnType, type WaitForResultReturnType } from '../sdk/index.ts'
import { commitInputBatch } from '../sdk/actions/commitInputBatch.ts'
import { confirmInput } from '../sdk/actions/confirmInput.ts'
import type { DevnetState } from './state.ts'
import { nodeApis } from './devnet.ts'
import { rpcFetch } from '../chain/rpc-fetch.ts'

export interface FlowSlot {
  readonly slot: string
  readonly value: unknown
  /** Private key of the slot's owner (funded). */
  readonly owner: Hex
}

export interface FlowOptions {
  readonly state: Pick<DevnetState, 'rpcUrl' | 'controller' | 'chainId' | 'nodes' | 'threshold' | 'fromBlock'> & Partial<Pick<DevnetState, 'records' | 'stateContract' | 'inputs'>>
  readonly compiled: Compiled
  readonly creator: Hex
  readonly slots: readonly FlowSlot[]
  readonly security?: SecurityMode
  readonly n?: number
  readonly t?: number
  /** How many owners submit at once (default 16). */
  readonly concurrency?: number
  readonly deadlineSeconds?: number
  readonly timeoutMs?: number
  readonly onEvent?: (e: FlowEvent) => void
  /**
   * Batched inputs (state.inputs set): slot indices the aggregator leaves out of the root, as a
   * censoring committee would; their owners find their leaf missing and fill directly.
   */
  readonly excludeFromRoot?: readonly number[]
  readonly signal?: AbortSignal
}

export type FlowEvent =
  | { kind: 'created'; taskId: Hex; committee: readonly string[]; fee: bigint; gasUsed: bigint; transactionHash: Hex }
  | { kind: 'input'; slot: string; owner: Hex; commitment: Hex; transactionHash?: Hex; gasUsed: bigint; path: SubmitInputReturnType['path'] }
  | { kind: 'delivered'; ms: number }
  | { kind: 'input-root'; root: Hex; leaves: number; gasUsed: bigint }
  | { kind: 'computed'; ms: number }
  | { kind: 'receipt'; result: WaitForResultReturnType }

export interface FlowResult {
  readonly taskId: Hex
  readonly result: WaitForResultReturnType
  readonly timing: {
    readonly createMs: number; readonly inputChainMs: number; readonly inputDeliveryMs: number; readonly inputsWallMs: number
    /** Batched: wall time of the owners' part (seal, sign, hand to the nodes), and of the root step after it. */
    readonly ownersWallMs?: number; readonly rootMs?: number
    readonly computeMs: number; readonly receiptMs: number; readonly resultMs: number; readonly totalMs: number
  }
  /** inputs: what the owners paid (direct fills); inputRoot: the one root transaction of a batched task. */
  readonly gas: { readonly createTask: bigint; readonly inputs: bigint; readonly inputRoot: bigint; readonly receipt: bigint; readonly total: bigint }
  readonly commitments: readonly { readonly slot: string; readonly owner: Hex; readonly commitment: Hex; readonly path: SubmitInputReturnType['path'] }[]
}

export function clientFor(state: FlowOptions['state'], account: Hex | undefined): EnigmaClient {
  // Event scans start at the controller's deployment block, not block 0 (a real chain has millions).
  return createEnigmaClient({
    rpcUrl: state.rpcUrl, controller: state.controller, records: state.records, stateContract: state.stateContract, inputs: state.inputs, chainId: state.chainId, account, nodeApis: nodeApis(state), pollingIntervalMs: 100,
    fromBlock: state.fromBlock !== undefined ? BigInt(state.fromBlock) : undefined,
    // Its waits poll every 100 ms: kept-alive sockets, half the CPU of the global fetch per call.
    fetchFn: rpcFetch(),
  })
}

export async function runTaskFlow(o: FlowOptions): Promise<FlowResult> {
  const t0 = Date.now()
  const creator = clientFor(o.state, o.creator)
  const owners = o.slots.map((s) => clientFor(o.state, s.owner))
  const n = o.n ?? Math.min(5, o.state.nodes.length)
  const t = o.t ?? Math.min(o.state.threshold, Math.floor((n - 1) / 2))
  const task = await createTask(creator, {
    codeHash: o.compiled.codeHash, params: o.compiled.circuit.params, n, t, security: o.security ?? 'malicious',
    inputSlots: o.slots.map((s, i) => ({ name: s.slot, owner: owners[i]!.account!.address })), deadlineSeconds: o.deadlineSeconds,
    cost: { multiplications: o.compiled.cost.totalMultiplications, rounds: o.compiled.cost.rounds },
  })
  const createMs = Date.now() - t0
  o.onEvent?.({ kind: 'created', taskId: task.taskId, committee: task.committee.map((m) => m.account), fee: task.fee, gasUsed: task.gasUsed, transactionHash: task.transactionHash })

  const t1 = Date.now()
  let inputChainMs = 0, inputDeliveryMs = 0, inputGas = 0n
  const commitments: FlowResult['commitments'][number][] = []
  let next = 0
  const worker = async () => {
    while (next < o.slots.length) {
      const i = next++
      const s = o.slots[i]!
      // Batched: deliver only; the root is aggregated once below and every owner then checks her leaf.
      const r = await submitInput(owners[i]!, { taskId: task.taskId, slot: s.slot, value: s.value, circuit: o.compiled.circuit, signal: o.signal, ...(batched ? { waitForRoot: false } : {}) })
      inputChainMs += r.chainMs
      inputDeliveryMs += r.deliveryMs
      inputGas += r.gasUsed
      commitments.push({ slot: s.slot, owner: owners[i]!.account!.address, commitment: r.commitment, path: r.path })
      if (!batched) o.onEvent?.({ kind: 'input', slot: s.slot, owner: owners[i]!.account!.address, commitment: r.commitment, transactionHash: r.transactionHash, gasUsed: r.gasUsed, path: r.path })
    }
  }
  const batched = o.state.inputs !== undefined
  let rootGas = 0n
  let ownerChecks: Promise<void> = Promise.resolve()
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 16, o.slots.length) }, worker))
  const ownersWallMs = Date.now() - t1
  o.onEvent?.({ kind: 'delivered', ms: ownersWallMs })
  if (batched) {
    const root = await commitInputBatch(creator, { taskId: task.taskId, exclude: o.excludeFromRoot, signal: o.signal })
    rootGas = root.gasUsed
    o.onEvent?.({ kind: 'input-root', root: root.root, leaves: root.leaves.length, gasUsed: root.gasUsed })
    // Every owner checks her leaf on her own (and fills directly if left out); that runs beside the
    // computation, not before it: the nodes compute once the chain covers every slot, through the root
    // or an escape fill. Awaited before returning; its time is `inputChainMs`.
    const tc = Date.now()
    // As many at once as submitted at once: this one process plays every owner (real owners check from their own machines).
    let nextCheck = 0
    const checker = async () => {
      while (nextCheck < commitments.length) {
        const k = nextCheck++
        const c = commitments[k]!
        const i = o.slots.findIndex((s) => s.slot === c.slot)
        const r = await confirmInput(owners[i]!, { taskId: task.taskId, slot: c.slot, commitment: c.commitment, aggregate: false, signal: o.signal })
        inputGas += r.gasUsed
        commitments[k] = { ...c, path: r.path }
        o.onEvent?.({ kind: 'input', slot: c.slot, owner: c.owner, commitment: c.commitment, transactionHash: r.transactionHash, gasUsed: r.gasUsed, path: r.path })
      }
    }
    ownerChecks = Promise.all(Array.from({ length: Math.min(o.concurrency ?? 16, commitments.length) }, checker)).then(() => { inputChainMs += Date.now() - tc })
    ownerChecks.catch(() => {}) // handled where it is awaited, after the result; not an unhandled rejection meanwhile
  }
  const inputsWallMs = Date.now() - t1
  const rootMs = batched ? inputsWallMs - ownersWallMs : 0

  // Computation ends when a member reports the result; the receipt when it is on chain.
  const t2 = Date.now()
  const first = task.committee[0]!
  const api = creator.nodeApi(first)
  const until = Date.now() + (o.timeoutMs ?? 300_000)
  for (;;) {
    o.signal?.throwIfAborted()
    const s = await fetch(`${api}/v1/tasks/${task.taskId}`).then((r) => r.json() as Promise<{ state?: string }>).catch(() => ({ state: undefined }))
    if (s.state === 'completed' || s.state === 'failed' || s.state === 'cancelled' || Date.now() > until) break
    await new Promise((r) => setTimeout(r, 50))
  }
  const computeMs = Date.now() - t2
  o.onEvent?.({ kind: 'computed', ms: computeMs })
  const t3 = Date.now()
  const result = await waitForResult(creator, { taskId: task.taskId, circuit: o.compiled.circuit, timeoutMs: o.timeoutMs, signal: o.signal })
  const receiptMs = Date.now() - t3
  const resultMs = Date.now() - t0
  await ownerChecks
  o.onEvent?.({ kind: 'receipt', result })
  commitments.sort((a, b) => o.slots.findIndex((s) => s.slot === a.slot) - o.slots.findIndex((s) => s.slot === b.slot))
  return {
    taskId: task.taskId, result, commitments,
    timing: { createMs, inputChainMs, inputDeliveryMs, inputsWallMs, ownersWallMs, rootMs, computeMs, receiptMs, resultMs, totalMs: Date.now() - t0 },
    gas: { createTask: task.gasUsed, inputs: inputGas, inputRoot: rootGas, receipt: result.receipt.gasUsed, total: task.gasUsed + inputGas + rootGas + result.receipt.gasUsed },
  }
}
