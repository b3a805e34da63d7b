/**
 * The record shape of bench/results/mpc.json (and, with `transport` added, nodes.json), and how the
 * per-party timings of one launch become records: the slowest party decides when a result exists, so
 * each run takes the maximum over parties; bytes are averaged over parties; figures are medians of runs.
 */
import { loadavg } from 'node:os'
import type { CaseTiming } from './mpc-party.ts'
import type { MemoryPeak } from './mpc-memory.ts'
import type { SecurityMode } from '../src/protocols/session.ts'

export interface MpcRecord {
  parties: number
  threshold: number
  security: SecurityMode
  field: string
  op: string
  batch: number
  opsPerSec: number
  latencyMs: number
  prepMs: number
  rounds: number
  bytesPerPartyPerOp: number
  runs: number
  /**
   * CPU time (µs, user + system) of all parties together per op (per round for `round`), median of
   * runs: what an A/B comparison on a loaded machine can trust (docs/performance.md).
   */
  cpuUsPerOp?: number
  /** Each party's peak memory during this measurement (index = party; mpc-memory.ts), when measured. */
  memory?: { [K in keyof MemoryPeak]: number[] }
  /** 1-min load average when the launch ended (it covers the measurement), and when: each row states its load. */
  load1m?: number
  date?: string
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Records from every party's timings (results[party][case]) of one launch. */
export function toMpcRecords(n: number, t: number, security: SecurityMode, results: CaseTiming[][]): MpcRecord[] {
  const load1m = Number(loadavg()[0]!.toFixed(2))
  const date = new Date().toISOString()
  return results[0]!.map((c, k) => {
    const runs = c.totalMs.length
    const total = Array.from({ length: runs }, (_, r) => Math.max(...results.map((p) => p[k]!.totalMs[r]!)))
    const prep = Array.from({ length: runs }, (_, r) => Math.max(...results.map((p) => p[k]!.prepMs[r]!)))
    const bytes = Array.from({ length: runs }, (_, r) => results.reduce((a, p) => a + p[k]!.bytesSent[r]!, 0) / n)
    // `round`: a chain of rounds; the figures are per round (its latency, rounds per second).
    const per = c.op === 'round' ? Math.max(1, median(c.rounds)) : 1
    const ms = median(total) / per
    const cpu = Array.from({ length: runs }, (_, r) => results.reduce((a, p) => a + (p[k]!.cpuMs?.[r] ?? Number.NaN), 0))
    return {
      parties: n, threshold: t, security, field: c.field, op: c.op, batch: c.batch,
      opsPerSec: Math.round((c.batch / ms) * 1000), latencyMs: Number(ms.toFixed(3)), prepMs: Number(median(prep).toFixed(3)),
      rounds: median(c.rounds), bytesPerPartyPerOp: Number((median(bytes) / per / c.batch).toFixed(1)), runs,
      ...(cpu.every(Number.isFinite) ? { cpuUsPerOp: Number(((1000 * median(cpu)) / per / c.batch).toFixed(2)) } : {}),
      ...(results.every((p) => p[k]!.memory) ? { memory: memoryByParty(results.map((p) => p[k]!.memory!)) } : {}),
      load1m, date,
    }
  })
}

function memoryByParty(peaks: MemoryPeak[]): NonNullable<MpcRecord['memory']> {
  return {
    rssMiB: peaks.map((m) => m.rssMiB), heapMiB: peaks.map((m) => m.heapMiB),
    arrayBuffersMiB: peaks.map((m) => m.arrayBuffersMiB), maxRssMiB: peaks.map((m) => m.maxRssMiB),
  }
}
