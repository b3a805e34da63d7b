/**
 * The attestation gossip filter (issue #15, "gossip amplification"): every message passes the topic
 * validator before any other work. Unit checks of each rule, then two real libp2p hosts in this
 * process: a stranger floods the topic with junk and forged attestations while a committee member
 * publishes its real one; the node delivers exactly the real one to its task source and never
 * consults the source for unknown task ids.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { FileTaskSource } from './task-source-file.ts'
import { AttestationGossip } from './attestation-gossip.ts'
import { ATTESTATION_TOPIC, encodeAttestationMessage } from './attestation-gossip-codec.ts'
import { signAttestation } from './attestation.ts'
import { createHost, type NodeHost } from './host.ts'
import type { Attestation, Hex, ReceiptDomain, TaskSpec } from './task-source.ts'

const hex32 = (): Hex => `0x${randomBytes(32).toString('hex')}`
const domain: ReceiptDomain = { chainId: 4242, verifyingContract: `0x${'ab'.repeat(20)}` }

interface Member { key: PrivateKey; peer: PeerId; account: ReturnType<typeof privateKeyToAccount> }
async function member(): Promise<Member> {
  const key = await generateKeyPair('Ed25519')
  return { key, peer: peerIdFromPrivateKey(key), account: privateKeyToAccount(generatePrivateKey()) }
}

/** A file task source that also counts the attestations handed to it (the chain source would verify and aggregate them). */
class CountingSource extends FileTaskSource {
  calls = 0
  override async publishAttestation(a: Attestation): Promise<void> {
    this.calls++
    await super.publishAttestation(a)
  }
}

async function setup(members: Member[]) {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-gossip-'))
  const spec: TaskSpec = {
    taskId: hex32(), codeHash: hex32(), params: {}, paramsHash: hex32(), n: 3, t: 1, security: 'semi-honest',
    committee: members.map((m, index) => ({ index, peerId: m.peer.toString(), encryptionKey: hex32(), account: m.account.address, multiaddrs: [] })),
    inputSlots: [{ name: 'x', owner: members[0]!.account.address }], deadline: Math.floor(Date.now() / 1000) + 3600, domain,
  }
  const path = join(dir, 'tasks.json')
  await writeFile(path, JSON.stringify({ tasks: [spec] }))
  const source = new CountingSource({ path, pollMs: 60_000 })
  const gossip = new AttestationGossip(source)
  await gossip.start()
  return { dir, spec, source, gossip, attestations: join(dir, 'tasks.json.attestations.jsonl') }
}

function message(from: PeerId, key: PrivateKey, data: Uint8Array): Message {
  return { type: 'signed', from, topic: ATTESTATION_TOPIC, data, sequenceNumber: 1n, signature: new Uint8Array(64), key: key.publicKey }
}

test('validator: accepts a member\'s signed attestation; rejects junk, strangers, forgeries; ignores unknown tasks without asking the source', async () => {
  const ms = await Promise.all([member(), member(), member()])
  const stranger = await member()
  const s = await setup(ms)
  try {
    const body = { taskId: s.spec.taskId, outputHash: hex32(), publicOutputs: '0x1234' as Hex }
    const good = await signAttestation(ms[1]!.account, domain, body)
    const v = (m: Member, a: Attestation | Uint8Array) => s.gossip.validate(m.peer, message(m.peer, m.key, a instanceof Uint8Array ? a : encodeAttestationMessage(a)))
    assert.equal(await v(ms[1]!, good), TopicValidatorResult.Accept)
    // The same attestation again (a republish) is accepted without another signature check.
    assert.equal(await v(ms[1]!, good), TopicValidatorResult.Accept)
    assert.equal(await v(stranger, new TextEncoder().encode('{"taskId":1}')), TopicValidatorResult.Reject)
    assert.equal(await v(stranger, randomBytes(300)), TopicValidatorResult.Reject)
    // A member's real attestation re-published by someone else as author: only the member may publish it.
    assert.equal(await v(stranger, good), TopicValidatorResult.Reject)
    // A stranger's own signature on the task: not a committee member.
    assert.equal(await v(stranger, await signAttestation(stranger.account, domain, body)), TopicValidatorResult.Reject)
    // A forged signature claiming member 2.
    const forged = { ...(await signAttestation(stranger.account, domain, body)), signer: ms[2]!.account.address }
    assert.equal(await v(ms[2]!, forged), TopicValidatorResult.Reject)
    // Signed for another chain (domain): the signature does not verify here.
    assert.equal(await v(ms[2]!, await signAttestation(ms[2]!.account, { ...domain, chainId: 1 }, body)), TopicValidatorResult.Reject)
    // Unknown task ids: ignored, and the source is never consulted.
    for (let i = 0; i < 50; i++) assert.equal(await v(ms[0]!, await signAttestation(ms[0]!.account, domain, { ...body, taskId: hex32() })), TopicValidatorResult.Ignore)
    assert.equal(s.gossip.stats.ignoredUnknownTask, 50)
    assert.equal(s.source.calls, 0, 'validation alone never hands anything to the source')
  } finally {
    await s.gossip.stop()
    await rm(s.dir, { recursive: true, force: true })
  }
})

