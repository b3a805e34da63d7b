/**
 * Party module for `launchParties` (one process per party over TCP): decodes the circuit, builds the
 * session on the launcher's transport, runs the circuit and returns this party's outputs and stats.
 */
import type { PartyContext } from './launch-protocol.ts'
import { decodeCircuit } from '../circuit/encode.ts'
import { getField } from '../field/index.ts'
import { createSession, type SecurityMode } from '../protocols/index.ts'
import { runCircuit } from './run-circuit.ts'
import type { OutputJson } from '../circuit/values.ts'

export interface CircuitPartyArgs {
  readonly encoding: Uint8Array
  readonly inputs: readonly (readonly bigint[] | null)[]
  readonly t: number
  readonly security: SecurityMode
  readonly timeoutMs?: number
}

export interface CircuitPartyResult {
  readonly outputs: Record<string, OutputJson>
  readonly rounds: number
  readonly bytesSent: number
  readonly wallMs: number
}

export async function party({ n, transport, args }: PartyContext<CircuitPartyArgs>): Promise<CircuitPartyResult> {
  const circuit = decodeCircuit(args.encoding)
  const s = createSession({ field: getField(circuit.field), n, t: args.t, transport, security: args.security, ...(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {}) })
  const t0 = performance.now()
  const r = await runCircuit(s, circuit, { inputs: args.inputs })
  return { outputs: r.outputs, rounds: r.rounds, bytesSent: transport.stats.bytesSent, wallMs: performance.now() - t0 }
}
