/**
 * `npm run build:contracts`: compiles contracts/*.sol with the pinned npm solc into
 * src/chain/generated/*.ts (committed). See src/chain/compile.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { compileContracts, generatedDir } from '../src/chain/compile.ts'

const started = Date.now()
const files = compileContracts()
mkdirSync(generatedDir, { recursive: true })
for (const [name, text] of files) {
  writeFileSync(join(generatedDir, name), text)
  console.log(`wrote src/chain/generated/${name} (${text.length} chars)`)
}
console.log(`compiled in ${Date.now() - started} ms`)
