// An owner's check of her leaf (input-proof.ts), against members that are honest (a real InputSets that
// saw the committed root's proposal), lying (t of them, any answer they like), not ready, or down.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { keccak256, toHex, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { InputSets } from '../../node/input-set.ts'
import { envelopeCommitment, inputBatchTree, signOwnerInput } from '../../node/input-batch.ts'
import type { TaskSpec } from '../../node/task-source.ts'
import { proofFromMembers } from './input-proof.ts'

const owners = [0, 1, 2, 3].map(() => privateKeyToAccount(generatePrivateKey()))
const member = privateKeyToAccount(generatePrivateKey())
const domain = { chainId: 31337, verifyingContract: '0x00000000000000000000000000000000000000aa' as Hex }
const spec: TaskSpec = {
  taskId: keccak256(toHex('proof')), codeHash: keccak256('0x01'), params: {}, paramsHash: keccak256('0x02'), n: 5, t: 2, security: 'semi-honest',
  committee: [], inputSlots: owners.map((o, i) => ({ name: `x[${i}]`, owner: o.address })), deadline: 2e9, inputBatch: { domain, cutoff: 2e9 - 30 },
}

/** An honest member's input set: every owner delivered; the committed root leaves out slot 3. */
async function honestSets() {
  const sets = new InputSets()
  const commitments: Hex[] = []
  for (const [slot, o] of owners.entries()) {
    const envelope = new TextEncoder().encode(`e${slot}`)
    const envelopeHashes = [keccak256(envelope), ...[1, 2, 3, 4].map((k) => keccak256(toHex(`h${slot}:${k}`)))]
    const commitment = envelopeCommitment(envelopeHashes)
    commitments.push(commitment)
    await sets.accept(spec, 0, slot, envelope, { envelopeHashes, signature: await signOwnerInput(o, domain, { taskId: spec.taskId, slot, commitment }) }, false)
  }
  const signed = await sets.sign(spec, member, sets.held(spec).filter((l) => l.slot !== 3))
  sets.onEvent(spec, { kind: 'input-root', taskId: spec.taskId, root: signed.root, count: 3 })
  return { sets, commitments, root: signed.root.toLowerCase() as Hex }
}

type Answer = (slot: number) => { status: number; body: unknown }

async function serve(answers: readonly Answer[]): Promise<{ apis: string[]; close(): Promise<void> }> {
  const servers: Server[] = []
  for (const answer of answers) {
    const s = createServer((req, res) => {
      const slot = Number(/\/proof\/(\d+)$/.exec(req.url ?? '')?.[1])
      const a = answer(slot)
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body))
    })
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    servers.push(s)
  }
  return {
    apis: servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))).then(() => undefined),
  }
}

const honest = (sets: InputSets): Answer => (slot) => {
  const p = sets.proof(spec, slot)
  return p ? { status: 200, body: p } : { status: 404, body: { error: { code: 'NOT_READY', message: 'no root' } } }
}
const notReady: Answer = () => ({ status: 404, body: { error: { code: 'NOT_READY', message: 'not seen' } } })

/** Owner `slot`'s check against members serving `answers` (t = 2 unless said), the servers closed after. */
async function check(answers: readonly Answer[], slot: number, w: { commitments: Hex[]; root: Hex }, t = 2, extraApis: string[] = []) {
  const net = await serve(answers)
  try {
    return await proofFromMembers([...net.apis, ...extraApis], t, { taskId: spec.taskId, slot, owner: owners[slot]!.address, commitment: w.commitments[slot]!, root: w.root, timeoutMs: 300 })
  } finally { await net.close() }
}

test('the member set gives a proof of a leaf in the committed root, none for a slot left out, nothing before the root', async () => {
  const { sets, commitments, root } = await honestSets()
  const p = sets.proof(spec, 1)!
  assert.equal(p.root, root)
  assert.deepEqual(p.leaf, { slot: 1, owner: owners[1]!.address.toLowerCase(), commitment: commitments[1] })
  assert.equal(p.proof.length > 0, true)
  assert.equal(sets.proof(spec, 3)!.leaf, undefined)
  const fresh = new InputSets()
  await fresh.accept(spec, 0, 0, new TextEncoder().encode('e0'), {
    envelopeHashes: [keccak256(new TextEncoder().encode('e0')), ...[1, 2, 3, 4].map((k) => keccak256(toHex(`h0:${k}`)))],
    signature: await signOwnerInput(owners[0]!, domain, { taskId: spec.taskId, slot: 0, commitment: commitments[0]! }),
  }, false)
  assert.equal(fresh.proof(spec, 0), undefined)
})

test('an included owner is confirmed by one honest member even after t lying members', async () => {
  const w = await honestSets()
  // Liars (t = 2): the right root with a proof of another slot's leaf; her leaf against another root.
  const other = inputBatchTree([{ slot: 0, owner: owners[0]!.address, commitment: keccak256('0x66') }])
  const liars: Answer[] = [() => ({ status: 200, body: w.sets.proof(spec, 2) }), () => ({ status: 200, body: { root: other.root, proof: [] } })]
  // Slot 0 asks member 0 first: members 0 and 1 lie, member 2 is honest, 3 and 4 are not ready.
  assert.equal(await check([...liars, honest(w.sets), notReady, notReady], 0, w), 'included')
  // The same liars and no honest member that saw the root: not confirmed, but not pushed out either.
  assert.equal(await check([...liars, notReady, notReady, notReady], 0, w), 'unknown')
})

test('t lying members cannot push an included owner out; t + 1 honest answers without her leaf do', async () => {
  const w = await honestSets()
  // Liars answer the right root with an empty proof ("you are not in"): two of them are only t.
  const liar: Answer = () => ({ status: 200, body: { root: w.root, proof: [] } })
  // Slot 1 asks members 1, 2, 3, 4, 0: one liar, two not ready, the honest member 4 proves it.
  assert.equal(await check([liar, liar, notReady, notReady, honest(w.sets)], 1, w), 'included')
  // Slot 0 asks 0, 1 (liars: 2 answers without her leaf = t), then not-ready members, then the honest one.
  assert.equal(await check([liar, liar, notReady, notReady, honest(w.sets)], 0, w), 'included')
  // Slot 3 was left out of the root: three honest members (t + 1) have no proof for her.
  assert.equal(await check([honest(w.sets), honest(w.sets), honest(w.sets), notReady, notReady], 3, w), 'excluded')
  // A forged proof for her left-out leaf does not hash to the root either.
  const forger: Answer = () => ({ status: 200, body: { root: w.root, proof: w.sets.proof(spec, 2)!.proof } })
  assert.equal(await check([forger, forger, notReady, notReady, notReady], 3, w), 'unknown')
})

test('a member that is down costs its timeout, and the next member answers', async () => {
  const w = await honestSets()
  // Slot 2 asks member 2 first: down (the discard port refuses connections).
  assert.equal(await check([honest(w.sets), honest(w.sets)], 2, w, 1, ['http://127.0.0.1:9']), 'included')
})