test('validator: a peer flooding faster than its rate is ignored after its burst, cheaply', async () => {
  const ms = await Promise.all([member(), member(), member()])
  const s = await setup(ms)
  try {
    const junk = encodeAttestationMessage({ taskId: hex32(), outputHash: hex32(), publicOutputs: '0x', signer: ms[0]!.account.address, signature: `0x${'11'.repeat(65)}` })
    const t0 = performance.now()
    const verdicts = await Promise.all(Array.from({ length: 20_000 }, () => s.gossip.validate(ms[0]!.peer, message(ms[0]!.peer, ms[0]!.key, junk))))
    const ms20k = performance.now() - t0
    const ignoredByRate = s.gossip.stats.rateLimited
    assert.ok(ignoredByRate >= 20_000 - 400, `rate-limited ${ignoredByRate} of 20 000`)
    assert.ok(verdicts.every((x) => x !== TopicValidatorResult.Accept))
    assert.ok(ms20k < 5_000, `20 000 validations took ${ms20k.toFixed(0)} ms`)
    // Another peer is not affected by the flooder's bucket.
    const good = await signAttestation(ms[1]!.account, domain, { taskId: s.spec.taskId, outputHash: hex32(), publicOutputs: '0x' })
    assert.equal(await s.gossip.validate(ms[1]!.peer, message(ms[1]!.peer, ms[1]!.key, encodeAttestationMessage(good))), TopicValidatorResult.Accept)
  } finally {
    await s.gossip.stop()
    await rm(s.dir, { recursive: true, force: true })
  }
})

test('hostile peer over real gossipsub: junk and forgeries are dropped, the member\'s attestation is delivered exactly once', async () => {
  const ms = await Promise.all([member(), member(), member()])
  const s = await setup(ms)
  const hosts: NodeHost[] = []
  try {
    const nodeKey = ms[0]!.key
    const node = await createHost({ privateKey: nodeKey })
    const peer1 = await createHost({ privateKey: ms[1]!.key })
    const strangerKey = await generateKeyPair('Ed25519')
    const stranger = await createHost({ privateKey: strangerKey })
    hosts.push(node, peer1, stranger)
    await Promise.all(hosts.map((h) => h.start()))
    s.gossip.attach(node.services.pubsub)
    for (const h of [peer1, stranger]) {
      h.services.pubsub.subscribe(ATTESTATION_TOPIC)
      await h.dial(node.getMultiaddrs()[0]!)
    }
    // Wait until the node sees both peers on the topic.
    const ready = () => node.services.pubsub.getSubscribers(ATTESTATION_TOPIC).length === 2 &&
      [peer1, stranger].every((h) => h.services.pubsub.getSubscribers(ATTESTATION_TOPIC).some((p) => p.equals(node.peerId)))
    for (let i = 0; i < 100 && !ready(); i++) await new Promise((r) => setTimeout(r, 100))
    const strangerAccount = privateKeyToAccount(generatePrivateKey())
    const signedJunk = await Promise.all(Array.from({ length: 20 }, () => signAttestation(strangerAccount, domain, { taskId: hex32(), outputHash: hex32(), publicOutputs: '0x' })))
    const flood = async () => {
      for (let i = 0; i < 1_500; i++) {
        const kind = i % 3
        const data = kind === 0 ? randomBytes(200)
          : kind === 1 ? encodeAttestationMessage(signedJunk[i % signedJunk.length]!)
            : encodeAttestationMessage({ taskId: s.spec.taskId, outputHash: hex32(), publicOutputs: '0x', signer: ms[2]!.account.address, signature: `0x${randomBytes(65).toString('hex')}` })
        await stranger.services.pubsub.publish(ATTESTATION_TOPIC, data).catch(() => {})
      }
    }
    const good = await signAttestation(ms[1]!.account, domain, { taskId: s.spec.taskId, outputHash: hex32(), publicOutputs: '0xbeef' })
    await Promise.all([flood(), (async () => {
      for (let i = 0; i < 3; i++) {
        await peer1.services.pubsub.publish(ATTESTATION_TOPIC, encodeAttestationMessage(good)).catch(() => {})
        await new Promise((r) => setTimeout(r, 300))
      }
    })()])
    for (let i = 0; i < 100 && s.source.calls < 1; i++) await new Promise((r) => setTimeout(r, 100))
    await new Promise((r) => setTimeout(r, 500))
    assert.equal(s.source.calls, 1, 'the real attestation, once; nothing from the stranger')
    const lines = (await readFile(s.attestations, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Attestation)
    assert.deepEqual(lines, [good])
    const st = s.gossip.stats
    // Everything the stranger sent that reached the validator was refused; gossipsub's score may drop the rest earlier.
    assert.ok(st.rejected + st.rateLimited + st.ignoredUnknownTask >= 100, JSON.stringify(st))
  } finally {
    await s.gossip.stop()
    await Promise.allSettled(hosts.map(async (h) => h.stop()))
    await rm(s.dir, { recursive: true, force: true })
  }
})
