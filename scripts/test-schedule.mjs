// The order in which scripts/run-tests.mjs starts test files: longest first (LPT scheduling), so the long,
// waiting-bound files overlap with everything else instead of running alone at the end.
// A file's expected time is its wall time in the last full run on this machine (`.test-times/last.json`),
// else the committed reference `scripts/test-weights.json` (seconds, measured at low load; refresh it from
// a full run with `node scripts/test-schedule.mjs --write`), else DEFAULT_S.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DEFAULT_S = 5
const WEIGHTS_FILE = 'scripts/test-weights.json'

export function readWeights(root, timesDir) {
  const weights = new Map(Object.entries(readJson(join(root, WEIGHTS_FILE)) ?? {}))
  for (const r of readJson(join(timesDir, 'last.json'))?.results ?? []) weights.set(r.file, r.wallMs / 1000)
  return weights
}

export function orderLongestFirst(files, weights) {
  const w = (f) => weights.get(f) ?? DEFAULT_S
  // Stable: equal weights keep the alphabetical order.
  return files.map((f, i) => [f, i]).sort((a, b) => w(b[0]) - w(a[0]) || a[1] - b[1]).map(([f]) => f)
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
  const ref = Object.fromEntries(last.results.map((r) => [r.file, Math.round(r.wallMs / 100) / 10]).sort((a, b) => b[1] - a[1]))
  writeFileSync(join(root, WEIGHTS_FILE), JSON.stringify(ref, null, 1) + '\n')
  console.log(`wrote ${WEIGHTS_FILE} (${Object.keys(ref).length} files)`)
}
