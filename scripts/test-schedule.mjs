// The order in which scripts/run-tests.mjs starts test files: longest first (LPT scheduling), so the long,
// waiting-bound files overlap with everything else instead of running alone at the end.
// A file's expected time is its wall time in the last full run on this machine (`.test-times/last.json`),
// else the committed reference `scripts/test-weights.json` (seconds, measured at low load; refresh it from
// a full run with `node scripts/test-schedule.mjs --write`), else DEFAULT_S.
//
// Its expected CPU share (CPU seconds ÷ wall seconds, child processes included) lets the runner start one
// file more than its concurrency while the running files wait more than they compute (`pickNext`): a
// browser test waiting on block times or a red-team matrix waiting on withheld frames' deadlines otherwise
// holds one of CI's two cores idle for minutes (full quiet run at concurrency 2: 88 % of the CPU busy).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DEFAULT_S = 5
const WEIGHTS_FILE = 'scripts/test-weights.json'
/** A file's CPU share is counted at least this much: nothing runs on no CPU at all. */
const MIN_SHARE = 0.1

/**
 * file → { wall, cpu } in seconds (cpu undefined when unknown). The reference holds `{ "wall": s, "cpu": s }`
 * per file (or a bare number: wall only); the last full run on this machine overrides it.
 */
export function readProfiles(root, timesDir) {
  const profiles = new Map()
  for (const [file, v] of Object.entries(readJson(join(root, WEIGHTS_FILE)) ?? {})) {
    profiles.set(file, typeof v === 'number' ? { wall: v, cpu: undefined } : { wall: v.wall, cpu: v.cpu })
  }
  for (const r of readJson(join(timesDir, 'last.json'))?.results ?? []) {
    profiles.set(r.file, { wall: r.wallMs / 1000, cpu: r.cpuMs === undefined ? undefined : r.cpuMs / 1000 })
  }
  return profiles
}

/** file → expected wall seconds. */
export function readWeights(root, timesDir) {
  return new Map([...readProfiles(root, timesDir)].map(([file, p]) => [file, p.wall]))
}

export function orderLongestFirst(files, weights) {
  const w = (f) => weights.get(f) ?? DEFAULT_S
  // Stable: equal weights keep the alphabetical order.
  return files.map((f, i) => [f, i]).sort((a, b) => w(b[0]) - w(a[0]) || a[1] - b[1]).map(([f]) => f)
}

/** Cores a file keeps busy on average: CPU ÷ wall, within [MIN_SHARE, 1]; 1 when unknown (a CPU-bound guess). */
export function cpuShare(profile) {
  if (!profile || profile.cpu === undefined || !(profile.wall > 0)) return 1
  return Math.min(1, Math.max(MIN_SHARE, profile.cpu / profile.wall))
}

/**
 * Which queued file to start now (its index in `queue`, longest first), or -1 to wait for one to end.
 * Below `concurrency` running files: the next one. At `concurrency` up to `concurrency + extra`: the
 * longest queued file whose share still fits, i.e. the running files' shares plus its own stay within
 * `concurrency` cores, so the CPU is not oversubscribed on average and timing-sensitive files keep
 * the CPU they had. `shareOf(file)` gives a file's share (cpuShare of its profile).
 */
export function pickNext(queue, running, { concurrency, extra, shareOf }) {
  if (queue.length === 0) return -1
  if (running.length < concurrency) return 0
  if (running.length >= concurrency + extra) return -1
  const load = running.reduce((s, f) => s + shareOf(f), 0)
  return queue.findIndex((f) => load + shareOf(f) <= concurrency + 1e-9)
}

/** One line per file, as the reference is read and diffed. */
export function formatReference(ref) {
  return `{\n${Object.entries(ref).map(([file, p]) => ` ${JSON.stringify(file)}: ${JSON.stringify(p)}`).join(',\n')}\n}\n`
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
}

// `node scripts/test-schedule.mjs --write`: turn the last full run into the committed reference.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const last = readJson(join(root, '.test-times', 'last.json'))
  if (!last) throw new Error('no .test-times/last.json: run the whole suite first')
  const round = (ms) => Math.round(ms / 100) / 10
  const ref = Object.fromEntries(last.results
    .map((r) => [r.file, { wall: round(r.wallMs), ...(r.cpuMs === undefined ? {} : { cpu: round(r.cpuMs) }) }])
    .sort((a, b) => b[1].wall - a[1].wall))
  writeFileSync(join(root, WEIGHTS_FILE), formatReference(ref))
  console.log(`wrote ${WEIGHTS_FILE} (${Object.keys(ref).length} files)`)
}
