/**
 * Test-only entry point of a secret node process (the restart matrix, issue #15): the same node as
 * `enigma node start --config <file>`, plus pause points read from `<dataDir>/pause.json`
 * (`{"point": PausePoint, "taskId": "0x…"}`), so a test can stop a node at a task state and kill it
 * there. When the node stops at a point it writes `<dataDir>/paused.json`. Also the injected faults of
 * issue #12 (`src/node/faults.ts`): `<dataDir>/fault.json` (`{"behaviour": FaultBehaviour}`) is read as
 * each computation starts, and the node writes `<dataDir>/fault-injected.json` when the fault acts.
 * Normal configuration cannot reach this: it is a different program, started only by `testing/cluster.ts`.
 *
 *   node --import tsx --import ./src/common/polyfill.mjs src/node/testing/node-main.ts <config.json>
 */
import { readFile, writeFile } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkConfig, loadConfigFile } from '../config.ts'
import { SecretNode } from '../secret-node.ts'
import { engineCompute } from '../engine-adapter.ts'
import type { PausePoint } from '../test-hooks.ts'
import { isFaultBehaviour, withFault, type FaultBehaviour } from '../faults.ts'

const config = checkConfig(await loadConfigFile(process.argv[2]!))
const pauseFile = join(config.dataDir, 'pause.json')

async function wanted(point: PausePoint, taskId: string): Promise<boolean> {
  try {
    const p = JSON.parse(await readFile(pauseFile, 'utf8')) as { point?: string; taskId?: string }
    return p.point === point && (p.taskId ?? '').toLowerCase() === taskId.toLowerCase()
  } catch {
    return false
  }
}

async function fault(): Promise<FaultBehaviour | undefined> {
  try {
    const f = JSON.parse(await readFile(join(config.dataDir, 'fault.json'), 'utf8')) as { behaviour?: string }
    return f.behaviour && isFaultBehaviour(f.behaviour) ? f.behaviour : undefined
  } catch {
    return undefined
  }
}

const node = new SecretNode(config, {
  compute: withFault(engineCompute, {
    behaviour: fault,
    // Synchronous: `crash` ends the process right after this returns.
    onInject: (behaviour) => writeFileSync(join(config.dataDir, 'fault-injected.json'), JSON.stringify({ behaviour, pid: process.pid })),
  }),
  testHooks: {
    pauseAt: wanted,
    onPause: (point, taskId) => writeFile(join(config.dataDir, 'paused.json'), JSON.stringify({ point, taskId, pid: process.pid })),
  },
})
const stop = () => { void node.stop().finally(() => process.exit(0)) }
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
try {
  await node.start()
} catch (e) {
  console.error(e)
  await node.stop()
  process.exit(1)
}
console.log(JSON.stringify(node.info()))
