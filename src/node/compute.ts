/**
 * What the task runner needs from the MPC engine: run one compiled circuit for this party over a
 * session transport, given this party's shares of every circuit input, and return the opened public
 * outputs and this party's shares of the outputs meant for a recipient. The engine layer
 * (src/engine/run-circuit.ts) provides it; `engine-adapter.ts` maps its API onto this shape, so the
 * runner (and its tests) do not depend on the engine's details.
 */
import type { Circuit } from '../circuit/index.ts'
import type { Field, FieldVector } from '../field/index.ts'
import type { Transport } from '../protocols/transport.ts'
import type { SecurityMode } from './task-source.ts'

export interface ComputeRequest {
  readonly circuit: Circuit
  readonly field: Field
  readonly transport: Transport
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  /**
   * This party's shares of each input slot as the client dealt them: the slot's wires in circuit
   * order, then one random pad element for the batch degree-t check (protocols `acceptDealt`).
   */
  readonly slots: readonly DealtSlot[]
  readonly signal: AbortSignal
  /** Receive deadline for each protocol message (ms). */
  readonly timeoutMs: number
  /** Stateful circuits: this party's shares of the current state version (state-handoff.ts). */
  readonly state?: FieldVector
}

export interface DealtSlot {
  readonly slot: string
  /** Circuit input the slot belongs to, and where its wires sit inside that input's wires. */
  readonly input: string
  readonly offset: number
  readonly length: number
  /** `length + 1` elements: the shares, then the pad. */
  readonly shares: FieldVector
}

export interface ComputeResult {
  /** Opened public outputs (`reveal`): field elements by output name. */
  readonly publicOutputs: ReadonlyMap<string, readonly bigint[]>
  /** This party's shares of `revealTo` outputs, by output name. */
  readonly privateShares: ReadonlyMap<string, FieldVector>
  /** Stateful circuits: this party's shares of the next state version (never opened). */
  readonly stateShares?: FieldVector
  /** Communication rounds used (for metrics), when the engine reports it. */
  readonly rounds?: number
}

export type ComputeFn = (request: ComputeRequest) => Promise<ComputeResult>
