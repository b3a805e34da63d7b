/**
 * `bench:e2e --profile DIR` (bench/e2e.bench.ts): where the auction's time goes, phase by phase.
 * - CPU seconds of every process (bench = creator + all owners, the Hardhat chain, each node) between
 *   the flow's phase marks, from /proc/<pid>/stat: on a loaded machine CPU is what can be compared.
 * - Every HTTP call of every process (bench/e2e-call-log.mjs): JSON-RPC methods to the chain and the
 *   nodes' client API, counted per phase and per caller.
 * - The nodes run with `--cpu-prof` into DIR (open the .cpuprofile files in Chrome DevTools or
 *   summarise them with `topFunctions`).
 * Benchmark tooling only (Linux: reads /proc).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { DevnetTopology } from '../src/devnet/topology.ts'

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux everywhere that matters). */
const TICKS = 100

export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS // utime, stime (fields 14, 15 of the full line)
  } catch {
    return NaN
  }
}

/** The devnet's nodes, each started with the call log and `--cpu-prof` into `dir`. */
export function profilingTopology(dir: string): DevnetTopology {
  const callLog = new URL('./e2e-call-log.mjs', import.meta.url).pathname
  return {
    kind: 'loopback', chainHost: '127.0.0.1',
    // `--cpu-prof` is not allowed in NODE_OPTIONS: a shell puts the flags after node's path and execs it in place (same pid).
    node: () => ({ host: '127.0.0.1', exec: ['env', `ENIGMA_E2E_CALL_LOG=${dir}`, 'sh', '-c', `exec "$0" --cpu-prof --cpu-prof-dir='${dir}' --import='${callLog}' "$@"`] }),
  }
}

export interface Mark { readonly name: string; readonly at: number; readonly cpu: Record<string, number> }

/** Phase marks with every watched process's CPU time at that moment. */
export class PhaseClock {
  readonly marks: Mark[] = []
  constructor(readonly pids: Record<string, number>) {}
  mark(name: string): void {
    const cpu: Record<string, number> = {}
    for (const [who, pid] of Object.entries(this.pids)) cpu[who] = pid === process.pid ? (process.cpuUsage().user + process.cpuUsage().system) / 1e6 : cpuSeconds(pid)
    this.marks.push({ name, at: Date.now(), cpu })
  }
}

type Call = [start: number, ms: number, what: string]

/** Reads every process's call log in `dir` (written at exit); pid → calls. */
export function readCallLogs(dir: string): Map<number, Call[]> {
  const out = new Map<number, Call[]>()
  for (const f of readdirSync(dir)) {
    const m = /^calls-(\d+)\.jsonl$/.exec(f)
    if (!m) continue
    out.set(Number(m[1]), readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call))
  }
  return out
}

export interface PhaseReport {
  readonly phase: string
  readonly wallMs: number
  /** CPU seconds per process in this phase. */
  readonly cpuS: Record<string, number>
  /** Calls started in this phase: caller → label → [count, summed ms]. */
  readonly calls: Record<string, Record<string, [number, number]>>
}

/** Per phase (between consecutive marks): wall, CPU per process, calls per caller and label. */
export function phaseReport(marks: readonly Mark[], logs: Map<number, Call[]>, callerOf: (pid: number) => string): PhaseReport[] {
  const out: PhaseReport[] = []
  for (let k = 1; k < marks.length; k++) {
    const a = marks[k - 1]!, b = marks[k]!
    const cpuS: Record<string, number> = {}
    for (const who of Object.keys(b.cpu)) cpuS[who] = Math.round((b.cpu[who]! - a.cpu[who]!) * 100) / 100
    const calls: Record<string, Record<string, [number, number]>> = {}
    for (const [pid, list] of logs) {
      const caller = callerOf(pid)
      for (const [t, ms, what] of list) {
        if (t < a.at || t >= b.at) continue
        const row = ((calls[caller] ??= {})[what] ??= [0, 0])
        row[0]++
        row[1] += ms
      }
    }
    out.push({ phase: `${a.name} → ${b.name}`, wallMs: b.at - a.at, cpuS, calls })
  }
  return out
}

/** Self time per function of a V8 .cpuprofile, top `n`, as shares of the samples in [from, to] (ms since epoch; all if absent). */
export function topFunctions(file: string, n = 25, window?: { from: number; to: number }): { fn: string; share: number }[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[]; startTime: number
  }
  const byId = new Map(p.nodes.map((x) => [x.id, x]))
  const self = new Map<string, number>()
  // startTime is µs of a monotonic clock, not the epoch: windows are taken relative to the file's end (its mtime).
  let t = p.startTime
  const times = p.timeDeltas.map((d) => (t += d))
  const end = times[times.length - 1] ?? p.startTime
  const mtime = statSync(file).mtimeMs
  let total = 0
  for (let i = 0; i < p.samples.length; i++) {
    if (window) {
      const wall = mtime - (end - times[i]!) / 1000
      if (wall < window.from || wall > window.to) continue
    }
    const node = byId.get(p.samples[i]!)!
    const cf = node.callFrame
    const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${cf.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + 1)
    total++
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([fn, c]) => ({ fn, share: Math.round((1000 * c) / Math.max(1, total)) / 10 }))
}
