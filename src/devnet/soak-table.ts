/** The soak's table (printed, and pasted into docs/faults.md "Soak"). */
import type { SoakReport } from './soak.ts'

const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`)

export function soakTable(r: SoakReport): string[] {
  const faults = Object.entries(r.faults).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'
  const rows: [string, string][] = [
    ['tasks', String(r.tasks)],
    ['faults injected (by kind)', `${Object.values(r.faults).reduce((a, b) => a + b, 0)}: ${faults}`],
    ['detected', `${r.detected} of ${r.detectable} (kill-after-input is a restart: nothing to detect, the task must complete)`],
    ['re-run (TaskRerun events)', String(r.reruns)],
    ['completed correctly', `${r.completedCorrectly} (failed without a result: ${r.failed})`],
    ['wrong outputs accepted', `${r.wrongAccepted} (must be 0)`],
    ['honest nodes slashed', `${r.honestSlashed} (must be 0)`],
    ['honest nodes suspended', String(r.honestSuspended)],
    ['inputs lost', `${r.inputsLost} (must be 0)`],
    ['task latency p50 / p95', `${secs(r.latencyMs.p50)} / ${secs(r.latencyMs.p95)} (completed tasks)`],
    ['run', `seed ${r.seed}, ${r.minutes} min of tasks, ${r.nodes} nodes (${r.topology}); devnet start ${secs(r.startupMs)}, total ${secs(r.durationMs)}; load ${r.load.join(' ')}`],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  return ['| figure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k.padEnd(w)} | ${v} |`)]
}
