/**
 * Runs a compiled circuit for ONE party over an MPC session (DESIGN.md §5: the engine runs a program
 * for one party over a transport). Every party runs the same code on the same circuit (SPMD); the
 * protocols label messages by call order, so the order of protocol calls below is deterministic.
 *
 * Schedule (circuit/schedule.ts): inputs are dealt in one round (`inputMany`), then level by level
 * every interactive gate of the level runs in ONE vectorised protocol call per op (operands
 * concatenated, the result split back): comparisons of different widths share a call at the widest
 * width, since the protocols' cost does not depend on it. Local gates run between levels. Outputs are
 * delivered at the end: `output` for public ones, `outputTo` per recipient, after the malicious-mode
 * MAC check that these functions run. A stateful circuit reads its current state as shared inputs and
 * returns this party's shares of the next one, never opened (engine/circuit-state.ts).
 */
import * as P from '../protocols/index.ts'
import type { MpcSession, Shared } from '../protocols/index.ts'
import { LOCAL_OPS, type Circuit, type Gate } from '../circuit/types.ts'
import { scheduleCircuit, type Batch } from '../circuit/schedule.ts'
import { decodeValue, toSigned, type OutputJson } from '../circuit/values.ts'
import { fieldPrime } from '../circuit/evaluate-plain.ts'
import { EnigmaError } from '../common/errors.ts'
import type { FieldVector } from '../field/types.ts'
import { exportState, importState } from './circuit-state.ts'

export interface RunCircuitOptions {
  /**
   * Encoded input values (circuit/values.ts encodeInputs: one bigint array per declared input). Each
   * party passes the values of the inputs it deals and may pass null for the others.
   */
  readonly inputs: readonly (readonly bigint[] | null)[]
  /** Who deals input i (default: party i mod n, so e.g. alice and bob are different parties). */
  readonly dealers?: readonly number[]
  /** Party that receives the outputs of each `revealTo` recipient name (default: party 0). */
  readonly recipients?: Readonly<Record<string, number>>
  /**
   * Inputs that arrive already shared (a secret node's client-dealt, checked shares): one shared
   * vector per circuit input, in `c.inputs` order. When given, `inputs`/`dealers` are ignored and no
   * input round runs here.
   */
  readonly sharedInputs?: readonly Shared[]
  /**
   * Keep this party's shares of `revealTo` outputs instead of opening them to a committee party (a
   * secret node seals them to a recipient outside the committee). Verification still runs first, and
   * the kept shares are re-randomised with a fresh sharing of zero.
   */
  readonly keepPrivateShares?: boolean
  /**
   * Stateful circuits: this party's shares of the current state, the `state.read` wires in order
   * (zeros for version 0; engine/circuit-state.ts). The next version's shares come back in `stateShares`.
   */
  readonly state?: FieldVector
}

export interface RunCircuitResult {
  /** Outputs this party learned: all public ones, plus private ones addressed to it. */
  readonly outputs: Record<string, OutputJson>
  /** Public outputs as field elements (signed values as p + x), by output name. */
  readonly publicValues: ReadonlyMap<string, bigint[]>
  /** With `keepPrivateShares`: this party's share vector of each `revealTo` output, by name. */
  readonly privateShares: ReadonlyMap<string, FieldVector>
  /** Stateful circuits: this party's shares of the next state (`state.write` wires in order), never opened. */
  readonly stateShares?: FieldVector
  readonly rounds: number
}

export class CircuitRunError extends EnigmaError {
  override name = 'CircuitRunError'
  constructor(what: string) {
    super('ENGINE_CIRCUIT_RUN', what)
  }
}

type Val = Shared | bigint

export function defaultDealers(c: Circuit, n: number): number[] {
  return c.inputs.map((_, i) => i % n)
}

