/**
 * The record hand-off's refusals, in process with the chain as a fake `RecordSource` (the devnet runs of
 * src/cli/records*.ts cover the protocol): a custodian re-checks the use at the latest block before it
 * deals and a task member before it accepts; a revoked grant (named with its block), an expired one, a
 * deleted record, a slot bound to another record keep every node out — the custody share is never
 * released and no hand-off session is opened.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Hex } from 'viem'
import type { NodeIdentity } from './identity.ts'
import type { MpcNetwork } from './mpc-network.ts'
import type { ChainGrant, ChainRecord, RecordSource } from './record-source.ts'
import type { TaskSource, TaskSpec } from './task-source.ts'
import { silentLogger } from './log.ts'
import { RecordHandoff, handoffSession, type HandoffOutcome } from './record-handoff.ts'

const h = (k: number) => `0x${k.toString(16).padStart(64, '0')}` as Hex
const addr = (k: number) => `0x${k.toString(16).padStart(40, '0')}` as Hex
const recordId = h(1), taskId = h(2), other = h(3)
const me = addr(0xa)
const record: ChainRecord = { recordId, owner: addr(0xb), epoch: 1n, deletedAt: 0n, t: 1, typeHash: h(4), commitment: h(5), custodians: [me, addr(0xc), addr(0xd)] }
const grant: ChainGrant = { expiry: 0n, maxUses: 0, used: 1, grantedAt: 7n, revokedAt: 0n }
const spec = {
  taskId, codeHash: h(6), params: {}, paramsHash: h(7), n: 3, t: 1, security: 'malicious', deadline: 2e9,
  committee: ['p0', 'p1', 'p2'].map((peerId, index) => ({ index, peerId, encryptionKey: h(8), account: addr(index + 1), multiaddrs: [] })),
  inputSlots: [{ name: 'x', owner: addr(0xe) }],
} as TaskSpec

async function outcome(chain: { record?: Partial<ChainRecord>; grant?: Partial<ChainGrant>; boundTo?: Hex; now?: bigint }, peerId: string): Promise<{ out: HandoffOutcome[]; released: number; opened: number }> {
  const out: HandoffOutcome[] = []
  let released = 0, opened = 0
  const records: RecordSource = {
    getRecord: async () => ({ ...record, ...chain.record }),
    getUse: async () => ({ recordId: chain.boundTo ?? recordId, taskId, slot: 0, codeHash: spec.codeHash, requester: addr(0xe), grant: { ...grant, ...chain.grant }, now: chain.now ?? 1_000n }),
    deletedSince: async () => ({ recordIds: [], nextBlock: 1n }),
    usesSince: async () => ({ uses: [{ recordId, taskId, slot: 0 }], nextBlock: 10n }),
    nodePeer: async () => ({ peerId: 'px', multiaddrs: [] }),
  }
  const net = { openSession: () => { opened++; throw new Error('no session expected') } } as unknown as MpcNetwork
  const handoff = new RecordHandoff({
    identity: { account: { address: me }, peerId } as unknown as NodeIdentity, records,
    custody: { release: async () => { released++; throw new Error('no release expected') } },
    tasks: { openTasks: async () => [spec] } as unknown as TaskSource,
    runner: { submitInput: async () => { throw new Error('no input expected') } },
    store: { getShare: async () => undefined, getTask: async () => undefined },
    circuits: { get: async () => { throw new Error('no circuit expected') } },
    net, log: silentLogger, onHandoff: (e) => out.push(e),
  })
  await handoff.poll()
  for (let i = 0; i < 50 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
  await handoff.stop()
  return { out, released, opened }
}

for (const [role, peerId] of [['custodian', 'p9'], ['custodian and member', 'p0']] as const) {
  test(`a ${role} refuses the hand-off when the chain does not back the use, before any share leaves`, async () => {
    const cases: [string, Parameters<typeof outcome>[0], RegExp][] = [
      ['RECORD_REVOKED', { grant: { revokedAt: 99n } }, /revoked the grant for contract 0x0*6 and requester 0x0*e at block 99/],
      ['RECORD_EXPIRED', { grant: { expiry: 500n }, now: 501n }, /expired/],
      ['RECORD_DELETED', { record: { deletedAt: 12n } }, /deleted by its owner \(block 12\)/],
      ['RECORD_NOT_GRANTED', { boundTo: other }, /not bound to record/],
    ]
    for (const [code, chain, message] of cases) {
      const { out, released, opened } = await outcome(chain, peerId)
      assert.equal(out.length, 1, code)
      assert.equal(out[0]!.session, handoffSession({ recordId, taskId, slot: 0 }))
      assert.equal(out[0]!.ok, false)
      assert.equal(out[0]!.code, code)
      assert.match(out[0]!.reason!, message)
      assert.equal(released, 0, `${code}: the custody share stays put`)
      assert.equal(opened, 0, `${code}: no hand-off session`)
    }
  })
}

test('a task member outside the custody committee also refuses a revoked use (it checks the grant itself)', async () => {
  const { out, opened } = await outcome({ record: { custodians: [addr(0xc), addr(0xd), addr(0xf)] }, grant: { revokedAt: 5n } }, 'p1')
  assert.equal(out[0]?.code, 'RECORD_REVOKED')
  assert.equal(opened, 0)
})
