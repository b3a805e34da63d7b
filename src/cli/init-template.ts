/**
 * What `enigma init` writes: the files under templates/init/ (a project in the style of `hardhat
 * init`: one secret contract with its plaintext reference, an inputs file, a node:test test that
 * checks the contract with the local runner, tsconfig, README) and the package.json fields.
 * templates/ is shipped in the package; the path is the same from src/cli/ and dist/cli/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ScaffoldFile {
  readonly path: string
  readonly text: string
}

const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/init/', import.meta.url))
/** npm leaves `.gitignore` out of packages, so the template holds it without the dot. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' }

/** The scaffold's package.json fields; `enigma init` merges them into an existing package.json. */
export function scaffoldPackageJson(name: string, enigmaVersion: string, typescriptVersion: string, hardhatVersion: string) {
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      test: 'node --import enigma-ts/register --test test/team-salaries.test.ts',
      compile: 'enigma compile contracts/team-salaries.ts --param members=4',
      'run-local': 'enigma run contracts/team-salaries.ts --param members=4 --inputs inputs/team-salaries.json',
    },
    dependencies: { 'enigma-ts': `^${enigmaVersion}` },
    devDependencies: { '@types/node': '^20.10.0', hardhat: hardhatVersion, typescript: typescriptVersion },
  }
}

export function scaffoldFiles(name: string): ScaffoldFile[] {
  const out: ScaffoldFile[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry)
      if (statSync(p).isDirectory()) { walk(p); continue }
      const rel = relative(TEMPLATE_DIR, p).split('\\').join('/')
      out.push({ path: RENAMED[rel] ?? rel, text: readFileSync(p, 'utf8').replaceAll('{{name}}', name) })
    }
  }
  walk(TEMPLATE_DIR)
  return out
}
