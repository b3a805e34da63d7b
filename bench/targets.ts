/**
 * Issue #14's targets, as code: each target names the benchmark record it is read from, and
 * `evaluateTargets` says met / not met / not measured from the newest `bench/results/*.json`. The
 * figures come from the benchmarks alone (the project's rule: targets live in bench/, never in timed
 * unit tests); `npm run bench:targets` (bench/targets-report.ts) prints the table and writes
 * bench/results/targets.json. The "MP-SPDZ" column is the issue's own, measured on another machine of
 * this project's kind; docs/performance.md says how this machine compares (≈ 2× slower).
 */

/** One record of bench/results/mpc.json or nodes.json (bench/mpc-records.ts), as far as targets read it. */
export interface OpRecord {
  readonly transport?: string
  readonly parties: number
  readonly security: string
  readonly op: string
  readonly batch: number
  readonly opsPerSec: number
  readonly latencyMs: number
  readonly rounds: number
  readonly load1m?: number
  readonly date?: string
}

/** One row of bench/results/e2e.json. */
export interface E2eRow {
  readonly bidders: number
  readonly security: string
  readonly inputs?: string
  readonly correct: boolean
  readonly load?: string
  readonly ms: { readonly resultMs: number }
  readonly gas: { readonly total: number; readonly perInput: number }
}

/** One row of bench/results/wan.json. */
export interface WanRow {
  readonly nodes: number
  readonly security: string
  readonly delayMs: number
  readonly rounds: number
  readonly wallMs: number
  readonly load1m?: number
}

export interface BenchResults {
  readonly mpc?: readonly OpRecord[]
  readonly nodes?: readonly OpRecord[]
  readonly e2e?: { readonly date?: string; readonly rows: readonly E2eRow[] }
  readonly wan?: readonly WanRow[]
}

/** What a target reads: its value and, when the record has it, the machine's load while it ran. */
export interface Measured {
  readonly value: number
  readonly detail?: string
  readonly load?: number
}

export interface Target {
  readonly id: string
  readonly figure: string
  readonly unit: string
  readonly goal: { readonly at: 'least' | 'most'; readonly value: number }
  /** The issue's "MP-SPDZ on the same kind of machine" figure, where it gives one. */
  readonly mpSpdz?: number
  readonly source: 'mpc' | 'nodes' | 'e2e' | 'wan'
  readonly measure: (r: BenchResults) => Measured | undefined
}

export type TargetStatus = 'met' | 'not met' | 'not measured'

export interface TargetRow {
  readonly id: string
  readonly figure: string
  readonly unit: string
  readonly goal: string
  readonly mpSpdz?: number
  readonly value?: number
  readonly detail?: string
  readonly load?: number
  readonly status: TargetStatus
  readonly source: string
}

const find = (rows: readonly OpRecord[] | undefined, want: Partial<OpRecord>): OpRecord | undefined =>
  rows?.find((r) => Object.entries(want).every(([k, v]) => r[k as keyof OpRecord] === v))

/** A record's figure with its load; `pick` chooses which figure. */
function fromRecord(r: OpRecord | undefined, pick: (r: OpRecord) => number, detail?: (r: OpRecord) => string): Measured | undefined {
  if (!r) return undefined
  return { value: pick(r), ...(detail ? { detail: detail(r) } : {}), ...(r.load1m !== undefined ? { load: r.load1m } : {}) }
}

/** The engine's default (encrypted) TCP transport in bench:mpc. */
const mpc = (r: BenchResults, want: Partial<OpRecord>) => find(r.mpc, { transport: 'tcp-secure', ...want })

/** libp2p ÷ TCP engine ops/s of one op in bench:nodes (both transports run interleaved in one run). */
function nodePathRatio(r: BenchResults, parties: number, security: string): Measured | undefined {
  const want = { parties, security, op: 'mul' }
  const lib = find(r.nodes, { ...want, transport: 'libp2p' })
  const tcp = find(r.nodes, { ...want, transport: 'tcp' })
  if (!lib || !tcp || tcp.opsPerSec <= 0) return undefined
  const load = Math.max(lib.load1m ?? Number.NaN, tcp.load1m ?? Number.NaN)
  return {
    value: Number((lib.opsPerSec / tcp.opsPerSec).toFixed(2)),
    detail: `${lib.opsPerSec} / ${tcp.opsPerSec} mul/s (batch ${lib.batch})`,
    ...(Number.isFinite(load) ? { load } : {}),
  }
}

