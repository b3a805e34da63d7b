#!/usr/bin/env node
// Runs every `*.test.ts` under src/, examples/, scripts/, test/ and bench/ with node:test, TypeScript through tsx and
// the Node 20 polyfill loaded first.
// Extra arguments are passed on (e.g. `npm run test:only -- --test-name-pattern=mul`), and plain
// file paths narrow the run to those files. `--typecheck` (what `npm test` passes) adds the type check
// (`tsc --noEmit`) as one more job of the pool: ≈ 40 CPU-s on one core that ran alone before every test
// (`npm run typecheck && …`) now overlaps with the test files; the run fails if it fails.
//
// Why this script schedules the files itself instead of one `node --test` over all of them: it measures
// every file's wall and CPU time, prints the slowest at the end and writes them to `.test-times/last.json`
// (so anyone sees where the suite's time goes), and it starts the longest files first (longest-processing-
// time-first scheduling: a 3-minute file started last would otherwise run alone at the end). Each file
// runs in its own process, as under `node --test` (`node <file>`: node:test runs it with the spec
// reporter); its output is printed in one piece when it ends, so two files never interleave their lines.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, statSync, existsSync, mkdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { tmpdir, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { readProfiles, orderLongestFirst, cpuShare, pickNext } from './test-schedule.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const roots = ['src', 'examples', 'scripts', 'test', 'bench'].map((d) => join(root, d)).filter((d) => existsSync(d))
const timesDir = join(root, '.test-times')
const SLOWEST_SHOWN = 20
const FAILED_OUTPUT_LINES = 120

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.test.ts')) out.push(relative(root, p))
  }
  return out
}

const args = process.argv.slice(2)
const fileArgs = args.filter((a) => a.endsWith('.ts'))
const concurrencyFlag = args.find((a) => a.startsWith('--test-concurrency'))
const typecheck = args.includes('--typecheck')
const flagArgs = args.filter((a) => !a.endsWith('.ts') && a !== concurrencyFlag && a !== '--typecheck')
const files = fileArgs.length > 0 ? fileArgs : roots.flatMap((r) => walk(r, [])).sort()
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
// Two test files at a time: most of the long files (devnets, chains, node processes) spend their time
// waiting on block times, barriers and deadlines, not on the CPU, so two overlap well even on two cores
// (Node's default on a 2-core machine is one). ENIGMA_TEST_CONCURRENCY (or --test-concurrency=N) overrides.
const concurrency = Math.max(1, Number(concurrencyFlag?.split('=')[1] ?? process.env.ENIGMA_TEST_CONCURRENCY ?? 2) || 1)
// And one file more while the running files' expected CPU shares leave room for it (test-schedule.mjs
// `pickNext`): the quiet full run at two files kept the CPU 88 % busy. ENIGMA_TEST_OVERLAP=0 turns it off.
const extra = concurrency > 1 && process.env.ENIGMA_TEST_OVERLAP !== '0' ? 1 : 0
const nodeArgs = ['--conditions=enigma-source', '--import', 'tsx', '--import', './src/common/polyfill.mjs', '--test-reporter=spec', ...flagArgs]
// GNU time gives a file's CPU time including the processes it started (devnet nodes, chains); optional.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
const scratch = mkdtempSync(join(tmpdir(), 'enigma-test-times-'))