export async function runCircuit(s: MpcSession, c: Circuit, opts: RunCircuitOptions): Promise<RunCircuitResult> {
  const f = s.field
  if (f.name !== c.field) throw new CircuitRunError(`circuit needs field ${c.field}, the session has ${f.name}`)
  if (fieldPrime(c.field) !== f.p) throw new CircuitRunError(`field ${f.name} has an unexpected prime`)
  await P.ensureMacKey(s)
  const roundsBefore = s.stats.rounds
  const vals: (Val | undefined)[] = new Array(c.gates.length)
  const red = (x: bigint): bigint => f.reduce(x)

  // --- inputs: one round for all dealers (or already shared, at a secret node) ---
  let shared: readonly Shared[]
  if (opts.sharedInputs) {
    if (opts.sharedInputs.length !== c.inputs.length) throw new CircuitRunError(`got ${opts.sharedInputs.length} shared inputs for ${c.inputs.length} circuit inputs`)
    c.inputs.forEach((inp, i) => {
      if (P.length(s, opts.sharedInputs![i]!) !== inp.wires.length) throw new CircuitRunError(`shared input ${inp.name} has ${P.length(s, opts.sharedInputs![i]!)} elements, expected ${inp.wires.length}`)
    })
    shared = opts.sharedInputs
  } else {
    const dealers = opts.dealers ?? defaultDealers(c, s.n)
    const entries = c.inputs.map((inp, i) => {
      const dealer = dealers[i]!
      const mine = dealer === s.self
      const xs = opts.inputs[i]
      if (mine && (!xs || xs.length !== inp.wires.length)) throw new CircuitRunError(`party ${s.self} deals input ${inp.name} but has no values for it`)
      return { dealer, values: mine ? f.fromBigInts(xs!.map(red)) : null, length: inp.wires.length }
    })
    shared = await P.inputMany(s, entries)
  }
  c.inputs.forEach((inp, i) => inp.wires.forEach((w, j) => (vals[w] = P.slice(s, shared[i]!, j, j + 1))))
  await importState(s, c, opts.state, (w, v) => (vals[w] = v))

  // --- local gates bucketed by level; interactive ones by the schedule ---
  const sched = scheduleCircuit(c)
  const localByLevel: number[][] = Array.from({ length: sched.levels.length + 1 }, () => [])
  c.gates.forEach((g, i) => {
    if (LOCAL_OPS.has(g.op) && g.op !== 'input') localByLevel[sched.level[i]!]!.push(i)
  })
  const get = (w: number): Val => {
    const v = vals[w]
    if (v === undefined) throw new CircuitRunError(`gate ${w} used before it was computed`)
    return v
  }
  const shareOf = (w: number): Shared => {
    const v = get(w)
    return typeof v === 'bigint' ? P.constant(s, f.fill(1, v)) : v
  }
  const runLocal = (i: number): void => {
    const g = c.gates[i]!
    vals[i] = localGate(s, g, g.args.map(get), red)
  }
  localByLevel[0]!.forEach(runLocal)
  for (let L = 1; L <= sched.levels.length; L++) {
    for (const group of mergeBatches(sched.levels[L - 1]!)) {
      const results = await runGroup(s, c, group, shareOf)
      ;[...group.gates, ...(group.eqGates ?? [])].forEach((g, k) => (vals[g] = results[k]!))
    }
    localByLevel[L]!.forEach(runLocal)
  }

  // --- the next state: kept as shares (after the MAC check), never opened ---
  const stateShares = await exportState(s, c, shareOf)

  // --- outputs: public ones in one call, then one call per recipient party ---
  const p = f.p
  const recipients = opts.recipients ?? {}
  const partyOf = (r: string | null): number | null => (r === null ? null : recipients[r] ?? 0)
  const outputs: Record<string, OutputJson> = {}
  const publicValues = new Map<string, bigint[]>()
  const privateShares = new Map<string, FieldVector>()
  const groups = new Map<number | null, number[]>()
  c.outputs.forEach((o, i) => {
    if (opts.keepPrivateShares && o.recipient !== null) {
      privateShares.set(o.name, P.concat(s, o.wires.map(shareOf)).v)
      return
    }
    const k = partyOf(o.recipient)
    groups.set(k, [...(groups.get(k) ?? []), i])
  })
  // Private shares leave this party only after the malicious-mode check (output() runs it too), and
  // re-randomised with one fresh sharing of zero for all of them (protocols/zero-sharing.ts): the
  // recipient sees every member's share, and must see a fresh polynomial, not the computation's.
  if (privateShares.size > 0) {
    await P.verify(s)
    const names = [...privateShares.keys()]
    const fresh = await P.rerandomise(s, f.concat(names.map((name) => privateShares.get(name)!)))
    let off = 0
    for (const name of names) {
      const len = f.len(privateShares.get(name)!)
      privateShares.set(name, f.slice(fresh, off, off + len))
      off += len
    }
  }
  const order = [...groups.keys()].sort((a, b) => (a === null ? -1 : b === null ? 1 : a - b))
  for (const party of order) {
    const idx = groups.get(party)!
    const wires = idx.flatMap((i) => c.outputs[i]!.wires)
    const secretWires = wires.filter((w) => typeof get(w) !== 'bigint')
    let opened: bigint[] | null = []
    if (secretWires.length > 0) {
      const all = P.concat(s, secretWires.map((w) => get(w) as Shared))
      const v = party === null ? await P.output(s, all) : await P.outputTo(s, party, all)
      opened = v === null ? null : f.toBigInts(v)
    }
    if (opened === null) continue
    const byWire = new Map<number, bigint>()
    secretWires.forEach((w, k) => byWire.set(w, opened![k]!))
    for (const i of idx) {
      const o = c.outputs[i]!
      if (party === null) publicValues.set(o.name, o.wires.map((w) => { const v = get(w); return typeof v === 'bigint' ? red(v) : byWire.get(w)! }))
      outputs[o.name] = decodeValue(o.type, o.wires.map((w) => {
        const v = get(w)
        return toSigned(typeof v === 'bigint' ? v : byWire.get(w)!, p)
      }))
    }
  }
  return { outputs, publicValues, privateShares, ...(stateShares ? { stateShares } : {}), rounds: s.stats.rounds - roundsBefore }
}

