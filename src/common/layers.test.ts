import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LAYER_RANKS, PURE_LAYERS, IO_MODULES } from './layers.ts'

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) sourceFiles(p, out)
    else if (/\.(ts|mts|mjs|js)$/.test(name)) out.push(p)
  }
  return out
}

const importRe = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs: string[] = []
  for (const m of text.matchAll(importRe)) specs.push((m[1] ?? m[2] ?? m[3])!)
  return specs
}

function layerOf(file: string): string {
  return relative(srcDir, file).split(sep)[0]!
}

test('every folder under src/ is a known layer', () => {
  for (const name of readdirSync(srcDir)) {
    if (statSync(join(srcDir, name)).isDirectory()) {
      assert.ok(name in LAYER_RANKS, `src/${name} is not a layer of DESIGN.md §5; add it to src/common/layers.ts`)
    }
  }
})

// Test files (`*.test.ts`, and their helpers `*.test-util.ts`) are exempt from the direction rule (not from the outside-src rule): a protocol test may run
// its parties over the engine's in-memory transport. They are not part of any layer's runtime graph.
test('imports go one way: each layer imports only from itself and layers below', () => {
  const violations: string[] = []
  for (const file of sourceFiles(srcDir)) {
    if (/\.test(-util)?\.ts$/.test(file)) continue
    const from = layerOf(file)
    const fromRank = LAYER_RANKS[from]
    if (fromRank === undefined) continue
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue
      const target = resolve(dirname(file), spec)
      if (!target.startsWith(srcDir + sep)) {
        violations.push(`${relative(srcDir, file)} imports ${spec}, outside src/`)
        continue
      }
      const to = layerOf(target)
      const toRank = LAYER_RANKS[to]
      if (toRank === undefined || toRank > fromRank || (toRank === fromRank && to !== from)) {
        violations.push(`${relative(srcDir, file)} (${from}) imports ${spec} (${to})`)
      }
    }
  }
  assert.deepEqual(violations, [])
})

test('pure layers do no I/O', () => {
  const violations: string[] = []
  for (const file of sourceFiles(srcDir)) {
    const layer = layerOf(file)
    if (!PURE_LAYERS.includes(layer) || file.endsWith('.test.ts')) continue
    for (const spec of importsOf(file)) {
      if (IO_MODULES.includes(spec) || IO_MODULES.some((m) => spec.startsWith(m + '/'))) {
        violations.push(`${relative(srcDir, file)} imports ${spec}`)
      }
    }
  }
  assert.deepEqual(violations, [])
})

test('the import scanner sees imports (guards against a scanner that finds nothing)', () => {
  const specs = importsOf(fileURLToPath(import.meta.url))
  assert.ok(specs.includes('./layers.ts'))
  assert.ok(specs.includes('node:fs'))
})
