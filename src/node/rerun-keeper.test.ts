// The re-run keeper's schedule (issue #12): the lowest-index member that is not suspended re-runs and
// draws at once, the others only `fallbackMs` after it and only if the step is still undone. The chain is
// an in-memory model of the controller's rules for these two steps (rerunTask: Open + a suspended member;
// drawCommittee: Pending + draw block mined); the real controller is exercised by
// src/chain/actions/rerun.test.ts and the devnet test src/devnet/faults.e2e.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RerunKeeper, type KeeperTaskView, type RerunChain } from './rerun-keeper.ts'
import type { CommitteeMember, Hex, TaskSpec } from './task-source.ts'

const acct = (i: number) => `0x${String(i + 1).padStart(40, '0')}` as Hex
const member = (i: number): CommitteeMember => ({ index: i, peerId: `p${i}`, encryptionKey: '0x', account: acct(i), multiaddrs: [] })
const TASK = `0x${'11'.repeat(32)}` as Hex

/** The controller's two steps, with who sent each transaction. */
class ModelChain {
  view: KeeperTaskView
  readonly calls: { step: 'rerun' | 'draw'; by: Hex }[] = []
  constructor(committee: readonly Hex[], suspended: readonly Hex[]) {
    this.view = { status: 'open', committee, suspended, drawReady: false }
  }
  for(by: Hex): RerunChain {
    return {
      view: async () => this.view,
      rerun: async (_id, culprit) => {
        this.calls.push({ step: 'rerun', by })
        if (this.view.status !== 'open' || !this.view.suspended.includes(culprit)) return // refused: someone was first
        this.view = { status: 'pending', committee: [], suspended: [], drawReady: false }
        setTimeout(() => { this.view = { ...this.view, drawReady: true } }, 50) // the draw block comes
      },
      draw: async () => {
        this.calls.push({ step: 'draw', by })
        if (this.view.status !== 'pending' || !this.view.drawReady) return
        this.view = { status: 'open', committee: [acct(0), acct(1), acct(2), acct(4), acct(5)], suspended: [], drawReady: false }
      },
    }
  }
}

function spec(): TaskSpec {
  return {
    taskId: TASK, codeHash: TASK, params: {}, paramsHash: TASK, n: 5, t: 2, security: 'malicious', committee: [0, 1, 2, 3, 4].map(member),
    inputSlots: [], deadline: Date.now() / 1000 + 3600,
  }
}

async function until(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!pred()) {
    assert.ok(Date.now() < end, 'timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

test('the lowest-index surviving member re-runs and draws; the others, later, send nothing', async () => {
  // Member 0 is the culprit: member 1 is the lowest survivor and acts first.
  const chain = new ModelChain(spec().committee.map((m) => m.account), [acct(0)])
  const keepers = [1, 2, 3, 4].map((i) => new RerunKeeper({ chain: chain.for(acct(i)), account: acct(i), fallbackMs: 400, pollMs: 10 }))
  for (const k of keepers) k.watch(spec(), acct(0))
  await until(() => chain.view.status === 'open' && chain.view.committee.length === 5 && chain.view.committee[3] === acct(4), 5_000)
  await new Promise((r) => setTimeout(r, 1_000)) // past every fallback: nobody else acts
  for (const k of keepers) k.stop()
  assert.deepEqual(chain.calls, [{ step: 'rerun', by: acct(1) }, { step: 'draw', by: acct(1) }])
})

test('the first keeper is down: the next one acts fallbackMs later, once', async () => {
  const chain = new ModelChain(spec().committee.map((m) => m.account), [acct(3)])
  const started = Date.now()
  // Member 0 (first in line) never watches: member 1 takes over after one fallback delay.
  const keepers = [1, 2].map((i) => new RerunKeeper({ chain: chain.for(acct(i)), account: acct(i), fallbackMs: 300, pollMs: 10 }))
  for (const k of keepers) k.watch(spec(), acct(3))
  await until(() => chain.calls.some((c) => c.step === 'draw'), 5_000)
  for (const k of keepers) k.stop()
  assert.ok(Date.now() - started >= 300, 'acted before its fallback delay')
  assert.deepEqual(chain.calls.map((c) => `${c.step}:${c.by}`), [`rerun:${acct(1)}`, `draw:${acct(1)}`])
})

test('nothing to do: no member suspended, or the task closed — no transaction', async () => {
  const chain = new ModelChain(spec().committee.map((m) => m.account), [])
  const k = new RerunKeeper({ chain: chain.for(acct(0)), account: acct(0), fallbackMs: 10, pollMs: 10 })
  k.watch(spec(), acct(3))
  await new Promise((r) => setTimeout(r, 200))
  chain.view = { status: 'closed', committee: [], suspended: [], drawReady: false }
  await new Promise((r) => setTimeout(r, 100))
  k.stop()
  assert.deepEqual(chain.calls, [])
})

test('a member suspended for something else than what failed this attempt (a wrong receipt) does not re-run it', async () => {
  // Member 4 signed a wrong receipt and is suspended for it; this node's attempt failed naming member 2.
  const chain = new ModelChain(spec().committee.map((m) => m.account), [acct(4)])
  const k = new RerunKeeper({ chain: chain.for(acct(0)), account: acct(0), fallbackMs: 10, pollMs: 10 })
  k.watch(spec(), acct(2))
  await new Promise((r) => setTimeout(r, 300))
  k.stop()
  assert.deepEqual(chain.calls, [])
})

test('two culprits (t members killed at once): the re-run waits until both are suspended, then runs once', async () => {
  // Members 3 and 4 are gone; member 3's votes land first. A re-run then would leave member 4 active (the
  // next draw could pick it) and its votes could no longer land: the keeper waits for member 4's too.
  const chain = new ModelChain(spec().committee.map((m) => m.account), [acct(3)])
  const keepers = [0, 1, 2].map((i) => new RerunKeeper({ chain: chain.for(acct(i)), account: acct(i), fallbackMs: 100, pollMs: 10, settleMs: 60_000 }))
  keepers.forEach((k, i) => k.watch(spec(), i === 1 ? [acct(4), acct(3)] : [acct(3), acct(4)]))
  await new Promise((r) => setTimeout(r, 400))
  assert.deepEqual(chain.calls, [], 're-run before the second culprit was suspended')
  chain.view = { ...chain.view, suspended: [acct(3), acct(4)] }
  await until(() => chain.view.status === 'open' && chain.view.committee[3] === acct(4), 5_000)
  await new Promise((r) => setTimeout(r, 400))
  for (const k of keepers) k.stop()
  assert.deepEqual(chain.calls, [{ step: 'rerun', by: acct(0) }, { step: 'draw', by: acct(0) }])
})

test('two culprits, the second never suspended: the re-run goes ahead settleMs after the first suspension', async () => {
  const chain = new ModelChain(spec().committee.map((m) => m.account), [acct(3)])
  const started = Date.now()
  const k = new RerunKeeper({ chain: chain.for(acct(0)), account: acct(0), fallbackMs: 100, pollMs: 10, settleMs: 300 })
  k.watch(spec(), [acct(3), acct(4)])
  await until(() => chain.calls.some((c) => c.step === 'rerun'), 5_000)
  k.stop()
  assert.ok(Date.now() - started >= 300, 'did not wait for the second culprit')
})