// A job is a test file (node:test through tsx) or the type check; both are timed and reported alike.
const TYPECHECK = 'typecheck (tsc --noEmit -p tsconfig.json)'
const jobArgv = (name) => name === TYPECHECK
  ? [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']
  : [...nodeArgs, name]
const profiles = readProfiles(root, timesDir)
const shareOf = (file) => cpuShare(profiles.get(file))
const queue = orderLongestFirst(typecheck ? [...files, TYPECHECK] : files, new Map([...profiles].map(([f, p]) => [f, p.wall])))
const jobCount = queue.length
const results = []
const running = new Map()
const startedAt = Date.now()
const cpuStart = readCpuStat()
const loadStart = loadavg()

function runFile(file, index, overlapped) {
  return new Promise((resolve) => {
    const t0 = Date.now()
    const timeOut = join(scratch, `${index}.time`)
    const [cmd, argv] = gnuTime
      ? [gnuTime, ['-q', '-f', '%U %S', '-o', timeOut, process.execPath, ...jobArgv(file)]]
      : [process.execPath, jobArgv(file)]
    // Own process group, so an interrupted run can stop a file together with everything it started.
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const chunks = []
    child.stdout.on('data', (c) => chunks.push(c))
    child.stderr.on('data', (c) => chunks.push(c))
    running.set(file, { child, t0 })
    child.on('close', (code, signal) => {
      running.delete(file)
      const wallMs = Date.now() - t0
      const output = Buffer.concat(chunks).toString()
      const cpu = readGnuTime(timeOut)
      const counts = summaryCounts(output)
      const ok = code === 0
      process.stdout.write(`\n▶ ${file}\n${output}`)
      console.log(`${ok ? '✔' : '✖'} ${file} — ${(wallMs / 1000).toFixed(1)} s wall${cpu ? `, ${(cpu.cpuMs / 1000).toFixed(1)} s CPU` : ''}${ok ? '' : ` (exit ${code ?? signal})`}`)
      results.push({ file, ok, exit: code ?? signal, wallMs, ...(cpu ?? {}), ...counts, ...(overlapped ? { overlapped } : {}), ...(ok ? {} : { output }) })
      resolve()
    })
  })
}

// Starts files as pickNext allows, again whenever one ends; resolves when the queue is empty and all ended.
function runAll() {
  let started = 0
  return new Promise((resolve) => {
    const fill = () => {
      for (let i; (i = pickNext(queue, [...running.keys()], { concurrency, extra, shareOf })) >= 0;) {
        const [file] = queue.splice(i, 1)
        const overlapped = running.size >= concurrency
        runFile(file, ++started, overlapped).then(() => (queue.length === 0 && running.size === 0 ? resolve() : fill()))
      }
    }
    fill()
  })
}

// A line now and then, so a long silent stretch in a CI log still shows what is running.
const progress = setInterval(() => {
  const now = Date.now()
  const list = [...running].map(([f, { t0 }]) => `${f} (${Math.round((now - t0) / 1000)} s)`).join(', ')
  console.log(`… ${results.length}/${jobCount} files done after ${Math.round((now - startedAt) / 1000)} s; running: ${list}`)
}, 120_000)
progress.unref()

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const { child } of running.values()) {
      try { process.kill(-child.pid, 'SIGTERM') } catch { /* already gone */ }
    }
    process.exit(130)
  })
}

await runAll()
clearInterval(progress)
rmSync(scratch, { recursive: true, force: true })
report()

