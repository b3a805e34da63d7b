/**
 * `npm run bench:targets`: issue #14's targets (bench/targets.ts) against the newest
 * bench/results/{mpc,nodes,e2e,wan}.json, as a table and as bench/results/targets.json. It measures
 * nothing itself: run the benchmarks first, on a quiet machine (docs/performance.md). Exits 0 whether
 * or not every target is met (a miss is a finding, explained in docs/performance.md, not an error).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { evaluateTargets, formatTargets, type BenchResults } from './targets.ts'

const results = new URL('./results/', import.meta.url)
async function read<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(new URL(name, results), 'utf8')) as T
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

const input: BenchResults = {
  mpc: await read('mpc.json'), nodes: await read('nodes.json'), e2e: await read('e2e.json'), wan: await read('wan.json'),
}
const rows = evaluateTargets(input)
console.log(formatTargets(rows))
const count = (s: string) => rows.filter((r) => r.status === s).length
console.log(`\n${count('met')} met, ${count('not met')} not met, ${count('not measured')} not measured (load = 1-min load average when the record was made)`)
console.log('MP-SPDZ = the issue\'s figure from another machine of this kind; this one is ≈ 2× slower for the same code (docs/performance.md).')
await writeFile(new URL('targets.json', results), JSON.stringify({ bench: 'targets', issue: 14, date: new Date().toISOString(), rows }, null, 2) + '\n')
console.log('wrote bench/results/targets.json')
