/**
 * `enigma init [dir] [--force] [--json]`: scaffold a secret-contract project in the style of
 * `hardhat init` (files in init-template.ts). An existing package.json is kept: only missing fields,
 * scripts and dependencies are added.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { Command } from '../main.ts'
import { CliUsageError, parseCommandArgs } from '../args.ts'
import { scaffoldFiles, scaffoldPackageJson } from '../init-template.ts'
import { ownPackageJson } from '../version.ts'

export const INIT_USAGE = `Usage: enigma init [dir] [--force] [--json]

Creates a secret-contract project in dir (default: the current folder): package.json depending on
enigma-ts, contracts/team-salaries.ts with its plaintext reference, inputs/team-salaries.json, a
node:test test that runs the contract with the local runner, tsconfig.json and a README.
An existing package.json is kept and completed; other existing files are left alone unless --force.

Examples:
  npx enigma init my-project && cd my-project && npm install && npm test
  npx enigma init . --force`

type Pkg = Record<string, unknown> & { scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }

/** Adds what the scaffold needs to an existing package.json without changing anything already there. */
function mergePackageJson(existing: Pkg, wanted: Pkg): Pkg {
  const out: Pkg = { ...wanted, ...existing }
  for (const key of ['scripts', 'dependencies', 'devDependencies'] as const) {
    const have = existing[key] ?? {}
    // A dependency listed in either section counts as present (e.g. `npm install ./enigma-ts.tgz`).
    const elsewhere = key === 'scripts' ? {} : { ...existing.dependencies, ...existing.devDependencies }
    const add = Object.fromEntries(Object.entries(wanted[key] ?? {}).filter(([k]) => !(k in have) && !(k in elsewhere)))
    out[key] = { ...have, ...add }
  }
  return out
}

export const initCommand: Command = {
  name: 'init',
  summary: 'create a secret-contract project (contract, reference, inputs, test)',
  async run(args) {
    const p = parseCommandArgs(args, { force: { type: 'boolean' } }, INIT_USAGE)
    if (p.help) { console.log(INIT_USAGE); return 0 }
    if (p.positionals.length > 1) throw new CliUsageError(`unexpected argument '${p.positionals[1]}'`, INIT_USAGE)
    const dir = resolve(p.positionals[0] ?? '.')
    const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'enigma-project'
    const force = p.values.force === true
    const files = scaffoldFiles(name)
    const clash = files.filter((f) => existsSync(join(dir, f.path)))
    if (clash.length > 0 && !force) {
      throw new CliUsageError(`${clash.map((f) => f.path).join(', ')} already exist in ${dir}; choose an empty folder or pass --force to overwrite them`)
    }
    const own = ownPackageJson()
    const dev = own.devDependencies ?? {}
    const wanted = scaffoldPackageJson(name, own.version, `^${dev.typescript ?? '5.9.3'}`, `^${dev.hardhat ?? '2.29.1'}`) as Pkg
    const pkgPath = join(dir, 'package.json')
    const hadPkg = existsSync(pkgPath)
    const pkg = hadPkg ? mergePackageJson(JSON.parse(await readFile(pkgPath, 'utf8')) as Pkg, wanted) : wanted
    const say = (l: string) => { if (!p.json) console.log(l) }
    say(`Creating an Enigma project in ${dir}`)
    await mkdir(dir, { recursive: true })
    await writeFile(pkgPath, JSON.stringify(pkg, null, 2) + '\n')
    say(`  ${hadPkg ? 'updated' : 'created'} package.json`)
    for (const f of files) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true })
      await writeFile(join(dir, f.path), f.text)
      say(`  created ${f.path}`)
    }
    const cd = p.positionals[0] !== undefined && resolve(p.positionals[0]) !== process.cwd() ? p.positionals[0] : ''
    if (p.json) console.log(JSON.stringify({ dir, packageJson: hadPkg ? 'updated' : 'created', files: files.map((f) => f.path) }))
    else {
      console.log('\nNext:')
      if (cd) console.log(`  cd ${cd}`)
      console.log('  npm install\n  npm test\n  npx enigma run contracts/team-salaries.ts --param members=4 --inputs inputs/team-salaries.json\nSee README.md for devnet up and submit.')
    }
    return 0
  },
}
