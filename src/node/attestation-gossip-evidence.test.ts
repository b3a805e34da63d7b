/**
 * The attestation filter feeding the node's evidence (issue #12, item 2), five members in process on
 * a fake gossipsub bus, each with the real filter (`AttestationGossip`), the real vote collector
 * (`EvidenceCollector`) and the real equivocation reporter:
 * - a `wrong-receipt` member heard only after the receipt landed (the honest t + 1 were enough) is
 *   still voted out — the soak's undetected fault: the filter forgot a task the moment it closed, so
 *   the culprit's late attestation never reached the collector;
 * - a member that signs two different receipts is proven (two Statements, one submitter);
 * - red team: colluders cannot turn an honest member's single statement into a slash or a vote.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { keccak256, parseSignature, serializeSignature, toHex, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { AttestationGossip } from './attestation-gossip.ts'
import { ATTESTATION_TOPIC, encodeAttestationMessage } from './attestation-gossip-codec.ts'
import { EquivocationReporter } from './attestation-gossip-equivocation.ts'
import { isEquivocation, signAttestation, type SignedStatement } from './attestation.ts'
import { EvidenceCollector, WRONG_RECEIPT_REASON } from './evidence.ts'
import { fakeBus, type FakePubsub } from './testing/fake-pubsub.ts'
import type { Attestation, TaskEvent, TaskSource, TaskSpec } from './task-source.ts'

const domain = { chainId: 31337, verifyingContract: '0x00000000000000000000000000000000000000aa' as Hex }
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** The node's task source as the filter sees it: its events (the chain's, here by hand) and what it is handed to aggregate. */
class MemorySource implements TaskSource {
  readonly #handlers = new Set<(e: TaskEvent) => void>()
  readonly handed: Attestation[] = []
  constructor(readonly tasks: TaskSpec[]) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  subscribe(h: (e: TaskEvent) => void): () => void { this.#handlers.add(h); return () => this.#handlers.delete(h) }
  async openTasks(): Promise<TaskSpec[]> { return this.tasks }
  async publishAttestation(a: Attestation): Promise<void> { this.handed.push(a) }
  emit(e: TaskEvent): void { for (const h of this.#handlers) h(e) }
}

function specs(accounts: readonly { address: Hex }[], count: number): TaskSpec[] {
  return Array.from({ length: count }, () => ({
    taskId: keccak256(toHex(Math.random().toString())), codeHash: keccak256('0x01'), params: {}, paramsHash: keccak256('0x02'), n: accounts.length, t: 2,
    security: 'malicious' as const, committee: accounts.map((a, index) => ({ index, peerId: `peer-${index}`, encryptionKey: keccak256('0x03'), account: a.address, multiaddrs: [] })),
    inputSlots: [], deadline: Math.floor(Date.now() / 1000) + 600, domain,
  }))
}

async function committee(size: number, tasks = 1) {
  const accounts = Array.from({ length: size }, () => privateKeyToAccount(generatePrivateKey()))
  const tasksOf = specs(accounts, tasks)
  const bus = fakeBus(size)
  const votes: { by: number; accused: Hex; reason: Hex; votes: number }[] = []
  const proofs: { by: number; a: SignedStatement; b: SignedStatement }[] = []
  const members = await Promise.all(accounts.map(async (account, i) => {
    const own = new Map<string, Attestation>()
    const source = new MemorySource(tasksOf)
    const reporter = new EquivocationReporter({ account: account.address, submitter: { prove: async (e) => { proofs.push({ by: i, ...e }) } }, fallbackMs: 60_000 })
    const gossip = new AttestationGossip(source, { republishMs: [0], equivocations: reporter })
    await gossip.start()
    gossip.attach(bus[i] as never)
    const evidence = new EvidenceCollector({
      account, task: async (id) => tasksOf.find((t) => t.taskId === id), signed: async (id) => own.get(id),
      submitter: { submit: async (a) => { votes.push({ by: i, accused: a.accused, reason: a.reason, votes: a.signatures.length }) } },
      fallbackMs: 60_000, republishMs: [0],
    })
    evidence.attach(bus[i] as never)
    /** What the task runner does when this member's computation ends: keep, publish, tell the collector. */
    const complete = async (a: Attestation) => {
      own.set(a.taskId, a)
      await gossip.publishAttestation(a)
      await evidence.taskEnded(a.taskId, 'completed')
    }
    return { account, source, gossip, evidence, complete }
  }))
  const stop = async () => { for (const m of members) { m.evidence.stop(); await m.gossip.stop() } }
  return { accounts, tasks: tasksOf, spec: tasksOf[0]!, bus, members, votes, proofs, stop }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(pred: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; !pred() && Date.now() < end;) await sleep(20)
}
const body = (taskId: Hex, k: number) => ({ taskId, outputHash: keccak256(toHex(`result ${k}`)), publicOutputs: toHex(`outputs ${k}`) })

test('a wrong receipt heard only after the receipt landed: the honest members still vote its signer out (the soak\'s undetected wrong-receipt)', async () => {
  const c = await committee(5)
  try {
    const { taskId } = c.spec
    // Four honest members compute, sign and publish the right result; t + 1 = 3 of them make the receipt.
    const right = await Promise.all([0, 1, 2, 3].map((i) => signAttestation(c.accounts[i]!, domain, body(taskId, 1))))
    for (const i of [0, 1, 2, 3]) await c.members[i]!.complete(right[i]!)
    // The receipt lands: every member's source reports the task completed.
    for (const m of c.members) m.source.emit({ kind: 'completed', taskId })
    // Member 4 (restarted with the fault, so it joins the mesh late) is heard only now, with another output hash.
    const wrong = await signAttestation(c.accounts[4]!, domain, body(taskId, 2))
    await c.members[4]!.complete(wrong)
    await until(() => c.votes.length > 0)
    await sleep(100)
    assert.deepEqual(c.votes.map((v) => [v.by, v.accused.toLowerCase(), v.reason]), [[0, c.accounts[4]!.address.toLowerCase(), WRONG_RECEIPT_REASON]])
    assert.ok(c.votes[0]!.votes >= 3, `${c.votes[0]!.votes} votes`)
    // The closed task's late attestation went to the collectors only: nothing is handed on to aggregate.
    for (const i of [0, 1, 2, 3]) assert.ok(!c.members[i]!.source.handed.some((a) => a.signature === wrong.signature))
    assert.deepEqual(c.proofs, [], 'one statement per member: no equivocation')
  } finally { await c.stop() }
})

test('two different receipts signed by one member, the second after the task closed: proven once, by the first honest member, with two Statements that verify', async () => {
  const c = await committee(5)
  try {
    const { taskId } = c.spec
    const first = await signAttestation(c.accounts[2]!, domain, body(taskId, 1))
    await c.members[2]!.gossip.publishAttestation(first)
    for (const m of c.members) m.source.emit({ kind: 'completed', taskId })
    await c.members[2]!.gossip.publishAttestation(await signAttestation(c.accounts[2]!, domain, body(taskId, 2)))
    await until(() => c.proofs.length > 0)
    await sleep(100)
    assert.deepEqual(c.proofs.map((p) => p.by), [0], 'member 0 first; the others only after fallbackMs (the submitter reads the chain first)')
    const { a, b } = c.proofs[0]!
    assert.equal(a.signer.toLowerCase(), c.accounts[2]!.address.toLowerCase())
    assert.ok(await isEquivocation(domain, a, b))
  } finally { await c.stop() }
})

test('red team: t = 2 colluders try to turn an honest member\'s one statement into a slash or a vote: forged, replayed from another task, altered, malleated', async () => {
  const c = await committee(5, 2)
  try {
    const [T, T2] = c.tasks.map((t) => t.taskId) as [Hex, Hex]
    const honest = c.accounts[0]!
    // The honest member's real statements: one per task, different results for the two tasks.
    const mine = await signAttestation(honest, domain, body(T, 1))
    const other = await signAttestation(honest, domain, body(T2, 7))
    for (const i of [0, 1, 2]) await c.members[i]!.complete(await signAttestation(c.accounts[i]!, domain, body(T, 1)))
    await c.members[0]!.gossip.publishAttestation(other)
    const colluder = c.bus[3] as FakePubsub
    const send = (a: Attestation, as: string) => colluder.publish(ATTESTATION_TOPIC, encodeAttestationMessage(a), { toString: () => as })
    const sig = parseSignature(mine.signature)
    const malleated = serializeSignature({ r: sig.r, s: toHex(SECP256K1_N - BigInt(sig.s), { size: 32 }), yParity: sig.yParity === 0 ? 1 : 0 })
    const attempts: [string, Attestation][] = [
      // A second statement "by" the honest member: signed by a colluder.
      ['forged', { ...(await signAttestation(c.accounts[3]!, domain, body(T, 9))), signer: honest.address }],
      // Its real statement of another task, relabelled to this one.
      ['replayed', { ...other, taskId: T }],
      // Its real signature with other content (a republish "of a known signature" is checked too).
      ['altered hash', { ...mine, outputHash: body(T, 9).outputHash }],
      ['altered outputs', { ...mine, publicOutputs: body(T, 9).publicOutputs }],
      // The malleated twin of its signature (high s: the controller refuses it too).
      ['malleated', { ...mine, signature: malleated }],
    ]
    // As if they could author as the honest member's peer (gossipsub's signing stops that), and as themselves.
    for (const [what, a] of attempts) {
      for (const as of ['peer-0', 'peer-3']) {
        const verdicts = await send(a, as)
        assert.ok(verdicts.every((v) => v === TopicValidatorResult.Reject), `${what} from ${as}: ${verdicts.join(',')}`)
      }
    }
    // Its real statement of the other task, re-sent as it is: genuine, accepted, and no conflict with this task's.
    assert.ok((await send(other, 'peer-0')).includes(TopicValidatorResult.Accept))
    // The colluders' own votes against it reach nobody's threshold, and their receipts disagree with nobody honest.
    for (const i of [3, 4]) await c.members[i]!.complete(await signAttestation(c.accounts[i]!, domain, body(T, 5)))
    await sleep(500)
    assert.deepEqual(c.proofs, [], 'no proof against anyone (the colluders each signed one statement too)')
    assert.ok(!c.votes.some((v) => v.accused.toLowerCase() === honest.address.toLowerCase()), JSON.stringify(c.votes))
  } finally { await c.stop() }
})
