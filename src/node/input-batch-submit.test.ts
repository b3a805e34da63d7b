/**
 * A batched task's envelope is authorised by the owner's one EIP-712 `Input` signature of her
 * commitment (input-batch.ts), not by a signature per envelope (issue #14, e2e: that was a second
 * secp256k1 recovery per envelope per member). Red team against one real node (committee of ghosts,
 * no computation): whoever is not the slot's owner cannot fill it, with any mix of signatures.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, toHex, type Hex } from 'viem'
import { compileContract } from '../lang/index.ts'
import millionaires from '../../examples/millionaires.ts'
import { getField } from '../field/create.ts'
import { sealEnvelope, inputSubmissionMessage } from '../sharing/envelope.ts'
import { SecretNode } from './secret-node.ts'
import { checkConfig } from './config.ts'
import { silentLogger } from './log.ts'
import { loadOrCreateIdentity, publicIdentity } from './identity.ts'
import { dealSlot, makeTaskSpec, newOwner, post, getJson } from './testing/client.ts'
import { envelopeCommitment, signOwnerInput } from './input-batch.ts'
import type { CommitteeMember, TaskSpec } from './task-source.ts'

const compiled = compileContract(millionaires, {})
const field = getField(compiled.circuit.field)
const alice = newOwner()
const bob = newOwner()
const mallory = newOwner()
const domain = { chainId: 31337, verifyingContract: '0x00000000000000000000000000000000000000aa' as Hex }
let root = ''
let node: SecretNode | undefined

after(async () => {
  await node?.stop().catch(() => {})
  if (root) await rm(root, { recursive: true, force: true })
})

async function setUp(): Promise<{ spec: TaskSpec; api: string }> {
  root = await mkdtemp(join(tmpdir(), 'enigma-batch-submit-'))
  await writeFile(join(root, 'millionaires.json'), compiled.encoding)
  const dataDir = join(root, 'node')
  const me = publicIdentity((await loadOrCreateIdentity(dataDir)).identity)
  const ghosts = await Promise.all([1, 2].map(async (i) => publicIdentity((await loadOrCreateIdentity(join(root, `ghost${i}`))).identity)))
  const committee: CommitteeMember[] = [me, ...ghosts].map((m, index) => ({ index, ...m, multiaddrs: [] }))
  const base = makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 1, security: 'semi-honest', slots: [{ name: 'alice', owner: alice.address }, { name: 'bob', owner: bob.address }], deadlineSeconds: 600 })
  const spec: TaskSpec = { ...base, inputBatch: { domain, cutoff: base.deadline - 30 } }
  await writeFile(join(root, 'tasks.json'), JSON.stringify({ tasks: [spec] }))
  node = new SecretNode(checkConfig({ dataDir, tasksFile: join(root, 'tasks.json'), circuitDirs: [root] }), { log: silentLogger })
  await node.start()
  const api = `http://127.0.0.1:${node.api.port}`
  for (const end = Date.now() + 30_000; (await getJson(`${api}/v1/tasks/${spec.taskId}`)).status !== 200; ) {
    if (Date.now() > end) throw new Error('the node never took the task')
    await new Promise((r) => setTimeout(r, 50))
  }
  return { spec, api }
}

/** One slot's dealing: member 0's envelope, every envelope's hash, and their commitment. */
function deal(spec: TaskSpec, slot: string, value: bigint) {
  const shares = dealSlot(field, [value], spec.n, spec.t)
  const envelopes = spec.committee.map((m, i) => sealEnvelope(Buffer.from(m.encryptionKey.slice(2), 'hex'), field.encode(shares[i]!), { taskId: spec.taskId, input: slot, nodeIndex: i }))
  const envelopeHashes = envelopes.map((e) => keccak256(e))
  return { envelope: envelopes[0]!, envelopeHashes, commitment: envelopeCommitment(envelopeHashes) }
}

const submit = (api: string, spec: TaskSpec, slot: string, body: Record<string, unknown>) =>
  post({ url: `${api}/v1/tasks/${spec.taskId}/inputs/${slot}`, body: JSON.stringify(body) })

test('batched: the owner\'s Input signature alone fills her slot; no one else\'s signatures, in any mix, do', async () => {
  const { spec, api } = await setUp()
  const slotIndex = { alice: 0, bob: 1 } as const
  const inputSig = (who: typeof alice, slot: 'alice' | 'bob', commitment: Hex) => signOwnerInput(who, domain, { taskId: spec.taskId, slot: slotIndex[slot], commitment })
  const envSig = (who: typeof alice, slot: string, envelope: Uint8Array) => who.signMessage({ message: inputSubmissionMessage({ taskId: spec.taskId, input: slot, nodeIndex: 0 }, envelope) })

  // Mallory fills bob's slot: her own Input signature (with or without her own per-envelope signature) is refused.
  const m = deal(spec, 'bob', 7n)
  const mBatch = { envelopeHashes: m.envelopeHashes, signature: await inputSig(mallory, 'bob', m.commitment) }
  for (const extra of [{}, { signature: await envSig(mallory, 'bob', m.envelope) }]) {
    const r = await submit(api, spec, 'bob', { envelope: toHex(m.envelope), batch: mBatch, ...extra })
    assert.equal(r.status, 422, JSON.stringify(r.json))
    assert.equal(r.json.error.code, 'NODE_SHARE_INVALID')
  }
  // Bob's Input signature for another slot (alice's), replayed on his own: refused.
  const b = deal(spec, 'bob', 9n)
  const wrongSlot = await submit(api, spec, 'bob', { envelope: toHex(b.envelope), batch: { envelopeHashes: b.envelopeHashes, signature: await inputSig(bob, 'alice', b.commitment) } })
  assert.equal(wrongSlot.json.error?.code, 'NODE_SHARE_INVALID')
  // Bob's genuine Input signature, but Mallory swaps member 0's envelope for her own dealing: refused (its hash is not entry 0).
  const bobBatch = { envelopeHashes: b.envelopeHashes, signature: await inputSig(bob, 'bob', b.commitment) }
  const swapped = await submit(api, spec, 'bob', { envelope: toHex(m.envelope), batch: bobBatch })
  assert.equal(swapped.json.error?.code, 'NODE_SHARE_INVALID')
  // No batch data on a batched task: refused even with the owner's per-envelope signature.
  const noBatch = await submit(api, spec, 'bob', { envelope: toHex(b.envelope), signature: await envSig(bob, 'bob', b.envelope) })
  assert.equal(noBatch.json.error?.code, 'NODE_SHARE_INVALID')
  const before = await getJson(`${api}/v1/tasks/${spec.taskId}/input-batch`)
  assert.deepEqual(before.json.leaves, [], 'nothing refused was recorded')

  // The owners themselves: accepted with only the Input signature, and held as leaves.
  const ok = await submit(api, spec, 'bob', { envelope: toHex(b.envelope), batch: bobBatch })
  assert.equal(ok.status, 200, JSON.stringify(ok.json))
  const a = deal(spec, 'alice', 3n)
  const okA = await submit(api, spec, 'alice', { envelope: toHex(a.envelope), batch: { envelopeHashes: a.envelopeHashes, signature: await inputSig(alice, 'alice', a.commitment) } })
  assert.equal(okA.status, 200, JSON.stringify(okA.json))
  const held = await getJson(`${api}/v1/tasks/${spec.taskId}/input-batch`)
  assert.deepEqual(held.json.leaves.map((l: { slot: number; commitment: Hex }) => [l.slot, l.commitment]), [[0, a.commitment], [1, b.commitment]])
})
