/**
 * The red-team matrix (issue #9): named strategies × committees × security modes × protocols. Each
 * protocol is a small SPMD program whose inputs are dealt by the input protocol (x by the last party,
 * which is corrupt in every attacked run, y by party 0, honest), followed by the protocol and its
 * outputs; `check` says whether an honest party's result is the correct one.
 */
import type { Field } from '../../field/types.ts'
import { p61 } from '../../field/index.ts'
import { inputMany } from '../input.ts'
import { mul, authenticate } from '../mul.ts'
import { output, outputTo } from '../mac.ts'
import { mask, openMasked } from '../open.ts'
import { takeRandom } from '../pools.ts'
import { randomBits } from '../bits.ts'
import { lt, eq } from '../compare.ts'
import { truncPr } from '../trunc.ts'
import { bitDecompose } from '../bit-decompose.ts'
import { divPublic, divSecret } from '../division.ts'
import { add, concat } from '../linear.ts'
import type { MpcSession, SecurityMode, Shared } from '../session.ts'
import { runAdversarial, type AdversarialRunResult, type Frame, type Strategy } from './adversary.test-util.ts'
import {
  additiveOnMultiplication, additiveOnOpening, colludingOutputForgery, equivocatingKing, equivocatingOpening, inconsistentDealing,
  replayOf, selectiveAbort, silentParty, wrongRandomBits,
} from './strategies.test-util.ts'

export const field: Field = p61
const K = 16

/** What one protocol cell runs and expects; `values` are one party's revealed results. */
export interface ProtocolCase {
  readonly name: string
  run(s: MpcSession, x: Shared, y: Shared): Promise<bigint[]>
  /** Whether `got` is a correct result for inputs xs, ys. */
  check(got: readonly bigint[], xs: readonly bigint[], ys: readonly bigint[], party: number): boolean
}

const same = (a: readonly bigint[], b: readonly bigint[]): boolean => a.length === b.length && a.every((v, i) => v === b[i])
const reveal = async (s: MpcSession, a: Shared): Promise<bigint[]> => field.toBigInts(await output(s, a))

export const PROTOCOLS: readonly ProtocolCase[] = [
  { name: 'mul', run: async (s, x, y) => reveal(s, await mul(s, x, y)), check: (g, xs, ys) => same(g, xs.map((x, i) => x * ys[i]!)) },
  {
    name: 'open',
    // A masked opening (x + r) and then r itself through the checked output: x = c − r.
    run: async (s, x) => {
      const r = await authenticate(s, field.slice(await takeRandom(s, field.len(x.v)), 0))
      const c = field.toBigInts(await openMasked(s, mask(s, x, r)))
      const rv = await reveal(s, r)
      return c.map((v, i) => field.reduce(v - rv[i]!))
    },
    check: (g, xs) => same(g, xs),
  },
  { name: 'input', run: async (s, x, y) => reveal(s, concat(s, [x, y])), check: (g, xs, ys) => same(g, [...xs, ...ys]) },
  {
    name: 'output',
    run: async (s, x, y) => {
      const pub = await reveal(s, y)
      const priv = await outputTo(s, 0, add(s, x, y))
      return [...pub, ...(priv ? field.toBigInts(priv) : [])]
    },
    check: (g, xs, ys, party) => same(g, party === 0 ? [...ys, ...xs.map((x, i) => x + ys[i]!)] : ys),
  },
  { name: 'random bits', run: async (s) => reveal(s, await randomBits(s, 4)), check: (g) => g.length === 4 && g.every((b) => b === 0n || b === 1n) },
  { name: 'comparison', run: async (s, x, y) => reveal(s, await lt(s, x, y, { bits: K })), check: (g, xs, ys) => same(g, xs.map((x, i) => (x < ys[i]! ? 1n : 0n))) },
  { name: 'equality', run: async (s, x, y) => reveal(s, await eq(s, x, y, { bits: K })), check: (g, xs, ys) => same(g, xs.map((x, i) => (x === ys[i]! ? 1n : 0n))) },
  {
    name: 'truncation',
    run: async (s, x) => reveal(s, await truncPr(s, x, { bits: K, shift: 4 })),
    // Probabilistic truncation: ⌊x / 16⌋ or one more.
    check: (g, xs) => g.length === xs.length && g.every((v, i) => v === xs[i]! >> 4n || v === (xs[i]! >> 4n) + 1n),
  },
  {
    name: 'bit decomposition',
    run: async (s, x) => reveal(s, await bitDecompose(s, x, { bits: K })),
    check: (g, xs) => same(g, Array.from({ length: K }, (_, i) => xs.map((x) => (x >> BigInt(i)) & 1n)).flat()),
  },
  {
    name: 'division',
    run: async (s, x, y) => reveal(s, concat(s, [await divPublic(s, x, 7n, { bits: K }), await divSecret(s, x, y, { bits: K })])),
    check: (g, xs, ys) => same(g, [...xs.map((x) => x / 7n), ...xs.map((x, i) => x / ys[i]!)]),
  },
]

