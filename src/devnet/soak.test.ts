/**
 * The soak in the default suite (issue #12, item 6: "a 3-minute run of it belongs in npm test"):
 * `npm run soak -- --minutes 3 --seed 12` as a separate process, its JSON report checked: tasks
 * completed correctly, faults injected and every detectable one detected, and the figures that must be
 * zero are zero (wrong outputs accepted, honest nodes slashed, inputs lost). The 3 minutes hold every
 * task (a task starts only if it is expected to end inside them); the devnet's start-up comes on top.
 * `npm run test:soak` is the longer run (ENIGMA_SOAK_MINUTES, fractions allowed; ENIGMA_SOAK_SEED).
 * The helpers are tested first, on their own.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { percentile, Rng, soakViolations, spareFor, SOAK_NODES, TASK_N, type SoakReport } from './soak.ts'
import { pinnedAddresses } from './soak-nodes.ts'
import { sameOutputs } from './soak-check.ts'
import { soakTable } from './soak-table.ts'

const MINUTES = process.env.ENIGMA_SOAK_MINUTES ?? '3'
const SEED = process.env.ENIGMA_SOAK_SEED ?? '12'
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

test('soak helpers: a seed replays its schedule; a faulty task\'s spare; percentiles; outputs compared exactly (fixed point to one unit); ports pinned on restart', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43)
  const draw = (r: Rng) => Array.from({ length: 20 }, () => r.int(0, 1000))
  assert.deepEqual(draw(a), draw(b))
  assert.notDeepEqual(draw(new Rng(42)), draw(c))
  for (let i = 0; i < 1000; i++) { const x = a.int(3, 7); assert.ok(x >= 3 && x < 7) }
  assert.equal(percentile([], 50), null)
  assert.deepEqual([percentile([5, 1, 3], 50), percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), percentile([7], 95)], [3, 10, 7])
  assert.ok(sameOutputs({ winner: 1, price: 870_499 }, { price: 870_499, winner: 1 }))
  assert.ok(!sameOutputs({ winner: 1, price: 870_498 }, { winner: 1, price: 870_499 }))
  assert.ok(!sameOutputs({ winner: 1 }, { winner: 1, price: 2 }))
  assert.ok(sameOutputs({ score: 1.25 + 2 ** -16 }, { score: 1.25 }))
  assert.ok(!sameOutputs({ score: 1.25 + 2 ** -12 }, { score: 1.25 }))
  assert.ok(!sameOutputs({ yes: true }, { yes: false }))
  assert.deepEqual(
    pinnedAddresses({ dataDir: 'd', listen: ['/ip4/10.1.2.3/tcp/0'], apiHost: '10.1.2.3' }, { multiaddrs: ['/ip4/10.1.2.3/tcp/40123/p2p/12D3'], api: 'http://10.1.2.3:40999' }),
    { dataDir: 'd', listen: ['/ip4/10.1.2.3/tcp/40123'], apiHost: '10.1.2.3', apiPort: 40999 },
  )
  // A re-run draws n active nodes without the suspended culprit: one node more than a committee, and a
  // faulty task's spare (kept out of its first draw) is never its victim and may be any other node.
  assert.equal(SOAK_NODES, TASK_N + 1)
  for (let victim = 0; victim < SOAK_NODES; victim++) {
    const seen = new Set<number>()
    const r = new Rng(victim)
    for (let i = 0; i < 200; i++) seen.add(spareFor(r, SOAK_NODES, victim))
    assert.deepEqual([...seen].sort(), Array.from({ length: SOAK_NODES }, (_, i) => i).filter((i) => i !== victim))
  }
  const zero = { wrongAccepted: 0, honestSlashed: 0, inputsLost: 0 } as SoakReport
  assert.deepEqual(soakViolations(zero), [])
  assert.equal(soakViolations({ ...zero, wrongAccepted: 1, inputsLost: 2 }).length, 2)
})

// Generous deadline: on the loaded development machine the devnet alone took 240–330 s to start.
test(`npm run soak -- --minutes ${MINUTES} --seed ${SEED}: tasks complete correctly, faults are detected, no wrong output, no honest node slashed, no input lost`, { timeout: (Number(MINUTES) * 60 + 900) * 1000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-soak-test-'))
  let passed = false
  try {
    const json = join(dir, 'soak.json')
    const child = spawn(process.execPath, ['--conditions=enigma-source', '--import', 'tsx', '--import', './src/common/polyfill.mjs', 'src/devnet/soak-main.ts', '--minutes', MINUTES, '--seed', SEED, '--json', json, '--dir', join(dir, 'run')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => { output += d })
    child.stderr.on('data', (d: Buffer) => { output += d })
    const code = await new Promise<number | null>((r) => child.once('exit', r))
    assert.equal(code, 0, output)
    const r = JSON.parse(await readFile(json, 'utf8')) as SoakReport
    for (const line of soakTable(r)) t.diagnostic(line)
    assert.deepEqual([r.wrongAccepted, r.honestSlashed, r.inputsLost], [0, 0, 0], output)
    assert.ok(r.tasks >= 2 && r.completedCorrectly >= 1, output)
    assert.ok(Object.values(r.faults).reduce((x, y) => x + y, 0) >= 1, output)
    assert.equal(r.detected, r.detectable, output)
    // The printed table is the report's.
    for (const line of soakTable(r).slice(2, 6)) assert.ok(output.includes(line), line)
    // A run with an honest node suspended or a task without a result passes (neither is a must-be-0
    // figure: docs/faults.md "Limits of the evidence") but keeps its logs like a failed one.
    passed = r.honestSuspended === 0 && r.failed === 0
  } finally {
    // A failed run keeps its devnet folder (every node's node.log) for the post-mortem.
    if (passed) await rm(dir, { recursive: true, force: true })
    else t.diagnostic(`soak folder kept: ${dir}`)
  }
})
