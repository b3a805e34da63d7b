/**
 * `npm run bench:mpc`: secure multiplications and comparisons with the parties as separate OS
 * processes over loopback TCP, n ∈ {3, 5, 7}, both security modes. Writes bench/results/mpc.json (one
 * record per measurement) and prints a table. Options:
 *   --parties 3,5,7   --security semi-honest,malicious   --ops mul,lt32,lt64,mul1,lt32x1,round   --quick
 *   --reps N (throughput repetitions; default 3 for mul, 1 for the comparisons lt32/lt64)
 *   --lt32-batch N (default 100000)   --lt64-batch N (default 10000)   --out FILE
 *   --latency-reps N (repetitions of mul1 / lt32x1; default 15, 5 with --quick; `round` runs N/3 chains)
 *   --cpu-prof DIR (each party writes a V8 CPU profile into DIR: `node --cpu-prof`)
 *   --plaintext (loopback only: the TCP links without authentication and encryption, to measure what
 *   the secure default costs; records are marked `transport: "tcp-plain"`)
 * Defaults keep the whole matrix (n = 3, 5, 7, both modes) near 10 minutes on a quiet 2-core machine and
 * within its memory (24 GiB for up to 7 parties): a malicious 64-bit comparison of 100 000 values takes
 * minutes and, with its preprocessing made up front, gigabytes per party (n = 5 ran out of memory), so
 * lt64 runs 10 000 values by default (its per-value rate is the same: docs/performance.md); the
 * comparisons run once, multiplications 3 times. Every row reports each party's peak memory (RSS,
 * JS heap, ArrayBuffers: bench/mpc-memory.ts), and each finished measurement prints a progress line.
 * Throughput figures are the median of their runs; latency figures the median of 15. `round` is the cost
 * of one communication round: a chain of one-element multiplications in one session (mpc-party.ts),
 * its `latency ms` the time per round (ops/s: rounds per second). Records are written
 * after every committee size and mode, so a long run that is stopped keeps what it measured.
 * Preprocessing (the random sharings an operation consumes) is included in opsPerSec and reported
 * on its own as prepMs. In malicious mode the time includes the final MAC check.
 */
import { writeFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { launchParties } from '../src/engine/launch-parties.ts'
import type { BenchArgs, BenchCase, CaseTiming } from './mpc-party.ts'
import type { SecurityMode } from '../src/protocols/session.ts'
import { toMpcRecords, type MpcRecord } from './mpc-records.ts'


function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const quick = process.argv.includes('--quick')
const plaintext = process.argv.includes('--plaintext')
const partiesList = (arg('parties') ?? '3,5,7').split(',').map(Number)
const modes = (arg('security') ?? 'semi-honest,malicious').split(',') as SecurityMode[]
const ops = (arg('ops') ?? 'mul,lt32,lt64,mul1,lt32x1,round').split(',')

function casesFor(): BenchCase[] {
  const reps = Number(arg('reps') ?? (quick ? 1 : 3))
  const cmpReps = Number(arg('reps') ?? 1)
  const latReps = Number(arg('latency-reps') ?? (quick ? 5 : 15))
  const all: BenchCase[] = [
    { op: 'mul', batch: quick ? 100_000 : 1_000_000, field: 'p61', reps },
    { op: 'mul', batch: 100_000, field: 'p61', reps },
    { op: 'lt32', batch: Number(arg('lt32-batch') ?? (quick ? 10_000 : 100_000)), field: 'p61', reps: cmpReps },
    { op: 'lt64', batch: Number(arg('lt64-batch') ?? (quick ? 2_000 : 10_000)), field: 'p127', reps: cmpReps },
    { op: 'mul1', batch: 1, field: 'p61', reps: latReps },
    { op: 'lt32x1', batch: 1, field: 'p61', reps: latReps },
    { op: 'round', batch: 1, field: 'p61', reps: arg('latency-reps') ? Math.ceil(latReps / 3) : quick ? 3 : 5 },
  ]
  const seen = new Set<string>()
  return all.filter((c) => ops.includes(c.op)).filter((c) => {
    const k = `${c.op}/${c.batch}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}


const records: MpcRecord[] = []
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const out = arg('out') ? new URL(arg('out')!, `file://${process.cwd()}/`) : new URL(quick ? './results/mpc.quick.json' : './results/mpc.json', import.meta.url)
const save = () => writeFileSync(out, JSON.stringify(records, null, 2) + '\n')
const cpuProf = arg('cpu-prof')
const execArgv = ['--max-old-space-size=8192', ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [])]
const partyModule = fileURLToPath(new URL('./mpc-party.ts', import.meta.url))
const benchStart = performance.now()
for (const n of partiesList) {
  const t = Math.floor((n - 1) / 2)
  for (const security of modes) {
    const args: BenchArgs = { t, security, cases: casesFor(), progress: `n=${n} ${security}` }
    const started = performance.now()
    console.error(`n=${n} ${security}: starting (${((performance.now() - benchStart) / 1000).toFixed(0)} s since the start)`)
    // Children's stderr is shown: party 0 prints a line per finished measurement.
    const results = await launchParties<CaseTiming[]>({ n, module: partyModule, args, timeoutMs: 3_600_000, receiveTimeoutMs: 600_000, copyOnSend: false, execArgv, insecurePlaintext: plaintext, output: 'inherit' })
    console.error(`n=${n} ${security}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
    records.push(...toMpcRecords(n, t, security, results).map((r) => ({ ...r, transport: plaintext ? 'tcp-plain' : 'tcp-secure' })))
    save()
  }
}
save()
const header = ['parties', 'security', 'field', 'op', 'batch', 'ops/s', 'latency ms', 'prep ms', 'rounds', 'B/party/op', 'peak RSS MiB (max party)', 'CPU µs/op (all parties)']
const peakRss = (r: MpcRecord): string => (r.memory ? String(Math.max(...r.memory.rssMiB)) : '-')
const rows = records.map((r) => [r.parties, r.security, r.field, r.op, r.batch, r.opsPerSec, r.latencyMs, r.prepMs, r.rounds, r.bytesPerPartyPerOp, peakRss(r), r.cpuUsPerOp ?? '-'].map(String))
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
console.log(header.map((h, i) => h.padStart(widths[i]!)).join('  '))
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '))
console.log(`\nwritten ${fileURLToPath(out)} (per-party peak memory in each record's \`memory\`); total ${((performance.now() - benchStart) / 60_000).toFixed(1)} min`)
