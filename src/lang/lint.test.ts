import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lintContractSource } from './lint.ts'

const lang = fileURLToPath(new URL('./index.ts', import.meta.url))
const host = { readFile: (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined), fileExists: existsSync }

test('secrets used as JavaScript conditions are reported with position and fix; public ones are not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-lint-'))
  try {
    const file = join(dir, 'c.ts')
    writeFileSync(file, `import { defineContract, reveal, select, uint32 } from ${JSON.stringify(lang)}
export default defineContract({
  name: 'bad',
  inputs: { a: uint32, b: uint32 },
  compute: ({ a, b }) => {
    const richer = a.gt(b)
    let x = a
    if (richer) x = b
    const y = richer ? a : b
    while (a.lt(b)) break
    for (let i = 0; a.eq(i); i++) break
    const n = !richer
    const m = richer || b
    const k = Boolean(a)
    const fine = 3 > 2 ? a : b
    if (x === y) x = a
    return { x: reveal(select(richer, x, fine)), n: reveal(n as never), m: reveal(m as never), k: reveal(k as never) }
  },
})
`)
    const d = await lintContractSource(file, host)
    assert.deepEqual(d.map((x) => [x.line, x.column]), [[8, 9], [9, 15], [10, 12], [11, 21], [12, 16], [13, 15], [14, 23]])
    assert.match(d[0]!.message, /^`if \(richer\)` tests a secret sbool, which JavaScript treats as always true; write select\(c, a, b\) instead$/)
    assert.match(d[2]!.message, /`while \(a\.lt\(b\)\)`.*loop a public number of times/)
    assert.match(d[4]!.message, /`!richer`.*c\.not\(\)/)
    assert.match(d[6]!.message, /`Boolean\(a\)` tests a secret sint/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('examples are clean', async () => {
  for (const f of ['vickrey-auction', 'credit-score']) {
    const file = fileURLToPath(new URL(`../../examples/${f}.ts`, import.meta.url))
    assert.deepEqual(await lintContractSource(file, host), [], f)
  }
})
