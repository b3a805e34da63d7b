import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { compileContracts, generatedDir, testGeneratedDir } from './compile.ts'

test('the committed artifacts in src/chain/generated and src/chain/testing/generated are what the Solidity sources compile to', () => {
  const files = compileContracts()
  const committed = [generatedDir, testGeneratedDir].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)))
  assert.deepEqual([...files.keys()].sort(), committed.sort())
  for (const [path, text] of files) {
    assert.ok(readFileSync(path, 'utf8') === text, `${path} is stale: run npm run build:contracts`)
  }
  // EIP-170: the runtime code (here bounded by the whole creation code) is deployable on a real chain.
  const bytecode = /Bytecode = '0x([0-9a-f]*)'/.exec(files.get(join(generatedDir, 'EnigmaController.ts'))!)![1]!
  assert.ok(bytecode.length / 2 < 24_576, `runtime+init code ${bytecode.length / 2} bytes`)
  // OpenZeppelin comes from node_modules (the import callback), not from a copy under contracts/.
  assert.ok(!readdirSync(join(generatedDir, '..', '..', '..', 'contracts')).includes('Signatures.sol'))
})
