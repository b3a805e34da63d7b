/** `enigma init`: the scaffold's files, completing (never overwriting) an existing package.json, no clobbering. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initCommand } from './init.ts'

function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log
  console.log = () => {}
  return fn().finally(() => { console.log = log })
}

test('init writes the project; the contract file imports the package by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-init-'))
  try {
    assert.equal(await quiet(() => initCommand.run([join(dir, 'My Project')])), 0)
    const root = join(dir, 'My Project')
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    assert.equal(pkg.name, 'my-project')
    assert.equal(pkg.type, 'module')
    assert.match(pkg.dependencies['enigma-ts'], /^\^\d+\.\d+\.\d+$/)
    assert.ok(pkg.devDependencies.hardhat && pkg.devDependencies.typescript)
    assert.match(pkg.scripts.test, /--import enigma-ts\/register --test test\/team-salaries\.test\.ts/)
    assert.match(readFileSync(join(root, 'contracts/team-salaries.ts'), 'utf8'), /from 'enigma-ts'/)
    assert.match(readFileSync(join(root, 'test/team-salaries.test.ts'), 'utf8'), /from 'enigma-ts\/testing'/)
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'inputs/team-salaries.json'), 'utf8')).salaries.length, 4)
    assert.match(readFileSync(join(root, 'README.md'), 'utf8'), /^# my-project\n[\s\S]*devnet up[\s\S]*submit/)
    assert.equal(readFileSync(join(root, '.gitignore'), 'utf8'), 'node_modules/\n.enigma/\n')
    // A second init does not clobber the user's work…
    await assert.rejects(quiet(() => initCommand.run([root])), /already exist.*--force/)
    // …unless asked to.
    assert.equal(await quiet(() => initCommand.run([root, '--force'])), 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('init completes an existing package.json and keeps what is there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-init-'))
  try {
    mkdirSync(join(dir, 'app'))
    const mine = { name: 'mine', version: '3.0.0', dependencies: { 'enigma-ts': 'file:enigma-ts-0.1.0.tgz', viem: '2.0.0' }, devDependencies: { typescript: '5.7.0' }, scripts: { test: 'vitest' } }
    writeFileSync(join(dir, 'app/package.json'), JSON.stringify(mine))
    assert.equal(await quiet(() => initCommand.run([join(dir, 'app'), '--json'])), 0)
    const pkg = JSON.parse(readFileSync(join(dir, 'app/package.json'), 'utf8'))
    assert.deepEqual([pkg.name, pkg.version, pkg.scripts.test], ['mine', '3.0.0', 'vitest'])
    assert.equal(pkg.dependencies['enigma-ts'], 'file:enigma-ts-0.1.0.tgz')
    assert.equal(pkg.devDependencies.typescript, '5.7.0')
    assert.equal(pkg.devDependencies['enigma-ts'], undefined, 'not added twice')
    assert.ok(pkg.devDependencies.hardhat && pkg.scripts.compile && pkg.type === 'module')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
