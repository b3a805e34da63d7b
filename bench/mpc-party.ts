/**
 * One party of `npm run bench:mpc`, run as its own OS process by the engine's launcher over loopback
 * TCP. For each requested measurement it opens a fresh session (labels prefixed, so sessions can follow
 * each other on one transport), deals random inputs, and times the operation including the generation
 * of the random sharings it consumes (reported separately as `prepMs`) and, in malicious mode, the final
 * MAC check (the cost an output would pay).
 */
import { randomFillSync } from 'node:crypto'
import type { PartyContext } from '../src/engine/launch-parties.ts'
import { getField } from '../src/field/index.ts'
import type { FieldName } from '../src/field/types.ts'
import { trackMemory, type MemoryPeak } from './mpc-memory.ts'
import { comparisonNeeds, createSession, inputMany, lt, mul, preprocess, verify, type MpcSession, type SecurityMode, type Shared } from '../src/protocols/index.ts'

export interface BenchCase {
  readonly op: 'mul' | 'lt32' | 'lt64' | 'mul1' | 'lt32x1' | 'round'
  readonly batch: number
  readonly field: FieldName
  /** Repetitions (latency cases use more to get a stable median). */
  readonly reps: number
}

export interface BenchArgs {
  readonly t: number
  readonly security: SecurityMode
  readonly cases: readonly BenchCase[]
  /** Party 0 prints a line per finished measurement to stderr (with its label). */
  readonly progress?: string
}

export interface CaseTiming {
  readonly op: string
  readonly batch: number
  readonly field: FieldName
  /** One entry per repetition. */
  readonly totalMs: number[]
  readonly prepMs: number[]
  readonly rounds: number[]
  readonly bytesSent: number[]
  /** This party's process CPU time (user + system, ms) over the timed part of each repetition. */
  readonly cpuMs: number[]
  /** This party's peak memory over all repetitions (mpc-memory.ts). */
  memory?: MemoryPeak
}

function randomBounded(s: MpcSession, n: number, bits: number) {
  const f = s.field
  const words = new Uint32Array(n)
  randomFillSync(words)
  if (bits < 32) for (let i = 0; i < n; i++) words[i] = words[i]! >>> (32 - bits)
  return f.fromUint32(words)
}

/** Sequential one-element multiplications in one session for the `round` case (one round each). */
export const ROUND_CHAIN = 200

/**
 * The cost of one round (`round`): a chain of ROUND_CHAIN one-element multiplications, each waiting
 * for the previous (x ← x·y), after a warm-up chain; the figure is total time / rounds. With PRSS
 * (n = 2t + 1 ≤ 7) a one-element multiplication is exactly one all-to-all round.
 */
async function runRoundChain(s: MpcSession, x: Shared, y: Shared): Promise<{ totalMs: number; prepMs: number; rounds: number; cpuMs: number }> {
  let z = x
  for (let i = 0; i < 20; i++) z = await mul(s, z, y)
  await preprocess(s, { doubles: (s.malicious ? 2 : 1) * ROUND_CHAIN })
  const rounds0 = s.stats.rounds
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < ROUND_CHAIN; i++) z = await mul(s, z, y)
  return { totalMs: performance.now() - t0, prepMs: 0, rounds: s.stats.rounds - rounds0, cpuMs: cpuMsSince(cpu0) }
}

/** Process CPU time (user + system) since `from`, in ms. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from)
  return (d.user + d.system) / 1000
}

async function runCase(ctx: PartyContext<BenchArgs>, c: BenchCase, rep: number): Promise<{ totalMs: number; prepMs: number; rounds: number; bytesSent: number; cpuMs: number }> {
  const { transport, n, args } = ctx
  const s = createSession({ field: getField(c.field), n, t: args.t, transport, security: args.security, labelPrefix: `${c.op}-${c.batch}-${rep}/`, timeoutMs: 600_000 })
  const N = c.batch
  const bits = c.op === 'lt64' ? 32 : 31 // random operands well inside the width; the protocol runs at the declared width
  const [x, y] = await inputMany(s, [
    { dealer: 0, values: s.self === 0 ? randomBounded(s, N, bits) : null, length: N },
    { dealer: 1, values: s.self === 1 ? randomBounded(s, N, bits) : null, length: N },
  ])
  if (c.op === 'round') {
    const bytes0 = transport.stats.bytesSent
    const r = await runRoundChain(s, x!, y!)
    return { ...r, bytesSent: transport.stats.bytesSent - bytes0 }
  }
  const rounds0 = s.stats.rounds
  const bytes0 = transport.stats.bytesSent
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const isMul = c.op === 'mul' || c.op === 'mul1'
  const width = c.op === 'lt64' ? 64 : 32
  // Preprocessing the operation consumes, in one round (its own time is reported as prepMs).
  const mac = s.malicious ? 2 : 1
  if (isMul) await preprocess(s, { doubles: mac * N })
  else await preprocess(s, comparisonNeeds(s, N))
  const t1 = performance.now()
  if (isMul) await mul(s, x!, y!)
  else await lt(s, x!, y!, { bits: width })
  await verify(s)
  const t2 = performance.now()
  return { totalMs: t2 - t0, prepMs: t1 - t0, rounds: s.stats.rounds - rounds0, bytesSent: transport.stats.bytesSent - bytes0, cpuMs: cpuMsSince(cpu0) }
}

export async function party(ctx: PartyContext<BenchArgs>): Promise<CaseTiming[]> {
  const out: CaseTiming[] = []
  for (const c of ctx.args.cases) {
    const timing: CaseTiming = { op: c.op, batch: c.batch, field: c.field, totalMs: [], prepMs: [], rounds: [], bytesSent: [], cpuMs: [] }
    const stopTracking = trackMemory(c.batch > 1 ? undefined : 100)
    for (let rep = 0; rep < c.reps; rep++) {
      const r = await runCase(ctx, c, rep)
      timing.totalMs.push(r.totalMs)
      timing.prepMs.push(r.prepMs)
      timing.rounds.push(r.rounds)
      timing.bytesSent.push(r.bytesSent)
      timing.cpuMs.push(r.cpuMs)
    }
    timing.memory = stopTracking()
    if (ctx.args.progress !== undefined && ctx.self === 0) {
      const ms = timing.totalMs.map((x) => x.toFixed(0)).join(' / ')
      process.stderr.write(`  ${ctx.args.progress} ${c.op} ${c.batch}: ${ms} ms, party 0 peak RSS ${timing.memory.rssMiB} MiB\n`)
    }
    out.push(timing)
  }
  return out
}
