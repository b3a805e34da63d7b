/**
 * The bundle cache (src/common/bundle-entry.ts) must never hand out a bundle of other sources: reused
 * only while every input file is byte-identical, rebuilt after any change (also one that keeps the
 * file's size), and what it builds runs as the sources do.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleEntry } from './bundle-entry.ts'

test('a bundle is reused while its inputs are unchanged and rebuilt when one changes', async () => {
  const root = await mkdtemp(join(tmpdir(), 'enigma-bundle-'))
  try {
    const entry = join(root, 'entry.ts')
    await writeFile(entry, "import { word } from './dep.ts'\nconst n: number = 2\nconsole.log(word.repeat(n))\n")
    await writeFile(join(root, 'dep.ts'), "export const word: string = 'ab'\n")
    const o = { entry, root, cacheDir: join(root, 'cache'), name: 'probe', external: [] }
    const first = await bundleEntry(o)
    assert.equal(first.built, true)
    assert.equal(execFileSync(process.execPath, [first.file], { encoding: 'utf8' }), 'abab\n')
    const again = await bundleEntry(o)
    assert.deepEqual(again, { file: first.file, built: false })
    // Same length, other bytes: the key is the content, not a size or a time stamp.
    await writeFile(join(root, 'dep.ts'), "export const word: string = 'cd'\n")
    const changed = await bundleEntry(o)
    assert.equal(changed.built, true)
    assert.notEqual(changed.file, first.file)
    assert.equal(execFileSync(process.execPath, [changed.file], { encoding: 'utf8' }), 'cdcd\n')
    assert.equal((await bundleEntry(o)).built, false)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})