function report() {
  const wallMs = Date.now() - startedAt
  const cpuBusy = cpuBusyFraction(cpuStart, readCpuStat())
  const failed = results.filter((r) => !r.ok)
  const total = (k) => results.reduce((s, r) => s + (r[k] ?? 0), 0)
  const slowest = [...results].sort((a, b) => b.wallMs - a.wallMs)
  console.log(`\n${SLOWEST_SHOWN} slowest test files (wall s, CPU s incl. child processes):`)
  for (const r of slowest.slice(0, SLOWEST_SHOWN)) {
    const cpu = r.cpuMs === undefined ? '' : `${(r.cpuMs / 1000).toFixed(1).padStart(7)}`
    console.log(`${(r.wallMs / 1000).toFixed(1).padStart(8)} ${cpu}  ${r.file}${r.ok ? '' : '  ✖'}`)
  }
  const summary = {
    startedAt: new Date(startedAt).toISOString(),
    wallMs,
    concurrency,
    extra,
    files: results.length,
    tests: total('tests'),
    pass: total('pass'),
    fail: total('fail'),
    skipped: total('skipped'),
    cpuMs: gnuTime ? total('cpuMs') : undefined,
    machineCpuBusy: cpuBusy,
    loadavgStart: loadStart,
    loadavgEnd: loadavg(),
    args: flagArgs,
  }
  console.log(
    `\n${results.length} files, ${summary.tests} tests, ${summary.pass} pass, ${summary.fail} fail, ${summary.skipped} skipped` +
      ` in ${(wallMs / 1000).toFixed(1)} s at concurrency ${concurrency}${extra ? ` (+${extra} while CPU shares allow: ${results.filter((r) => r.overlapped).length} files)` : ''}` +
      (cpuBusy === undefined ? '' : `; machine CPU ${(cpuBusy * 100).toFixed(0)} % busy`) +
      `; load ${loadStart.map((l) => l.toFixed(1)).join(' ')} → ${summary.loadavgEnd.map((l) => l.toFixed(1)).join(' ')}`,
  )
  // A CI log is often shown by its tail only: each failed file's own output is repeated here, so the
  // reason of a failure is never lost among the passing files' output printed after it.
  // From node:test's "failing tests" summary when there is one (the first lines of each error say the
  // most; a viem error's tail is pages of ABI), else the output's tail; long lines cut.
  for (const r of failed) {
    const lines = r.output.split('\n').filter((l) => !/^\s+at /.test(l)).map((l) => (l.length > 300 ? `${l.slice(0, 300)} …` : l))
    const from = lines.lastIndexOf('✖ failing tests:')
    // The tests' own diagnostics (t.diagnostic: phases reached, timings) say how far a test got.
    const notes = lines.filter((l) => /^\s*ℹ /.test(l) && !/^\s*ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(l)).slice(-20)
    const shown = [...notes, ...(from >= 0 ? lines.slice(from, from + FAILED_OUTPUT_LINES) : lines.slice(-FAILED_OUTPUT_LINES))]
    console.log(`\n── ${r.file}, failed: ${from >= 0 ? 'its failing tests' : 'the end of its output'} (${shown.length} of ${lines.length} lines; stack frames left out) ──\n${shown.join('\n')}`)
  }
  for (const r of failed) console.log(`✖ failed: ${r.file} (exit ${r.exit})`)
  try {
    mkdirSync(timesDir, { recursive: true })
    const record = { ...summary, results: slowest.map(({ output, ...r }) => r) }
    writeFileSync(join(timesDir, fileArgs.length > 0 ? 'last-partial.json' : 'last.json'), JSON.stringify(record, null, 1) + '\n')
    console.log(`per-file times: ${relative(root, timesDir)}/${fileArgs.length > 0 ? 'last-partial.json' : 'last.json'}`)
  } catch (err) {
    console.log(`could not write test times: ${err.message}`)
  }
  process.exit(failed.length > 0 ? 1 : 0)
}

// The spec reporter ends each file with "ℹ tests N", "ℹ pass N", … lines.
function summaryCounts(output) {
  const counts = {}
  for (const key of ['tests', 'pass', 'fail', 'skipped', 'todo', 'cancelled']) {
    const m = output.match(new RegExp(`^ℹ ${key} (\\d+)$`, 'm'))
    if (m) counts[key] = Number(m[1])
  }
  return counts
}

function readGnuTime(path) {
  try {
    const line = readFileSync(path, 'utf8').trim().split('\n').pop()
    const [user, sys] = line.split(' ').map(Number)
    if (!Number.isFinite(user) || !Number.isFinite(sys)) return undefined
    return { cpuMs: Math.round((user + sys) * 1000), userMs: Math.round(user * 1000), sysMs: Math.round(sys * 1000) }
  } catch {
    return undefined
  }
}

function readCpuStat() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    const idle = f[3] + (f[4] ?? 0)
    return { idle, total: f.reduce((a, b) => a + b, 0) }
  } catch {
    return undefined
  }
}

function cpuBusyFraction(a, b) {
  if (!a || !b || b.total === a.total) return undefined
  return 1 - (b.idle - a.idle) / (b.total - a.total)
}
