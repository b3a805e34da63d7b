/**
 * Test/bench client for secret nodes: builds task specs, deals input shares (with the pad element of
 * the degree-t check), seals them to each member's key, signs them as the slot owner and posts them
 * through the HTTP API; reads status and reconstructs encrypted outputs. The SDK does the same for
 * real dApps; this copy keeps node tests independent of the sdk layer (which sits above node).
 */
import { randomBytes } from 'node:crypto'
import { keccak256, toHex } from 'viem'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import type { Field, FieldVector } from '../../field/index.ts'
import { split } from '../../sharing/shamir.ts'
import { reconstructChecked } from '../../sharing/reconstruct-checked.ts'
import { sealEnvelope, openEnvelope, inputSubmissionMessage, type EncryptionKeyPair } from '../../sharing/envelope.ts'
import type { CommitteeMember, Hex, SecurityMode, TaskSpec } from '../task-source.ts'

export interface NodeInfo {
  readonly peerId: string
  readonly encryptionKey: Hex
  readonly account: Hex
  readonly multiaddrs: readonly string[]
  readonly api: string
}

export function committeeOf(infos: readonly NodeInfo[]): CommitteeMember[] {
  return infos.map((x, index) => ({ index, peerId: x.peerId, encryptionKey: x.encryptionKey, account: x.account, multiaddrs: x.multiaddrs }))
}

export interface TaskOptions {
  readonly codeHash: Hex
  readonly params?: Record<string, number>
  readonly committee: readonly CommitteeMember[]
  readonly t: number
  readonly security: SecurityMode
  readonly slots: readonly { name: string; owner: Hex }[]
  readonly recipients?: Record<string, Hex>
  readonly deadlineSeconds?: number
}

export function makeTaskSpec(o: TaskOptions): TaskSpec {
  const params = o.params ?? {}
  return {
    taskId: toHex(randomBytes(32)),
    codeHash: o.codeHash,
    params,
    paramsHash: keccak256(toHex(JSON.stringify(params))),
    n: o.committee.length,
    t: o.t,
    security: o.security,
    committee: o.committee,
    inputSlots: o.slots.map((s) => ({ name: s.name, owner: s.owner })),
    deadline: Math.floor(Date.now() / 1000) + (o.deadlineSeconds ?? 600),
    ...(o.recipients ? { recipients: o.recipients } : {}),
  }
}

export function newOwner(): PrivateKeyAccount {
  return privateKeyToAccount(generatePrivateKey())
}

/** Shares of `values` for each member: the values then one random pad element (degree-t check). */
export function dealSlot(field: Field, values: readonly bigint[], n: number, t: number): FieldVector[] {
  const withPad = field.concat([field.fromBigInts(values.map((v) => field.reduce(v))), field.random(1)])
  return split(field, withPad, n, t)
}

export interface Submission {
  readonly url: string
  readonly body: string
}

/** The HTTP requests that hand slot `slot` to every member (sealed, signed by the owner). */
export async function slotSubmissions(field: Field, spec: TaskSpec, slot: string, values: readonly bigint[], owner: PrivateKeyAccount, apis: readonly string[]): Promise<Submission[]> {
  const shares = dealSlot(field, values, spec.n, spec.t)
  return Promise.all(spec.committee.map(async (m, i) => {
    const ctx = { taskId: spec.taskId, input: slot, nodeIndex: i }
    const env = sealEnvelope(Buffer.from(m.encryptionKey.slice(2), 'hex'), field.encode(shares[i]!), ctx)
    const signature = await owner.signMessage({ message: inputSubmissionMessage(ctx, env) })
    return { url: `${apis[i]}/v1/tasks/${spec.taskId}/inputs/${encodeURIComponent(slot)}`, body: JSON.stringify({ envelope: toHex(env), signature }) }
  }))
}

export async function post(s: Submission): Promise<{ status: number; json: any }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: s.body, signal: AbortSignal.timeout(30_000) })
      return { status: res.status, json: await res.json() }
    } catch (e) {
      // A keep-alive socket the server closed just as we reused it: resend (submissions are
      // idempotent: the same envelope again is acknowledged as a duplicate).
      if (attempt >= 2) throw e
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

export async function getJson(url: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
  return { status: res.status, json: await res.json() }
}

/** Poll a task's status at one node until `pred` holds (or throw after `timeoutMs`). */
export async function waitForTask(api: string, taskId: Hex, pred: (status: any) => boolean, timeoutMs = 60_000, everyMs = 50): Promise<any> {
  const until = Date.now() + timeoutMs
  let last: any
  for (;;) {
    try {
      const r = await getJson(`${api}/v1/tasks/${taskId}`)
      last = r.json
      if (r.status === 200 && pred(r.json)) return r.json
    } catch { /* node restarting */ }
    if (Date.now() > until) throw new Error(`task ${taskId} at ${api}: condition not met in ${timeoutMs} ms; last status ${JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Fetch every member's encrypted share of a revealTo output and reconstruct it (recipient side). */
export async function fetchPrivateOutput(field: Field, spec: TaskSpec, output: string, recipient: EncryptionKeyPair, apis: readonly string[]): Promise<bigint[]> {
  const shares: FieldVector[] = []
  for (let i = 0; i < spec.n; i++) {
    const r = await getJson(`${apis[i]}/v1/tasks/${spec.taskId}/outputs/${output}`)
    if (r.status !== 200) throw new Error(`node ${i}: ${JSON.stringify(r.json)}`)
    const env = new Uint8Array(Buffer.from((r.json.envelope as string).slice(2), 'hex'))
    shares.push(field.decode(openEnvelope(recipient.secretKey, env, { taskId: spec.taskId, input: `out:${output}`, nodeIndex: i }).expose()))
  }
  // The recipient's rule (sharing/reconstruct-checked.ts): accepted only if t corrupt members cannot have chosen it.
  return field.toBigInts(reconstructChecked(field, shares, spec.t, { t: spec.t, fn: 'fetchPrivateOutput' }).secrets)
}
