import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KERNEL_SOURCES, assembleWat } from './assemble.ts'
import { wasmBytes } from './kernel.ts'

test('committed wasm bytes are exactly the assembled WAT sources (run `npm run build:wasm` after editing *.wat.ts)', async () => {
  for (const [name, gen] of Object.entries(KERNEL_SOURCES)) {
    const fresh = await assembleWat(`${name}.wat`, gen())
    const committed = wasmBytes(name as 'p61' | 'p127')
    assert.deepEqual(committed, fresh, `${name}: kernels.generated.ts is stale`)
    assert.ok(WebAssembly.validate(committed as Uint8Array<ArrayBuffer>))
  }
})
