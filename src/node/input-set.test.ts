// The member's input set of a batched task (input-set.ts): root's leaves ∪ direct fills, the earlier on
// chain winning a slot that has both; an owner's envelope must match its slot's chosen commitment.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { keccak256, toHex, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { InputSets } from './input-set.ts'
import { envelopeCommitment, signOwnerInput } from './input-batch.ts'
import type { TaskSpec } from './task-source.ts'

const owners = [0, 1, 2].map(() => privateKeyToAccount(generatePrivateKey()))
const member = privateKeyToAccount(generatePrivateKey())
const domain = { chainId: 31337, verifyingContract: '0x00000000000000000000000000000000000000aa' as Hex }
const spec = (id: string): TaskSpec => ({
  taskId: keccak256(toHex(id)), codeHash: keccak256('0x01'), params: {}, paramsHash: keccak256('0x02'), n: 3, t: 1, security: 'semi-honest',
  committee: [], inputSlots: owners.map((o, i) => ({ name: `x[${i}]`, owner: o.address })), deadline: 2e9, inputBatch: { domain, cutoff: 2e9 - 30 },
})
/** Owner `slot` deals envelopes (member 0's is `envelope`) and signs their commitment. */
async function deal(s: TaskSpec, slot: number, salt: string) {
  const envelope = new TextEncoder().encode(`${salt}:${slot}`)
  const envelopeHashes = [keccak256(envelope), keccak256(toHex(`${salt}:1`)), keccak256(toHex(`${salt}:2`))]
  const commitment = envelopeCommitment(envelopeHashes)
  return { envelope, commitment, batch: { envelopeHashes, signature: await signOwnerInput(owners[slot]!, domain, { taskId: s.taskId, slot, commitment }) } }
}

test('the root\'s leaves and the direct fills make the set; the earlier on chain wins a slot that has both', async () => {
  const s = spec('a')
  const sets = new InputSets()
  const d = await Promise.all([0, 1, 2].map((i) => deal(s, i, 'v1')))
  for (const [i, x] of d.entries()) await sets.accept(s, 0, i, x.envelope, x.batch, false)
  const signed = await sets.sign(s, member, sets.held(s).filter((l) => l.slot !== 2))
  assert.equal(sets.inputSet(s).ready, false)
  // Slot 0 is filled directly BEFORE the root (with her same commitment): the direct fill is used.
  sets.onEvent(s, { kind: 'input', taskId: s.taskId, slot: 'x[0]', commitment: d[0]!.commitment })
  sets.onEvent(s, { kind: 'input-root', taskId: s.taskId, root: signed.root, count: 2 })
  const partial = sets.inputSet(s)
  assert.equal(partial.ready, false)
  assert.match((partial as { missing: string }).missing, /x\[2\] is neither/)
  // Slot 2 was left out: her direct fill completes the set.
  sets.onEvent(s, { kind: 'input', taskId: s.taskId, slot: 'x[2]', commitment: d[2]!.commitment })
  assert.deepEqual(sets.inputSet(s), { ready: true, commitments: d.map((x) => x.commitment) })
  // A later direct fill of a slot already in the root changes nothing.
  sets.onEvent(s, { kind: 'input', taskId: s.taskId, slot: 'x[1]', commitment: keccak256('0x99') })
  assert.deepEqual(sets.inputSet(s), { ready: true, commitments: d.map((x) => x.commitment) })
})

test('a direct fill whose commitment is not the envelope this member holds leaves the set incomplete', async () => {
  const s = spec('b')
  const sets = new InputSets()
  const d = await Promise.all([0, 1, 2].map((i) => deal(s, i, 'v1')))
  for (const [i, x] of d.entries()) await sets.accept(s, 0, i, x.envelope, x.batch, false)
  // Owner 1 signs a second dealing: her slot leaves the roots; she fills the second one directly.
  const second = await deal(s, 1, 'v2')
  assert.equal((await sets.accept(s, 0, 1, second.envelope, second.batch, true)).outcome, 'equivocated')
  await assert.rejects(sets.sign(s, member, [...sets.held(s), { slot: 1, owner: owners[1]!.address, commitment: d[1]!.commitment }].sort((a, b) => a.slot - b.slot)), /equivocated|two different/)
  const signed = await sets.sign(s, member, sets.held(s))
  sets.onEvent(s, { kind: 'input-root', taskId: s.taskId, root: signed.root, count: 2 })
  sets.onEvent(s, { kind: 'input', taskId: s.taskId, slot: 'x[1]', commitment: second.commitment })
  const r = sets.inputSet(s)
  assert.equal(r.ready, false)
  assert.match((r as { missing: string }).missing, /envelope of slot x\[1\]/)
  // An envelope whose hash is not this member's entry, or a signature by someone else, is refused.
  await assert.rejects(sets.accept(s, 0, 2, new Uint8Array([1]), d[2]!.batch, false), /does not match/)
  const forged = { ...d[2]!.batch, signature: await signOwnerInput(owners[0]!, domain, { taskId: s.taskId, slot: 2, commitment: d[2]!.commitment }) }
  await assert.rejects(sets.accept(s, 0, 2, d[2]!.envelope, forged, false), /not signed by its owner/)
})