function localGate(s: MpcSession, g: Gate, a: Val[], red: (x: bigint) => bigint): Val {
  const [x, y] = a
  const pub = (v: Val | undefined): v is bigint => typeof v === 'bigint'
  switch (g.op) {
    case 'const':
      return red(g.attrs[0]!)
    case 'add':
      if (pub(x) && pub(y)) return red(x + y)
      if (pub(x)) return P.addPublic(s, y as Shared, x)
      if (pub(y)) return P.addPublic(s, x as Shared, y)
      return P.add(s, x as Shared, y as Shared)
    case 'sub':
      if (pub(x) && pub(y)) return red(x - y)
      if (pub(y)) return P.addPublic(s, x as Shared, red(-y))
      if (pub(x)) return P.publicSub(s, x, y as Shared)
      return P.sub(s, x as Shared, y as Shared)
    case 'addc':
      return pub(x) ? red(x + g.attrs[0]!) : P.addPublic(s, x as Shared, red(g.attrs[0]!))
    case 'mulc':
      return pub(x) ? red(x * g.attrs[0]!) : P.mulPublic(s, x as Shared, red(g.attrs[0]!))
    default:
      throw new CircuitRunError(`gate op ${g.op} is not local`)
  }
}

interface Group {
  readonly op: Batch['op']
  readonly attrs: readonly bigint[]
  readonly gates: readonly number[]
  /** eq gates computed inside an lt call as 1 − [a < b] − [b < a] (results follow `gates`). */
  readonly eqGates?: readonly number[]
}

/**
 * One protocol call per op and level where possible: lt / eq batches of different widths merge at
 * the widest (signed if any is; an unsigned k-bit operand needs k + 1 bits as signed). When a level
 * has both lt and eq gates, the eq gates ride in the lt call as 1 − [a < b] − [b < a]: two lt
 * elements instead of one eq element, but one comparison's rounds instead of two in a row.
 */
