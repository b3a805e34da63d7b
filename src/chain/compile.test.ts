import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { compileContracts, generatedDir } from './compile.ts'

test('the committed artifacts in src/chain/generated are what the Solidity sources compile to', () => {
  const files = compileContracts()
  assert.deepEqual([...files.keys()].sort(), readdirSync(generatedDir).filter((f) => f.endsWith('.ts')).sort())
  for (const [name, text] of files) {
    assert.ok(readFileSync(join(generatedDir, name), 'utf8') === text, `src/chain/generated/${name} is stale: run npm run build:contracts`)
  }
  // EIP-170: deployable on a real chain, not only on a permissive local one.
  const bytecode = /Bytecode = '0x([0-9a-f]*)'/.exec(files.get('EnigmaController.ts')!)![1]!
  assert.ok(bytecode.length / 2 < 24_576, `runtime+init code ${bytecode.length / 2} bytes`)
})
