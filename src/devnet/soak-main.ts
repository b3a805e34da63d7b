/**
 * `npm run soak -- --minutes M [--seed S] [--json out.json] [--topology loopback|netns] [--dir DIR]`:
 * runs the soak (src/devnet/soak.ts), prints its table, and exits 1 when a figure that must be zero
 * is not (wrong outputs accepted, honest nodes slashed, inputs lost) or when no task completed.
 * `--minutes` takes fractions (0.5 = 30 s of tasks); the devnet's start-up comes on top.
 */
import { parseArgs } from 'node:util'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomInt } from 'node:crypto'
import { runSoak, soakViolations, SOAK_FAULTS, type SoakFault } from './soak.ts'
import { soakTable } from './soak-table.ts'
import { createNetnsTopology, type NetnsTopology } from './netns.ts'

const USAGE = 'usage: npm run soak -- --minutes M [--seed S] [--json out.json] [--topology loopback|netns] [--dir DIR] [--faults KIND,…]'

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' }, topology: { type: 'string' }, dir: { type: 'string' }, faults: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  })
  if (values.help) { console.log(USAGE); return 0 }
  const minutes = Number(values.minutes ?? '3')
  if (!/^[0-9]*\.?[0-9]+$/.test(values.minutes ?? '3') || !(minutes > 0) || minutes > 24 * 60) throw new Error(`--minutes must be a positive number of minutes, got '${values.minutes}'. ${USAGE}`)
  if (values.seed !== undefined && !/^[0-9]{1,10}$/.test(values.seed)) throw new Error(`--seed must be a non-negative integer. ${USAGE}`)
  const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : randomInt(0, 2 ** 31)
  const topologyName = values.topology ?? 'loopback'
  if (topologyName !== 'loopback' && topologyName !== 'netns') throw new Error(`--topology must be loopback or netns. ${USAGE}`)
  const faults = values.faults?.split(',').map((f) => f.trim()) as SoakFault[] | undefined
  for (const f of faults ?? []) if (!SOAK_FAULTS.includes(f)) throw new Error(`--faults: unknown kind '${f}' (${SOAK_FAULTS.join(', ')})`)
  const ac = new AbortController()
  const onSignal = () => ac.abort(new Error('interrupted'))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const dir = values.dir ?? await mkdtemp(join(tmpdir(), 'enigma-soak-'))
  let topology: NetnsTopology | undefined
  try {
    if (topologyName === 'netns') topology = await createNetnsTopology({ nodes: 5 })
    const report = await runSoak({ minutes, seed, dir, topology, signal: ac.signal, faults })
    console.log('')
    for (const line of soakTable(report)) console.log(line)
    if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2) + '\n')
    const bad = soakViolations(report)
    if (report.completedCorrectly === 0) bad.push('no task completed')
    if (bad.length > 0) { console.error(`soak FAILED: ${bad.join('; ')}`); return 1 }
    return 0
  } finally {
    await topology?.close()
    if (!values.dir) await rm(dir, { recursive: true, force: true })
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`soak: ${(e as Error).message}`)
  process.exit(1)
})
