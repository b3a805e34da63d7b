import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Deadlines } from './deadlines.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Waits until `done()` (the machine may be loaded: timers fire late, never early). */
async function until(done: () => boolean, maxMs = 20_000): Promise<void> {
  for (const t0 = performance.now(); !done() && performance.now() - t0 < maxMs;) await sleep(10)
}

test('deadlines expire at their time, in order, whatever the order they were added in; cancelled ones never', async () => {
  const d = new Deadlines()
  const fired: [string, number][] = []
  const t0 = performance.now()
  const note = (name: string) => () => fired.push([name, performance.now() - t0])
  d.add(120, note('late'))
  d.add(40, note('early')) // earlier than the armed timer: re-arms
  const c = d.add(60, note('cancelled'))
  d.add(80, note('middle'))
  d.cancel(c)
  d.cancel(c) // twice is harmless
  assert.equal(d.pending, 3)
  await until(() => fired.length === 3)
  await sleep(30) // a cancelled deadline would fire by now too
  assert.deepEqual(fired.map(([n]) => n), ['early', 'middle', 'late'])
  for (const [name, at] of fired) {
    const want = { early: 40, middle: 80, late: 120 }[name]!
    assert.ok(at >= want - 1, `${name} fired at ${at.toFixed(1)} ms, before its ${want} ms`)
  }
  assert.equal(d.pending, 0)
})

test('an expiry may add a new deadline (two-stage timeouts) and clear() drops everything', async () => {
  const d = new Deadlines()
  const fired: string[] = []
  d.add(10, () => { fired.push('first'); d.add(10, () => fired.push('second')) })
  await until(() => fired.length === 2)
  assert.deepEqual(fired, ['first', 'second'])
  d.add(10, () => fired.push('never'))
  d.clear()
  await sleep(40)
  assert.deepEqual(fired, ['first', 'second'])
  assert.equal(d.pending, 0)
})

test('a pending deadline keeps the process alive; with none pending the process exits at once', () => {
  const mod = JSON.stringify(fileURLToPath(new URL('./deadlines.ts', import.meta.url)))
  const run = (body: string): { out: string; ms: number } => {
    const t0 = performance.now()
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { Deadlines } from ${mod}\nconst d = new Deadlines()\n${body}`], { encoding: 'utf8', timeout: 30_000 })
    return { out, ms: performance.now() - t0 }
  }
  assert.equal(run(`d.add(300, () => console.log('expired'))`).out.trim(), 'expired')
  // Cancelled, and the last pending one settled long before its deadline: no 20 s wait for the timer.
  const quick = run(`const a = d.add(20_000, () => console.log('no')); d.cancel(a); const b = d.add(20_000, () => console.log('no')); setTimeout(() => { d.cancel(b); console.log('done') }, 50)`)
  assert.equal(quick.out.trim(), 'done')
  assert.ok(quick.ms < 15_000, `the process waited ${quick.ms.toFixed(0)} ms for a cancelled deadline`)
})

test('an expiry that cancels another deadline due in the same sweep stops it', async () => {
  const d = new Deadlines()
  const fired: string[] = []
  let second: ReturnType<Deadlines['add']> | undefined = undefined
  d.add(5, () => { fired.push('first'); d.cancel(second!) })
  second = d.add(6, () => fired.push('second'))
  // Block the event loop past both deadlines, so one sweep finds both due.
  const t0 = performance.now()
  while (performance.now() - t0 < 30);
  await until(() => fired.length >= 1)
  await sleep(30)
  assert.deepEqual(fired, ['first'])
  assert.equal(d.pending, 0)
})
