/**
 * Run every party of a circuit on this machine (what `enigma run` does): in one process over the
 * in-memory transport, or in n processes over TCP (`launchParties`). Returns the outputs party 0
 * learned (all public outputs, and the `revealTo` ones, which the local runner addresses to party 0)
 * and measured stats.
 */
import type { Circuit } from '../circuit/types.ts'
import { encodeCircuit } from '../circuit/encode.ts'
import { encodeInputs, type OutputJson } from '../circuit/values.ts'
import { getField } from '../field/index.ts'
import { createSession, type SecurityMode } from '../protocols/index.ts'
import { createMemoryNetwork } from './transport-memory.ts'
import { emulateLinks, type LinkProfile } from './link-emulation.ts'
import { siblingModule } from '../common/module-file.ts'
import { launchParties } from './launch-parties.ts'
import { runCircuit } from './run-circuit.ts'
import type { CircuitPartyArgs, CircuitPartyResult } from './run-circuit-party.ts'

export interface LocalRunOptions {
  readonly circuit: Circuit
  /** inputs.json values (checked against the declared inputs here). */
  readonly inputs: unknown
  readonly inputsSource?: string
  readonly nodes: number
  readonly threshold: number
  readonly security: SecurityMode
  readonly transport: 'memory' | 'tcp'
  readonly timeoutMs?: number
  /** Memory transport only: emulate wide-area links (one-way delay, bandwidth cap) for benchmarks. */
  readonly link?: LinkProfile
}

export interface LocalRunResult {
  readonly outputs: Record<string, OutputJson>
  readonly stats: { readonly wallMs: number; readonly bytesPerParty: number; readonly rounds: number }
}

export async function runCircuitLocal(o: LocalRunOptions): Promise<LocalRunResult> {
  const inputs = encodeInputs(o.circuit.inputs, o.inputs, o.inputsSource ?? 'inputs')
  const t0 = performance.now()
  let results: CircuitPartyResult[]
  if (o.transport === 'memory') {
    const memory = createMemoryNetwork(o.nodes, o.timeoutMs ? { timeoutMs: o.timeoutMs } : {})
    const transports = o.link ? memory.map((t) => emulateLinks(t, o.link!)) : memory
    const field = getField(o.circuit.field)
    try {
      results = await Promise.all(transports.map(async (transport) => {
        const s = createSession({ field, n: o.nodes, t: o.threshold, transport, security: o.security, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) })
        try {
          const r = await runCircuit(s, o.circuit, { inputs })
          return { outputs: r.outputs, rounds: r.rounds, bytesSent: transport.stats.bytesSent, wallMs: 0 }
        } catch (e) {
          // Tell the others at once instead of letting them wait for a timeout.
          await Promise.all(transports.map((t) => t.close()))
          throw e
        }
      }))
    } finally {
      await Promise.all(transports.map((t) => t.close()))
    }
  } else {
    const args: CircuitPartyArgs = { encoding: encodeCircuit(o.circuit), inputs, t: o.threshold, security: o.security, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) }
    results = await launchParties<CircuitPartyResult>({
      n: o.nodes,
      module: siblingModule(import.meta.url, './run-circuit-party.ts'),
      args,
      ...(o.timeoutMs ? { receiveTimeoutMs: o.timeoutMs } : {}),
    })
  }
  const wallMs = performance.now() - t0
  const bytes = results.reduce((a, r) => a + r.bytesSent, 0) / results.length
  return { outputs: results[0]!.outputs, stats: { wallMs: Math.round(wallMs), bytesPerParty: Math.round(bytes), rounds: results[0]!.rounds } }
}
