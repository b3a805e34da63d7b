// The page's bundle is built offline by esbuild and holds nothing Node-only (it runs in a browser).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bundleDashboard } from './bundle.ts'

test('the dashboard bundles for the browser: viem and the planner in, no node:* module', async () => {
  const b = await bundleDashboard()
  const nodeOnly = b.inputs.filter((p) => /^node:|\/(node_modules\/)?(fs|net|http|child_process)(\/|$)/.test(p))
  assert.deepEqual(nodeOnly, [])
  assert.ok(b.inputs.some((p) => p.includes('node_modules/viem/')), 'viem is bundled')
  assert.ok(b.inputs.some((p) => p.endsWith('src/chain/committee-planner.ts')), 'the planner is bundled')
  assert.ok(b.js.length > 10_000)
})
