/**
 * Maps the task runner's `ComputeFn` onto the MPC layers: a protocols session over the node's libp2p
 * transport, the batch degree-t check of the client-dealt input shares (`acceptDealt`, which also
 * MACs them in malicious mode), then the engine's circuit runner with those shares as its inputs
 * (`sharedInputs`), keeping this node's shares of `revealTo` outputs (`keepPrivateShares`) so the
 * task runner can seal them to a recipient outside the committee. The runner verifies (malicious mode)
 * before anything leaves. Every gate of the language is supported (truncation, division, ...).
 */
import type { Circuit } from '../circuit/index.ts'
import { createSession, acceptDealt, concat, type MpcSession, type Shared } from '../protocols/index.ts'
import { runCircuit } from '../engine/run-circuit.ts'
import type { ComputeFn, ComputeResult, DealtSlot } from './compute.ts'

export const engineCompute: ComputeFn = async (req): Promise<ComputeResult> => {
  const s = createSession({
    field: req.field, n: req.n, t: req.t, transport: req.transport, security: req.security,
    timeoutMs: req.timeoutMs, signal: req.signal,
  })
  const inputs = await acceptInputs(s, req.circuit, req.slots)
  const r = await runCircuit(s, req.circuit, {
    inputs: [],
    sharedInputs: req.circuit.inputs.map((inp) => inputs.get(inp.name)!),
    keepPrivateShares: true,
    ...(req.state ? { state: req.state } : {}),
  })
  return { publicOutputs: new Map(r.publicValues), privateShares: new Map(r.privateShares), ...(r.stateShares ? { stateShares: r.stateShares } : {}), rounds: s.stats.rounds }
}

/** Check every dealt slot (one batch), then lay the slots out as per-input shared vectors. */
async function acceptInputs(s: MpcSession, circuit: Circuit, slots: readonly DealtSlot[]): Promise<Map<string, Shared>> {
  const accepted = await acceptDealt(s, slots.map((d) => ({ dealer: d.slot, shares: d.shares })))
  const out = new Map<string, Shared>()
  for (const inp of circuit.inputs) {
    const parts = slots.map((d, i) => ({ d, sh: accepted[i]! })).filter((x) => x.d.input === inp.name).sort((a, b) => a.d.offset - b.d.offset)
    out.set(inp.name, concat(s, parts.map((x) => x.sh)))
  }
  return out
}
