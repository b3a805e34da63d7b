import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { launchParties } from './launch-parties.ts'
import type { EchoArgs, EchoResult } from './launch-fixture-echo.ts'
import { isEnigmaError } from '../common/errors.ts'
import { PartyFailedError } from './launch-errors.ts'

const fixture = new URL('./launch-fixture-echo.ts', import.meta.url)
const spawned: number[] = []
const onSpawn = (_: number, pid: number): void => { spawned.push(pid) }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

after(() => {
  const left = spawned.filter(alive)
  assert.deepEqual(left, [], `child processes left behind: ${left.join(', ')}`)
})

function launch(n: number, args: EchoArgs, extra: { timeoutMs?: number; receiveTimeoutMs?: number; signal?: AbortSignal } = {}) {
  return launchParties<EchoResult>({ n, module: fixture, args, onSpawn, ...extra })
}

for (const n of [3, 5]) {
  test(`launch: ${n} parties exchange all-to-all and return results in party order`, async () => {
    const results = await launch(n, { size: 1000 })
    assert.equal(results.length, n)
    results.forEach((r, i) => {
      assert.equal(r.self, i)
      assert.equal(r.big, 2n ** 70n + BigInt(i), 'bigint results survive the IPC channel')
      assert.deepEqual(r.heard, Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).map((j) => `${j}->${i}|`))
      assert.equal(r.bytes, (n - 1) * (1000 + `0->1|`.length))
    })
    assert.equal(new Set(results.map((r) => r.pid)).size, n, 'one process per party')
    for (const r of results) assert.equal(alive(r.pid), false)
  })
}

test('launch: a party that throws makes the launch reject naming it, with its code and meta', async () => {
  // A long receive timeout, so that "reported at once" and "caught by a timeout" stay apart even when
  // starting three processes takes more than 10 s on a loaded machine.
  const started = Date.now()
  await assert.rejects(launch(3, { mode: 'throw', culprit: 2 }, { receiveTimeoutMs: 120_000 }), (e) => {
    assert.ok(e instanceof PartyFailedError, String(e))
    assert.equal(e.code, 'ENGINE_PARTY_FAILED')
    assert.equal(e.party, 2)
    assert.equal(e.meta.partyCode, 'TEST_CHEATER')
    assert.ok(isEnigmaError(e.partyError, 'TEST_CHEATER'))
    assert.deepEqual(e.partyError.meta, { party: 2, round: 1 })
    assert.match(e.message, /party 2 failed: TEST_CHEATER: party 2 refuses/)
    return true
  })
  assert.ok(Date.now() - started < 60_000, 'well before the 120 s receive timeout')
})

test('launch: a party process killed mid-run is reported, not a hang', async () => {
  const started = Date.now()
  await assert.rejects(launch(3, { mode: 'kill', culprit: 1 }, { receiveTimeoutMs: 120_000 }), (e) => {
    assert.ok(e instanceof PartyFailedError, String(e))
    assert.equal(e.party, 1)
    assert.equal(e.meta.partyCode, 'ENGINE_PARTY_EXITED')
    assert.match(e.message, /SIGKILL/)
    return true
  })
  assert.ok(Date.now() - started < 60_000, 'well before the 120 s receive timeout')
})

test('launch: a silent party makes the others time out naming it', async () => {
  await assert.rejects(launch(2, { mode: 'hang', culprit: 1 }, { receiveTimeoutMs: 500 }), (e) => {
    assert.ok(e instanceof PartyFailedError, String(e))
    assert.equal(e.meta.partyCode, 'MPC_TIMEOUT')
    assert.equal(e.party, 0)
    assert.equal((e.partyError as PartyFailedError).meta.party, 1)
    return true
  })
})

test('launch: the overall timeout and the caller signal kill every child', async () => {
  await assert.rejects(launch(2, { mode: 'hang', culprit: 0 }, { timeoutMs: 2500 }), (e) => {
    assert.ok(isEnigmaError(e, 'ENGINE_LAUNCH_TIMEOUT'), String(e))
    assert.deepEqual(e.meta.pending, [0, 1])
    return true
  })
  const ac = new AbortController()
  setTimeout(() => ac.abort(new Error('user pressed ctrl-c')), 1000)
  await assert.rejects(launch(2, { mode: 'hang', culprit: 0 }, { signal: ac.signal }), /ctrl-c/)
})

test('launch: a module without a party export is refused', async () => {
  await assert.rejects(
    launchParties({ n: 1, module: new URL('./launch-errors.ts', import.meta.url), onSpawn }),
    (e) => e instanceof PartyFailedError && e.meta.partyCode === 'ENGINE_BAD_PARTY_MODULE',
  )
})
