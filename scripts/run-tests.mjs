#!/usr/bin/env node
// Runs every `*.test.ts` under src/, examples/ and test/ with node:test, TypeScript through tsx and
// the Node 20 polyfill loaded first. Node 20's `--test` takes no globs, so this script lists files.
// Extra arguments are passed on (e.g. `npm run test:only -- --test-name-pattern=mul`), and plain
// file paths narrow the run to those files.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const roots = ['src', 'examples', 'test'].map((d) => join(root, d)).filter((d) => existsSync(d))

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
const flagArgs = args.filter((a) => !a.endsWith('.ts'))
const files = fileArgs.length > 0 ? fileArgs : roots.flatMap((r) => walk(r, [])).sort()
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
// Two test files at a time: most of the long files (devnets, chains, node processes) spend their time
// waiting on block times, barriers and deadlines, not on the CPU, so two overlap well even on two cores
// (Node's default on a 2-core machine is one). ENIGMA_TEST_CONCURRENCY (or --test-concurrency) overrides.
const concurrency = flagArgs.some((a) => a.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${process.env.ENIGMA_TEST_CONCURRENCY ?? 2}`]
const res = spawnSync(
  process.execPath,
  ['--conditions=enigma-source', '--import', 'tsx', '--import', './src/common/polyfill.mjs', '--test', '--test-reporter=spec', ...concurrency, ...flagArgs, ...files],
  { cwd: root, stdio: 'inherit' },
)
process.exit(res.status ?? 1)
