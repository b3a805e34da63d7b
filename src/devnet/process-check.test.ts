/**
 * Defect 11 of issue #15: `devnet down` signalled whatever process had the pid of a possibly stale
 * state file. Now only the devnet that wrote it (same pid and start time) is signalled.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile, access } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isOurProcess, processStartTime, signalIfOurs } from './process-check.ts'

const bin = fileURLToPath(new URL('../../bin/enigma.mjs', import.meta.url))

test('isOurProcess: same pid and start time only; gone or reused pids are not ours; signalIfOurs never throws', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  try {
    await new Promise((r) => child.once('spawn', r))
    const start = processStartTime(child.pid!)
    assert.ok(start, '/proc start time readable')
    assert.equal(isOurProcess({ pid: child.pid!, startTime: start }), true)
    assert.equal(isOurProcess({ pid: child.pid!, startTime: String(Number(start) + 1) }), false)
    assert.equal(signalIfOurs({ pid: child.pid!, startTime: '1' }, 'SIGTERM'), 'not-ours')
    assert.equal(child.exitCode, null)
    assert.equal(isOurProcess({ pid: 2 ** 22 + 11 }), false)
    assert.equal(signalIfOurs({ pid: 2 ** 22 + 11 }, 'SIGTERM'), 'gone')
    assert.equal(isOurProcess({ pid: 1 }), false)
    assert.equal(isOurProcess({ pid: -5 }), false)
  } finally {
    child.kill('SIGKILL')
  }
})

test('enigma devnet down with a stale state file leaves the process now holding that pid alone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-down-'))
  // An unrelated long-running process of ours took the pid the state file names.
  const bystander = spawn('sleep', ['60'], { stdio: 'ignore' })
  try {
    await new Promise((r) => bystander.once('spawn', r))
    const state = join(dir, 'devnet.json')
    await writeFile(state, JSON.stringify({
      version: 1, pid: bystander.pid, pidStartTime: '12345', rpcUrl: 'http://127.0.0.1:1', chainId: 31337,
      controller: `0x${'00'.repeat(20)}`, deployer: {}, accounts: [], threshold: 1, nodes: [], circuitsDir: dir, startedAt: '',
    }))
    const r = spawnSync(process.execPath, [bin, 'devnet', 'down', '--state', state], { encoding: 'utf8', timeout: 120_000 })
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /not running/)
    await new Promise((res) => setTimeout(res, 300))
    assert.equal(bystander.exitCode, null, 'the bystander was signalled')
    assert.equal(bystander.signalCode, null, 'the bystander was signalled')
    await assert.rejects(access(state), 'stale state file removed')
  } finally {
    bystander.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
  }
})
