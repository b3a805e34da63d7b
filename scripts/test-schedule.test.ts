import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpuShare, formatReference, orderLongestFirst, pickNext, readProfiles, readWeights } from './test-schedule.mjs'

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

test('the reference carries wall and CPU seconds; a bare number is wall only; the last full run overrides both', () => {
  const root = mkdtempSync(join(tmpdir(), 'enigma-schedule-'))
  try {
    mkdirSync(join(root, 'scripts'))
    const ref = { a: { wall: 10, cpu: 2 }, b: { wall: 20, cpu: 19.5 } }
    writeFileSync(join(root, 'scripts/test-weights.json'), formatReference(ref).replace('{"wall":20,"cpu":19.5}', '20'))
    const times = join(root, '.test-times')
    assert.deepEqual([...readProfiles(root, times)], [['a', { wall: 10, cpu: 2 }], ['b', { wall: 20, cpu: undefined }]])
    assert.deepEqual(JSON.parse(formatReference(ref)), ref)
    mkdirSync(times)
    writeFileSync(join(times, 'last.json'), JSON.stringify({ results: [{ file: 'a', wallMs: 30_000, cpuMs: 15_000 }, { file: 'c', wallMs: 1_000 }] }))
    assert.deepEqual([...readProfiles(root, times)], [['a', { wall: 30, cpu: 15 }], ['b', { wall: 20, cpu: undefined }], ['c', { wall: 1, cpu: undefined }]])
    assert.deepEqual([...readWeights(root, times)], [['a', 30], ['b', 20], ['c', 1]])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('a file\'s CPU share is CPU ÷ wall within [0.1, 1]; unknown counts as a whole core', () => {
  assert.equal(cpuShare({ wall: 100, cpu: 50 }), 0.5)
  assert.equal(cpuShare({ wall: 100, cpu: 1 }), 0.1)
  assert.equal(cpuShare({ wall: 10, cpu: 14 }), 1)
  assert.equal(cpuShare({ wall: 10, cpu: undefined }), 1)
  assert.equal(cpuShare(undefined), 1)
})

test('below the concurrency the next file starts; one more only while the CPU shares fit in the concurrency', () => {
  const shares = new Map([['browser', 0.5], ['red-team', 0.3], ['core', 0.9], ['soak', 0.9], ['devnet', 0.8]])
  const o = { concurrency: 2, extra: 1, shareOf: (f: string) => shares.get(f) ?? 1 }
  assert.equal(pickNext([], [], o), -1)
  assert.equal(pickNext(['soak', 'core'], [], o), 0)
  assert.equal(pickNext(['core', 'devnet'], ['soak'], o), 0, 'a free slot takes the longest, whatever its share')
  // soak 0.9 + browser 0.5 = 1.4: core (0.9) does not fit, red-team (0.3) does.
  assert.equal(pickNext(['core', 'red-team', 'devnet'], ['soak', 'browser'], o), 1)
  // soak 0.9 + core 0.9 = 1.8: nothing above 0.2 fits.
  assert.equal(pickNext(['browser', 'red-team'], ['soak', 'core'], o), -1)
  // never more than concurrency + extra files, and no extra one when extra is 0
  assert.equal(pickNext(['red-team'], ['browser', 'x-small', 'y-small'].map((f) => (shares.set(f, 0.1), f)), o), -1)
  assert.equal(pickNext(['red-team'], ['browser', 'x-small'], { ...o, extra: 0 }), -1)
  // files of unknown share count as a whole core each: two of them leave no room
  assert.equal(pickNext(['red-team'], ['u1', 'u2'], o), -1)
})
