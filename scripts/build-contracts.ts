/**
 * `npm run build:contracts`: compiles contracts/*.sol with the pinned npm solc into
 * src/chain/generated/*.ts (committed). See src/chain/compile.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { compileContracts, repoRoot } from '../src/chain/compile.ts'

const started = Date.now()
for (const [path, text] of compileContracts()) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  console.log(`wrote ${relative(repoRoot, path)} (${text.length} chars)`)
}
console.log(`compiled in ${Date.now() - started} ms`)
