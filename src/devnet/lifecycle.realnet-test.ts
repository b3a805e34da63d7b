/**
 * `enigma devnet up` on a chain that looks like a real network (chain id 4242, 1.5 s blocks), as a
 * user runs it (issue #15): the state file names that chain; `npm start`-style `devnet demo` on the
 * same folder is refused while it runs (defect 10); a node that dies makes `up` exit non-zero and
 * remove its state file (defect 11). Run by `npm run test:realnet`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DevnetState } from './state.ts'

const bin = fileURLToPath(new URL('../../bin/enigma.mjs', import.meta.url))

test('devnet up --chain-id 4242 --block-time 1.5: refuses a second devnet in its folder, exits 1 when a node dies', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-lifecycle-'))
  const dir = join(root, 'devnet'), state = join(root, 'devnet.json')
  const up = spawn(process.execPath, [bin, 'devnet', 'up', '--nodes', '3', '--threshold', '1', '--chain-id', '4242', '--block-time', '1.5', '--dir', dir, '--state', state], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  up.stderr.on('data', (c: Buffer) => { err += c })
  const exited = new Promise<number | null>((r) => up.once('exit', (c) => r(c)))
  try {
    let s: DevnetState | undefined
    for (let i = 0; i < 1200 && !s && up.exitCode === null; i++) {
      s = await readFile(state, 'utf8').then((t) => JSON.parse(t) as DevnetState).catch(() => undefined)
      if (!s) await new Promise((r) => setTimeout(r, 250))
    }
    assert.ok(s, `devnet did not come up: ${err.slice(-2000)}`)
    assert.equal(s.chainId, 4242)
    assert.equal(s.blockTimeMs, 1500)
    assert.ok(BigInt(s.fromBlock ?? '0') > 0n, 'scans start at the controller deployment block')
    // The demo (npm start) pointed at the running devnet's folder refuses instead of wiping it.
    const demo = spawnSync(process.execPath, [bin, 'devnet', 'demo', '--ci', '--dir', dir], { encoding: 'utf8', timeout: 120_000 })
    assert.notEqual(demo.status, 0)
    assert.match(demo.stderr, /DEVNET_DIR_IN_USE/)
    await access(join(dir, 'node0', 'keys.json'))
    // A node dies: the devnet stops and `up` says so with a non-zero exit code.
    process.kill(s.nodes[1]!.pid, 'SIGKILL')
    const code = await exited
    assert.equal(code, 1, err.slice(-2000))
    assert.match(err, /node 1 exited/)
    await assert.rejects(access(state), 'state file removed')
  } finally {
    if (up.exitCode === null) { up.kill('SIGKILL'); await exited }
    await rm(root, { recursive: true, force: true })
  }
})