function e2eRow(r: BenchResults): E2eRow | undefined {
  return r.e2e?.rows.find((x) => x.bidders === 200 && x.correct)
}

const loadOf = (row: { load?: string }): number | undefined => {
  const first = Number(row.load?.split(' ')[0])
  return Number.isFinite(first) ? first : undefined
}

/** The issue's table, row by row (3 parties and semi-honest unless the figure says otherwise). */
export const ISSUE_14_TARGETS: readonly Target[] = [
  { id: 'mul-100k', figure: 'multiplications/s, 100 k vector', unit: 'M/s', goal: { at: 'least', value: 10 }, mpSpdz: 2.7, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'semi-honest', op: 'mul', batch: 100_000 }), (x) => x.opsPerSec / 1e6) },
  { id: 'mul-1m', figure: 'multiplications/s, 1 M vector', unit: 'M/s', goal: { at: 'least', value: 8 }, mpSpdz: 2.7, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'semi-honest', op: 'mul', batch: 1_000_000 }), (x) => x.opsPerSec / 1e6) },
  { id: 'mul-100k-mal', figure: 'multiplications/s, malicious, 100 k', unit: 'M/s', goal: { at: 'least', value: 5 }, mpSpdz: 0.22, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'malicious', op: 'mul', batch: 100_000 }), (x) => x.opsPerSec / 1e6) },
  { id: 'lt32', figure: '32-bit comparisons/s', unit: 'k/s', goal: { at: 'least', value: 50 }, mpSpdz: 9, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'semi-honest', op: 'lt32' }), (x) => x.opsPerSec / 1e3, (x) => `batch ${x.batch}`) },
  { id: 'lt32-mal', figure: '32-bit comparisons/s, malicious', unit: 'k/s', goal: { at: 'least', value: 25 }, mpSpdz: 2, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'malicious', op: 'lt32' }), (x) => x.opsPerSec / 1e3, (x) => `batch ${x.batch}`) },
  { id: 'round', figure: 'one multiplication (latency: one round of a chain)', unit: 'ms', goal: { at: 'most', value: 0.25 }, mpSpdz: 0.2, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'semi-honest', op: 'round' }), (x) => x.latencyMs,
      () => { const m = mpc(r, { parties: 3, security: 'semi-honest', op: 'mul1' }); return m ? `mul1 incl. session set-up ${m.latencyMs} ms` : '' }) },
  { id: 'lt32x1', figure: 'one 32-bit comparison (latency)', unit: 'ms', goal: { at: 'most', value: 1.5 }, mpSpdz: 1.4, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'semi-honest', op: 'lt32x1' }), (x) => x.latencyMs, (x) => `${x.rounds} rounds`) },
  { id: 'lt32x1-rounds', figure: 'one 32-bit comparison (rounds)', unit: 'rounds', goal: { at: 'most', value: 8 }, mpSpdz: 7, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 3, security: 'semi-honest', op: 'lt32x1' }), (x) => x.rounds,
      () => { const m = mpc(r, { parties: 3, security: 'malicious', op: 'lt32x1' }); return m ? `malicious ${m.rounds} incl. the final MAC check` : '' }) },
  { id: 'mul-100k-n5', figure: 'n = 5 multiplications/s (100 k)', unit: 'M/s', goal: { at: 'least', value: 5 }, mpSpdz: 0.79, source: 'mpc',
    measure: (r) => fromRecord(mpc(r, { parties: 5, security: 'semi-honest', op: 'mul', batch: 100_000 }), (x) => x.opsPerSec / 1e6) },
  { id: 'node-path-n3', figure: 'node path ÷ TCP engine, multiplication n = 3', unit: '×', goal: { at: 'least', value: 0.8 }, source: 'nodes',
    measure: (r) => nodePathRatio(r, 3, 'semi-honest') },
  { id: 'node-path-n5', figure: 'node path ÷ TCP engine, multiplication n = 5', unit: '×', goal: { at: 'least', value: 0.8 }, source: 'nodes',
    measure: (r) => nodePathRatio(r, 5, 'semi-honest') },
  { id: 'node-path-n5-mal', figure: 'node path ÷ TCP engine, multiplication n = 5 malicious', unit: '×', goal: { at: 'least', value: 0.8 }, source: 'nodes',
    measure: (r) => nodePathRatio(r, 5, 'malicious') },
  { id: 'node-round', figure: 'one round through the node path', unit: 'ms', goal: { at: 'most', value: 0.3 }, source: 'nodes',
    measure: (r) => fromRecord(find(r.nodes, { transport: 'libp2p', parties: 3, security: 'semi-honest', op: 'round' }), (x) => x.latencyMs,
      () => { const t = find(r.nodes, { transport: 'tcp', parties: 3, security: 'semi-honest', op: 'round' }); return t ? `TCP engine in the same run ${t.latencyMs} ms` : '' }) },
  { id: 'auction-time', figure: 'Vickrey auction, 200 bidders, devnet (createTask → receipt)', unit: 's', goal: { at: 'most', value: 3 }, source: 'e2e',
    measure: (r) => { const x = e2eRow(r); return x && { value: x.ms.resultMs / 1000, detail: `${x.security}, inputs ${x.inputs ?? 'direct'}`, ...(loadOf(x) !== undefined ? { load: loadOf(x)! } : {}) } } },
  { id: 'auction-gas', figure: 'gas of that task (create + 200 inputs + receipt)', unit: 'M gas', goal: { at: 'most', value: 2 }, source: 'e2e',
    measure: (r) => { const x = e2eRow(r); return x && { value: x.gas.total / 1e6, detail: `${x.gas.perInput} gas per input` } } },
  { id: 'mpc-default-matrix', figure: 'default `bench:mpc` completes (n = 3, 5, 7, both modes)', unit: 'cases', goal: { at: 'least', value: 6 }, source: 'mpc',
    measure: (r) => {
      if (!r.mpc) return undefined
      const groups = new Set(r.mpc.map((x) => `${x.parties}/${x.security}`))
      return { value: groups.size, detail: [...groups].join(', ') }
    } },
  { id: 'wan', figure: '`bench:wan`: 200-bidder circuit at 1, 10 and 50 ms one-way', unit: 'delays', goal: { at: 'least', value: 3 }, source: 'wan',
    measure: (r) => {
      if (!r.wan) return undefined
      const delays = [...new Set(r.wan.map((x) => x.delayMs))].sort((a, b) => a - b)
      const show = r.wan.map((x) => `${x.security} ${x.delayMs} ms: ${(x.wallMs / 1000).toFixed(2)} s (${x.rounds} rounds)`).join('; ')
      return { value: delays.filter((d) => [1, 10, 50].includes(d)).length, detail: show }
    } },
]

