/**
 * `npm run bench`: every benchmark in turn, each in its own process (they start their own parties,
 * nodes and chains). Each writes its JSON under bench/results/ and prints its table; this script prints
 * where they went and how long each took. Extra arguments (e.g. `--quick`) are passed to every bench.
 * Benchmarks are code too: the numbers are for this machine, re-run them before quoting them.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const benches = ['field', 'transport', 'mpc', 'wan', 'nodes', 'e2e'].filter((b) => existsSync(new URL(`./${b}.bench.ts`, import.meta.url)))
const extra = process.argv.slice(2)
const summary: { bench: string; seconds: number; status: number | null }[] = []
for (const b of benches) {
  console.log(`\n=== bench:${b} ${extra.join(' ')}`)
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './src/common/polyfill.mjs', `bench/${b}.bench.ts`, ...extra], { cwd: root, stdio: 'inherit' })
  summary.push({ bench: b, seconds: Math.round((performance.now() - t0) / 1000), status: r.status })
}
console.log('\nbench        seconds  status  results')
for (const s of summary) console.log(`${s.bench.padEnd(12)} ${String(s.seconds).padStart(7)}  ${String(s.status).padStart(6)}  bench/results/${s.bench}*.json`)
// Issue #14's targets against what just ran (bench/targets.ts): the quick mode writes *.quick.json,
// which the targets do not read, so they are evaluated after a full run only.
if (!extra.includes('--quick')) {
  console.log('\n=== bench:targets')
  spawnSync(process.execPath, ['--import', 'tsx', '--import', './src/common/polyfill.mjs', 'bench/targets-report.ts'], { cwd: root, stdio: 'inherit' })
}
process.exit(summary.every((s) => s.status === 0) ? 0 : 1)
