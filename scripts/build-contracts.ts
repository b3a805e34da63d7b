/**
 * `npm run build:contracts`: compiles contracts/*.sol with the pinned npm solc into
 * src/chain/generated/*.ts (committed). See src/chain/compile.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { compileContracts, repoRoot, SOLC_CACHE_DIR } from '../src/chain/compile.ts'

const started = Date.now()
// Always compiles; the result is stored for compile.test.ts, which then need not compile the same input again.
for (const [path, text] of compileContracts(undefined, { dir: SOLC_CACHE_DIR, reuse: false })) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  console.log(`wrote ${relative(repoRoot, path)} (${text.length} chars)`)
}
console.log(`compiled in ${Date.now() - started} ms`)
