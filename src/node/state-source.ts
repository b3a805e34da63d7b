/**
 * What a secret node needs to know from the chain about contract state (docs/state.md "State"), as an
 * interface: the node layer never imports the chain layer (DESIGN.md §5); src/chain/state-source.ts
 * implements it over contracts/EnigmaState.sol and src/devnet/chain-node.ts wires it in.
 */
import type { CommitteeMember, Hex, SecurityMode } from './task-source.ts'

/** The committee that holds one version of a state: shares in its order, degree `t`. */
export interface StateHolders {
  /** The task whose receipt wrote the version (its committee are the holders). */
  readonly taskId: Hex
  readonly t: number
  readonly members: readonly CommitteeMember[]
}

/** A task bound to a state on chain: it computes on `version`, held by `holders` (none for version 0). */
export interface TaskStateBinding {
  readonly stateId: Hex
  readonly version: bigint
  /** keccak of the state's declared type and field (state-type.ts): the circuit must declare exactly it. */
  readonly typeHash: Hex
  readonly holders: StateHolders | undefined
}

/** A state as the chain holds it now. */
export interface ChainStateInfo {
  readonly stateId: Hex
  readonly version: bigint
  /** The task that wrote `version` (undefined for version 0). */
  readonly versionTask: Hex | undefined
  /** The task bound to `version` right now, with its committee once drawn. */
  readonly bound: { readonly taskId: Hex; readonly committee: readonly CommitteeMember[] | undefined; readonly t: number; readonly security: SecurityMode } | undefined
}

export interface StateSource {
  /** The state a task is bound to (undefined: not bound, or not yet). */
  bindingOf(taskId: Hex): Promise<TaskStateBinding | undefined>
  /** The state now (undefined: no such state). */
  stateOf(stateId: Hex): Promise<ChainStateInfo | undefined>
}