export function mergeBatches(level: readonly Batch[]): Group[] {
  const out: Group[] = []
  const widest = (bs: readonly Batch[]): bigint[] => {
    const signed = bs.some((b) => b.attrs[1] === 1n)
    const bits = Math.max(...bs.map((b) => Number(b.attrs[0]) + (signed && b.attrs[1] === 0n ? 1 : 0)))
    return [BigInt(bits), signed ? 1n : 0n]
  }
  const gatesOf = (bs: readonly Batch[]) => bs.flatMap((b) => b.gates).sort((a, b) => a - b)
  const lts = level.filter((b) => b.op === 'lt')
  const eqs = level.filter((b) => b.op === 'eq')
  if (lts.length > 0 && eqs.length > 0) out.push({ op: 'lt', attrs: widest([...lts, ...eqs]), gates: gatesOf(lts), eqGates: gatesOf(eqs) })
  else if (lts.length > 0) out.push({ op: 'lt', attrs: widest(lts), gates: gatesOf(lts) })
  else if (eqs.length > 0) out.push({ op: 'eq', attrs: widest(eqs), gates: gatesOf(eqs) })
  for (const b of level) if (b.op !== 'lt' && b.op !== 'eq') out.push(b)
  return out
}

type Fn = (...args: any[]) => Promise<Shared>

function protocol(name: string): Fn {
  const fn = (P as unknown as Record<string, unknown>)[name]
  if (typeof fn !== 'function') {
    throw new CircuitRunError(`this circuit needs the protocol ${name}, which src/protocols does not provide yet`)
  }
  return fn as Fn
}

async function runGroup(s: MpcSession, c: Circuit, g: Group, shareOf: (w: number) => Shared): Promise<Shared[]> {
  const gates = g.gates.map((i) => c.gates[i]!)
  const arg = (k: number) => P.concat(s, gates.map((x) => shareOf(x.args[k]!)))
  const bits = Number(g.attrs[0])
  let r: Shared
  switch (g.op) {
    case 'mul':
      r = await P.mul(s, arg(0), arg(1))
      break
    case 'lt': {
      const eqs = (g.eqGates ?? []).map((i) => c.gates[i]!)
      if (eqs.length === 0) {
        r = await P.lt(s, arg(0), arg(1), { bits, signed: g.attrs[1] === 1n })
        break
      }
      const side = (xs: Gate[], k: number) => xs.map((x) => shareOf(x.args[k]!))
      const a = P.concat(s, [...side(gates, 0), ...side(eqs, 0), ...side(eqs, 1)])
      const b = P.concat(s, [...side(gates, 1), ...side(eqs, 1), ...side(eqs, 0)])
      const both = await P.lt(s, a, b, { bits, signed: g.attrs[1] === 1n })
      const n = gates.length
      const m = eqs.length
      const eq = P.publicSub(s, 1n, P.add(s, P.slice(s, both, n, n + m), P.slice(s, both, n + m, n + 2 * m)))
      r = P.concat(s, [P.slice(s, both, 0, n), eq])
      return Array.from({ length: n + m }, (_, k) => P.slice(s, r, k, k + 1))
    }
    case 'eq':
      r = await P.eq(s, arg(0), arg(1), { bits, signed: g.attrs[1] === 1n })
      break
    case 'truncpr':
      r = await protocol('truncPr')(s, arg(0), { bits, shift: Number(g.attrs[1]) })
      break
    case 'divc':
      r = await protocol('divPublic')(s, arg(0), g.attrs[1]!, { bits })
      break
    case 'modc':
      r = await protocol('modPublic')(s, arg(0), g.attrs[1]!, { bits })
      break
    case 'divs':
      r = await protocol('divSecret')(s, arg(0), arg(1), { bits })
      break
    case 'mods':
      r = await protocol('modSecret')(s, arg(0), arg(1), { bits })
      break
    default:
      throw new CircuitRunError(`unexpected interactive op ${g.op}`)
  }
  return gates.map((_, k) => P.slice(s, r, k, k + 1))
}
