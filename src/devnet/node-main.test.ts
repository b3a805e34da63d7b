/**
 * Defect 11 of issue #15: a devnet node process that fails to start used to stay alive (its stdin
 * watcher kept it running), so its parent waited for the ready line until its 300 s timeout. It must
 * exit at once with a non-zero code, and the parent must report why.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isEnigmaError } from '../common/errors.ts'
import { freePort } from '../chain/testing/hardhat-node.ts'
import { spawnNode } from './node-process.ts'

test('a node that cannot start (no chain at its RPC URL) exits, and spawnNode fails fast', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-node-fail-'))
  try {
    const t0 = Date.now()
    await assert.rejects(spawnNode({
      index: 0, dir,
      config: { rpcUrl: `http://127.0.0.1:${await freePort()}`, controller: `0x${'11'.repeat(20)}`, node: { dataDir: join(dir, 'data') } },
    }), (e) => isEnigmaError(e, 'DEVNET_NODE_FAILED') && /exited during start/.test((e as Error).message))
    assert.ok(Date.now() - t0 < 90_000, `took ${Date.now() - t0} ms`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
