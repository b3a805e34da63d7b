/**
 * Defect 10 of issue #15: the devnet wipes its folder at start. It must refuse a folder that is not
 * a devnet's, and a devnet folder whose devnet still runs; it may wipe a dead devnet's folder.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isEnigmaError } from '../common/errors.ts'
import { startDevnet } from './devnet.ts'
import { claimDevnetDir, DEVNET_MARKER } from './devnet-dir.ts'
import { processStartTime } from './process-check.ts'

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'enigma-devnet-dir-'))
}

test('startDevnet refuses a folder that is not a devnet\'s and leaves every file in place', async () => {
  const root = await scratch()
  try {
    await writeFile(join(root, 'precious.txt'), 'do not delete')
    await mkdir(join(root, 'photos'))
    await assert.rejects(startDevnet({ dir: root, nodes: 3, threshold: 1 }), (e) => isEnigmaError(e, 'DEVNET_DIR_REFUSED'))
    assert.equal(await readFile(join(root, 'precious.txt'), 'utf8'), 'do not delete')
    assert.deepEqual((await readdir(root)).sort(), ['photos', 'precious.txt'])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('startDevnet refuses the folder of a devnet that still runs (its marker names a live process of ours)', async () => {
  const root = await scratch()
  const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  try {
    await new Promise((r) => owner.once('spawn', r))
    const ref = { pid: owner.pid!, startTime: processStartTime(owner.pid!) }
    await mkdir(join(root, 'node0'), { recursive: true })
    await writeFile(join(root, 'node0', 'keys.json'), '{}')
    await writeFile(join(root, DEVNET_MARKER), JSON.stringify({ kind: 'enigma-devnet', owner: ref, processes: [] }))
    await assert.rejects(startDevnet({ dir: root, nodes: 3, threshold: 1 }), (e) => isEnigmaError(e, 'DEVNET_DIR_IN_USE') && e.message.includes(String(owner.pid)))
    assert.equal(await readFile(join(root, 'node0', 'keys.json'), 'utf8'), '{}')
    // The same pid recorded with another start time is a reused pid, not that devnet: the folder is free.
    await writeFile(join(root, DEVNET_MARKER), JSON.stringify({ kind: 'enigma-devnet', owner: { ...ref, startTime: '1' }, processes: [] }))
    await claimDevnetDir(root)
    assert.deepEqual(await readdir(root), [DEVNET_MARKER])
  } finally {
    owner.kill('SIGKILL')
    await rm(root, { recursive: true, force: true })
  }
})

test('a dead devnet\'s folder, an empty folder, a missing one and an old-style devnet folder are claimed', async () => {
  const root = await scratch()
  try {
    const dead = join(root, 'dead')
    await mkdir(join(dead, 'circuits'), { recursive: true })
    await writeFile(join(dead, DEVNET_MARKER), JSON.stringify({ kind: 'enigma-devnet', owner: { pid: 2 ** 22 + 7 }, processes: [{ pid: 2 ** 22 + 8 }] }))
    await claimDevnetDir(dead)
    assert.deepEqual(await readdir(dead), [DEVNET_MARKER])
    const legacy = join(root, 'legacy')
    await mkdir(join(legacy, 'node0'), { recursive: true })
    await mkdir(join(legacy, 'circuits'))
    await claimDevnetDir(legacy)
    assert.deepEqual(await readdir(legacy), [DEVNET_MARKER])
    await mkdir(join(root, 'empty'))
    await claimDevnetDir(join(root, 'empty'))
    await claimDevnetDir(join(root, 'new', 'deeper'))
    const marker = JSON.parse(await readFile(join(root, 'new', 'deeper', DEVNET_MARKER), 'utf8')) as { owner: { pid: number } }
    assert.equal(marker.owner.pid, process.pid)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})
