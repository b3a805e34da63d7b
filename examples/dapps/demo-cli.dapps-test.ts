/**
 * `npm run test:dapps`: `enigma devnet demo --contract nft-auction --ci --json` brings up its own
 * devnet, runs the NFT auction dApp and exits 0 only if the NFT went to the reference's winner at the
 * reference's price. (The default suite runs the same demo code on a shared devnet: dapps.e2e.test.ts.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

test('enigma devnet demo --contract nft-auction exits 0; the NFT changed hands to the winner', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-nft-demo-'))
  const bin = fileURLToPath(new URL('../../bin/enigma.mjs', import.meta.url))
  const child = spawn(process.execPath, [bin, 'devnet', 'demo', '--contract', 'nft-auction', '--ci', '--json', '--dir', join(dir, 'devnet')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = '', err = ''
  child.stdout.on('data', (c: Buffer) => { out += c })
  child.stderr.on('data', (c: Buffer) => { err += c })
  const timer = setTimeout(() => child.kill('SIGINT'), 480_000)
  try {
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))
    assert.equal(code, 0, `demo failed: ${err.slice(-2000)}`)
    const summary = JSON.parse(out.trim().split('\n').pop()!) as { contract: string; outputs: { winner: number; price: number; sold: boolean }; matchesReference: boolean; committee: string[] }
    assert.equal(summary.contract, 'nft-auction')
    assert.equal(summary.matchesReference, true)
    assert.equal(summary.outputs.sold, true)
    assert.equal(summary.committee.length, 5)
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null) { child.kill('SIGKILL'); await new Promise((r) => child.once('exit', r)) }
    await rm(dir, { recursive: true, force: true })
  }
})