/** Every target's status from the given results; a target whose record is missing is "not measured". */
export function evaluateTargets(results: BenchResults, targets: readonly Target[] = ISSUE_14_TARGETS): TargetRow[] {
  return targets.map((t) => {
    const m = t.measure(results)
    const goal = `${t.goal.at === 'least' ? '≥' : '≤'} ${t.goal.value}`
    const base = { id: t.id, figure: t.figure, unit: t.unit, goal, source: t.source, ...(t.mpSpdz !== undefined ? { mpSpdz: t.mpSpdz } : {}) }
    if (!m || !Number.isFinite(m.value)) return { ...base, status: 'not measured' as const }
    const met = t.goal.at === 'least' ? m.value >= t.goal.value : m.value <= t.goal.value
    return {
      ...base, value: Number(m.value.toPrecision(3)), status: met ? 'met' as const : 'not met' as const,
      ...(m.detail ? { detail: m.detail } : {}), ...(m.load !== undefined ? { load: m.load } : {}),
    }
  })
}

/** The rows as an aligned text table (what `npm run bench:targets` prints). */
export function formatTargets(rows: readonly TargetRow[]): string {
  const header = ['figure', 'measured', 'target', 'MP-SPDZ', 'status', 'load', 'note']
  const cells = rows.map((r) => [
    r.figure, r.value === undefined ? '-' : `${r.value} ${r.unit}`, `${r.goal} ${r.unit}`, r.mpSpdz === undefined ? '' : String(r.mpSpdz),
    r.status, r.load === undefined ? '' : r.load.toFixed(1), r.detail ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: readonly string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), ...cells.map(line)].join('\n')
}