/** How a strategy is set up for a run (some need a king path, a prior session, or more time). */
export interface StrategyCase {
  readonly name: string
  make(previous: () => Promise<readonly Frame[]>): Promise<Strategy>
  readonly kingThreshold?: number
  /** Every honest party must end with an error (a silent party), in both modes. */
  readonly mustAbort?: boolean
  /** Malicious mode: at least one honest party must abort (the attack changes a value every protocol uses). */
  readonly mustDetect?: boolean
  /** Honest parties are expected to wait for withheld frames: run with short deadlines. */
  readonly withholds?: boolean
}

export const STRATEGIES: readonly StrategyCase[] = [
  { name: 'additive attack on multiplication', make: async () => additiveOnMultiplication(), mustDetect: true },
  { name: 'additive attack on opening', make: async () => additiveOnOpening(), mustDetect: true },
  { name: 'inconsistent input dealing', make: async () => inconsistentDealing(), mustDetect: true },
  { name: 'equivocating king', make: async () => equivocatingKing(), kingThreshold: 0, mustDetect: true },
  { name: 'equivocating opening', make: async () => equivocatingOpening(), mustDetect: true },
  { name: 'colluding output forgery', make: async () => colludingOutputForgery() },
  { name: 'selective abort', make: async () => selectiveAbort(), withholds: true },
  { name: 'wrong bits in random-bit generation', make: async () => wrongRandomBits() },
  { name: 'silent party', make: async () => silentParty(), mustAbort: true, withholds: true },
  { name: 'replay of an old session', make: async (previous) => replayOf(await previous()) },
]

export const COMMITTEES = [[3, 1], [5, 2], [7, 3]] as const
export const MODES: readonly SecurityMode[] = ['semi-honest', 'malicious']

/** Two small vectors of K-bit inputs, with an equal pair and a zero (edge cases of eq and division). */
export function inputs(seed: number): [bigint[], bigint[]] {
  let state = (seed * 2654435761 + 7) % 2147483648
  const rnd = () => { state = (state * 1103515245 + 12345) % 2147483648; return BigInt(state % (1 << K)) }
  const xs = [rnd(), rnd()]
  const ys = [xs[0]!, rnd() || 1n]
  return [xs, ys]
}

export interface CellOptions {
  readonly protocol: ProtocolCase
  readonly strategy: StrategyCase
  readonly n: number
  readonly t: number
  readonly security: SecurityMode
  readonly seed: number
  readonly timeoutMs: number
}

/** The program of every party: deal x (by the last party) and y (by party 0), run the protocol. */
export function programFor(protocol: ProtocolCase, xs: readonly bigint[], ys: readonly bigint[]) {
  return async (s: MpcSession): Promise<bigint[]> => {
    const last = s.n - 1
    const [x, y] = await inputMany(s, [
      { dealer: last, values: s.self === last ? field.fromBigInts(xs) : null, length: xs.length },
      { dealer: 0, values: s.self === 0 ? field.fromBigInts(ys) : null, length: ys.length },
    ])
    return protocol.run(s, x!, y!)
  }
}

/** Runs one cell: the t last parties are corrupt. */
export async function runCell(o: CellOptions): Promise<AdversarialRunResult<bigint[]>> {
  const [xs, ys] = inputs(o.seed)
  const corrupt = Array.from({ length: o.t }, (_, k) => o.n - 1 - k)
  const program = programFor(o.protocol, xs, ys)
  const previous = async (): Promise<readonly Frame[]> => {
    const passive: Strategy = { name: 'passive' }
    const old = await runAdversarial({ field, n: o.n, t: o.t, security: o.security, corrupt, strategy: passive, timeoutMs: o.timeoutMs, labelPrefix: 'old/' }, program)
    return old.adversary.outbox
  }
  const strategy = await o.strategy.make(previous)
  return runAdversarial({
    field, n: o.n, t: o.t, security: o.security, corrupt, strategy, timeoutMs: o.timeoutMs,
    labelPrefix: o.strategy.name.startsWith('replay') ? 'new/' : '', kingThreshold: o.strategy.kingThreshold,
  }, program)
}
