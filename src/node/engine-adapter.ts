/**
 * Maps the task runner's `ComputeFn` onto the MPC layers: a protocols session over the node's libp2p
 * transport, the batch degree-t check of the client-dealt input shares (`acceptDealt`, which also
 * MACs them in malicious mode), then the circuit, then verification before anything leaves.
 *
 * Interim circuit walker. The engine's `runCircuit` (src/engine/run-circuit.ts) cannot serve a node
 * as it stands: it deals inputs from the parties themselves (`inputMany`), while a node's inputs are
 * client-dealt shares that arrive already shared (checked here with `acceptDealt`); and it opens
 * `revealTo` outputs to a committee party (`outputTo`), while a node must keep its *share* and seal
 * it to a recipient outside the committee. So this file walks the circuit's round schedule itself for
 * the gates used by the examples it serves (linear gates, mul, lt, eq; one vectorised protocol call
 * per batch). Switching needs two options on `runCircuit`: `sharedInputs` (one `Shared` per circuit
 * input, skipping `inputMany`) and `privateShares: true` (return this party's shares of `revealTo`
 * outputs instead of calling `outputTo`). Then `runGates`/`finish` become one call to it and every
 * gate (truncpr, division, ...) is supported.
 */
import { scheduleCircuit, type Circuit } from '../circuit/index.ts'
import type { Field, FieldVector } from '../field/index.ts'
import {
  createSession, acceptDealt, add, sub, addPublic, mulPublic, constant, concat, slice, mul, lt, eq, output, verify,
  type MpcSession, type Shared,
} from '../protocols/index.ts'
import { NodeError } from './errors.ts'
import type { ComputeFn, ComputeResult, DealtSlot } from './compute.ts'

export const engineCompute: ComputeFn = async (req): Promise<ComputeResult> => {
  const s = createSession({
    field: req.field, n: req.n, t: req.t, transport: req.transport, security: req.security,
    timeoutMs: req.timeoutMs, signal: req.signal,
  })
  const inputs = await acceptInputs(s, req.circuit, req.slots)
  const vals = await runGates(s, req.circuit, inputs)
  return finish(s, req.circuit, vals)
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

function scalar(f: Field, x: bigint): FieldVector {
  return f.fromBigInts([f.reduce(x)])
}

/** Evaluate the gates level by level; returns one 1-element `Shared` per gate. */
async function runGates(s: MpcSession, circuit: Circuit, inputs: Map<string, Shared>): Promise<Shared[]> {
  const f = s.field
  const gates = circuit.gates
  const vals: Shared[] = new Array(gates.length)
  for (const inp of circuit.inputs) {
    const v = inputs.get(inp.name)!
    inp.wires.forEach((g, j) => { vals[g] = slice(s, v, j, j + 1) })
  }
  const { levels, level } = scheduleCircuit(circuit)
  const byLevel: number[][] = Array.from({ length: levels.length + 1 }, () => [])
  gates.forEach((g, i) => { if (g.op === 'const' || g.op === 'add' || g.op === 'sub' || g.op === 'addc' || g.op === 'mulc') byLevel[level[i]!]!.push(i) })
  const local = (i: number): void => {
    const g = gates[i]!
    const a = vals[g.args[0]!]!
    switch (g.op) {
      case 'const': vals[i] = constant(s, scalar(f, g.attrs[0]!)); break
      case 'add': vals[i] = add(s, a, vals[g.args[1]!]!); break
      case 'sub': vals[i] = sub(s, a, vals[g.args[1]!]!); break
      case 'addc': vals[i] = addPublic(s, a, f.reduce(g.attrs[0]!)); break
      case 'mulc': vals[i] = mulPublic(s, a, f.reduce(g.attrs[0]!)); break
    }
  }
  for (const i of byLevel[0]!) local(i)
  for (let L = 1; L <= levels.length; L++) {
    for (const b of levels[L - 1]!) {
      const A = concat(s, b.gates.map((i) => vals[gates[i]!.args[0]!]!))
      const B = () => concat(s, b.gates.map((i) => vals[gates[i]!.args[1]!]!))
      let R: Shared
      switch (b.op) {
        case 'mul': R = await mul(s, A, B()); break
        case 'lt': R = await lt(s, A, B(), { bits: Number(b.attrs[0]!), signed: b.attrs[1] === 1n }); break
        case 'eq': R = await eq(s, A, B(), { bits: Number(b.attrs[0]!), signed: b.attrs[1] === 1n }); break
        default:
          throw new NodeError('NODE_ENGINE_UNAVAILABLE', `gate '${b.op}' needs src/engine/run-circuit.ts (not landed yet)`)
      }
      b.gates.forEach((i, k) => { vals[i] = slice(s, R, k, k + 1) })
    }
    for (const i of byLevel[L]!) local(i)
  }
  return vals
}

/** Verify (malicious mode) and open public outputs in one batch; keep shares of private ones. */
async function finish(s: MpcSession, circuit: Circuit, vals: Shared[]): Promise<ComputeResult> {
  const f = s.field
  const pub = circuit.outputs.filter((o) => o.recipient === null)
  const publicOutputs = new Map<string, bigint[]>()
  if (pub.length > 0) {
    const opened = await output(s, concat(s, pub.flatMap((o) => o.wires.map((w) => vals[w]!))))
    let off = 0
    for (const o of pub) {
      publicOutputs.set(o.name, f.toBigInts(f.slice(opened, off, off + o.wires.length)))
      off += o.wires.length
    }
  } else {
    await verify(s)
  }
  const privateShares = new Map<string, FieldVector>()
  for (const o of circuit.outputs) {
    if (o.recipient === null) continue
    privateShares.set(o.name, concat(s, o.wires.map((w) => vals[w]!)).v)
  }
  return { publicOutputs, privateShares, rounds: s.stats.rounds }
}
