import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { compileContracts, dappsGeneratedDir, generatedDir, SOLC_CACHE_DIR, testGeneratedDir } from './compile.ts'

// The compile is reused from .enigma/cache when solc's whole input (compiler, sources, settings and every
// imported file) is byte-identical to an earlier run's (compile.ts `CompileCacheOptions`): a clean clone
// (CI) compiles, a second run in the same tree costs no 70 CPU-s. ENIGMA_SOLC_CACHE=0 always compiles.
const cache = { dir: SOLC_CACHE_DIR, reuse: process.env.ENIGMA_SOLC_CACHE !== '0' }

test('the committed artifacts in src/chain/generated, src/chain/testing/generated and examples/dapps/generated are what the Solidity sources compile to', () => {
  const runtimeSizes = new Map<string, number>()
  const files = compileContracts(runtimeSizes, cache)
  const committed = [generatedDir, testGeneratedDir, dappsGeneratedDir].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)))
  assert.deepEqual([...files.keys()].sort(), committed.sort())
  for (const [path, text] of files) {
    assert.ok(readFileSync(path, 'utf8') === text, `${path} is stale: run npm run build:contracts`)
  }
  // A real chain refuses to deploy runtime code above 24 576 bytes (EIP-170) and creation code above
  // 49 152 bytes (EIP-3860), whatever a test chain allows: every contract of contracts/ stays below.
  assert.ok(runtimeSizes.has('EnigmaController.sol:EnigmaController'))
  for (const [name, size] of runtimeSizes) assert.ok(size <= 24_576, `${name}: runtime code ${size} bytes > 24 576 (EIP-170)`)
  for (const [path, text] of files) {
    const creation = /Bytecode = '0x([0-9a-f]*)'/.exec(text)![1]!.length / 2
    assert.ok(creation <= 49_152, `${path}: creation code ${creation} bytes > 49 152 (EIP-3860)`)
  }
  // OpenZeppelin comes from node_modules (the import callback), not from a copy under contracts/.
  assert.ok(!readdirSync(join(generatedDir, '..', '..', '..', 'contracts')).includes('Signatures.sol'))
})
