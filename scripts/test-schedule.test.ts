import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { orderLongestFirst, readWeights } from './test-schedule.mjs'

test('longest first; unknown files count as 5 s; equal weights keep their order', () => {
  const weights = new Map([['a', 1], ['b', 300], ['c', 5], ['d', 40]])
  assert.deepEqual(orderLongestFirst(['a', 'b', 'c', 'x', 'd'], weights), ['b', 'd', 'c', 'x', 'a'])
})

test('the last full run on this machine overrides the committed reference', () => {
  const root = mkdtempSync(join(tmpdir(), 'enigma-schedule-'))
  try {
    mkdirSync(join(root, 'scripts'))
    writeFileSync(join(root, 'scripts/test-weights.json'), JSON.stringify({ a: 10, b: 20 }))
    const times = join(root, '.test-times')
    assert.deepEqual([...readWeights(root, times)], [['a', 10], ['b', 20]])
    mkdirSync(times)
    writeFileSync(join(times, 'last.json'), JSON.stringify({ results: [{ file: 'a', wallMs: 30_000 }] }))
    assert.deepEqual([...readWeights(root, times)], [['a', 30], ['b', 20]])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
