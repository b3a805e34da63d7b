/**
 * The local runner for a project's tests (`enigma-ts/testing`): run a secret contract with n parties
 * in this process (in-memory transport, the same engine the nodes use), or evaluate it in plaintext,
 * so a test can check the secure result against the contract's plaintext reference.
 */
import type { OutputJson } from '../circuit/values.ts'
import type { CostReport } from '../circuit/cost.ts'
import { runPlain } from '../circuit/evaluate-plain.ts'
import { compileContract, type Contract } from '../lang/index.ts'
import { runCircuitLocal } from '../engine/run-circuit-local.ts'

export type { OutputJson, CostReport }

export interface RunContractOptions {
  /** The contract's inputs, as in inputs.json: input name → value. */
  readonly inputs: unknown
  /** Values for the contract's declared params (e.g. `{ bidders: 5 }`). */
  readonly params?: Readonly<Record<string, string | number>>
  /** Committee size (default 3). */
  readonly nodes?: number
  /** Corruption threshold, t < nodes/2 (default ⌊(nodes − 1)/2⌋). */
  readonly threshold?: number
  /** Default 'semi-honest'; 'malicious' adds the MAC checks of SPDZ-style honest-majority MPC. */
  readonly security?: 'semi-honest' | 'malicious'
  /** 'memory' (default): every party in this process; 'tcp': one process per party over loopback. */
  readonly transport?: 'memory' | 'tcp'
  readonly timeoutMs?: number
}

export interface RunContractResult {
  /** Every public output, and the `revealTo` ones (the local runner addresses them to party 0). */
  readonly outputs: Record<string, OutputJson>
  readonly cost: CostReport
  readonly stats: { readonly wallMs: number; readonly bytesPerParty: number; readonly rounds: number }
}

/** Compiles the contract and runs it with n parties, each holding only shares of the inputs. */
export async function runContract(contract: Contract<any, any>, o: RunContractOptions): Promise<RunContractResult> {
  const nodes = o.nodes ?? 3
  const threshold = o.threshold ?? Math.floor((nodes - 1) / 2)
  const security = o.security ?? 'semi-honest'
  const { circuit, cost } = compileContract(contract, o.params ?? {}, { nodes, threshold, security })
  const r = await runCircuitLocal({
    circuit, inputs: o.inputs, nodes, threshold, security, transport: o.transport ?? 'memory',
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  })
  return { outputs: r.outputs, cost, stats: r.stats }
}

/** The compiled circuit evaluated in plaintext (no MPC), with every proven value range checked. */
export function runContractPlain(contract: Contract<any, any>, o: Pick<RunContractOptions, 'inputs' | 'params'>): Record<string, OutputJson> {
  return runPlain(compileContract(contract, o.params ?? {}).circuit, o.inputs, { checkRanges: true })
}
