/**
 * The SDK runs in browsers: bundling src/sdk/index.ts for the browser platform must succeed with no
 * Node built-in module in the graph (esbuild fails on an unresolvable node:* import there).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

test('src/sdk bundles for the browser without node:* modules', async () => {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', target: 'es2022',
  })
  const inputs = Object.keys(r.metafile.inputs)
  const nodeOnly = inputs.filter((p) => /^node:|\/(node_modules\/)?(fs|net|child_process|crypto)(\/|$)/.test(p) && !p.includes('@noble'))
  assert.deepEqual(nodeOnly, [])
  // The members' libsecp256k1 recovery (node/input-batch-recover.ts) reads a .wasm file from disk: node only.
  assert.deepEqual(inputs.filter((p) => p.includes('tiny-secp256k1') || p.includes('input-batch-recover') || p.includes('input-batch-book')), [])
  assert.ok(inputs.some((p) => p.includes('src/sharing/envelope.ts')), 'the envelope code is in the bundle')
  assert.ok(r.outputFiles[0]!.text.length > 0)
})
