/**
 * The `npm start` path, non-interactive: `enigma devnet demo --ci --json` brings up a devnet, runs the
 * 5-bidder auction and exits 0 only if the result equals the plaintext reference. The demo stops its
 * own processes; the test kills the demo (and so, through their stdin pipes, its nodes and chain) if
 * it overruns.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

test('enigma devnet demo --ci exits 0 with the auction result', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-demo-e2e-'))
  const bin = fileURLToPath(new URL('../../bin/enigma.mjs', import.meta.url))
  // `npm run test:realnet`: the same on another chain id with interval mining (issue #15).
  const realnet = [
    ...(process.env.ENIGMA_E2E_CHAIN_ID ? ['--chain-id', process.env.ENIGMA_E2E_CHAIN_ID] : []),
    ...(process.env.ENIGMA_E2E_BLOCK_MS ? ['--block-time', String(Number(process.env.ENIGMA_E2E_BLOCK_MS) / 1000)] : []),
  ]
  const child = spawn(process.execPath, [bin, 'devnet', 'demo', '--ci', '--json', '--dir', join(dir, 'devnet'), ...realnet], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = '', err = ''
  child.stdout.on('data', (c: Buffer) => { out += c })
  child.stderr.on('data', (c: Buffer) => { err += c })
  const timer = setTimeout(() => child.kill('SIGINT'), 420_000)
  try {
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))
    assert.equal(code, 0, `demo failed: ${err.slice(-2000)}`)
    const summary = JSON.parse(out.trim().split('\n').pop()!) as { outputs: { winner: number; price: number }; matchesReference: boolean; committee: string[] }
    assert.equal(summary.matchesReference, true)
    assert.equal(summary.committee.length, 5)
    assert.ok(Number.isInteger(summary.outputs.winner) && summary.outputs.price > 0)
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null) { child.kill('SIGKILL'); await new Promise((r) => child.once('exit', r)) }
    await rm(dir, { recursive: true, force: true })
  }
})
