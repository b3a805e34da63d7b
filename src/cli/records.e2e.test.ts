/**
 * Issue #11 §1 on a devnet (Hardhat chain, controller + records contract, three node processes),
 * through the CLI and the SDK as an owner and a lender would run it: store → grant → use on chain →
 * every custodian backs the use → a custodian goes down; the owner revokes the grant and deletes
 * another record → the chain and the live custodians refuse the use, naming the revocation, and erase
 * the deleted record → the custodian restarts: its share survived, it refuses the revoked use, its
 * first pass over the chain erases what was deleted while it was down → delete → all erased. Plus
 * the forger's view: a share other than the committed one, a share of a record that does not exist.
 * The CLI runs in this process (`main`): a child process would only add its start-up time.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, toHex, type Hex } from 'viem'
import { startDevnet, type Devnet } from '../devnet/devnet.ts'
import { writeState } from '../devnet/state.ts'
import { spawnNode, type NodeProcess } from '../devnet/node-process.ts'
import { compileFile, contractPath, deployCompiled } from '../devnet/contracts.ts'
import { clientFor } from '../devnet/flow.ts'
import type { DevnetNodeConfig } from '../devnet/node-main.ts'
import { createTask, storeRecord, getRecord, useRecord, checkRecordUse, grantAccess, revokeAccess, deleteRecord, waitForResult, getOutput, generateRecipientKey, submitInput } from '../sdk/index.ts'
import bureauContract, { reference as bureauReference, APPLICANT_TYPE } from '../../examples/credit-bureau.ts'
import { getBalance } from 'viem/actions'
import { createTestClient, http } from 'viem'
import { slotType } from '../sdk/internal/slots.ts'
import { isEnigmaError } from '../common/errors.ts'
import { enigmaInProcess } from './testing/in-process-cli.ts'

let dir: string
let stateFile: string
let devnet: Devnet | undefined
const restarted: NodeProcess[] = []
/** Wall time of each phase (printed: this test's budget in the default suite is tight). */
const phases: [string, number][] = []
let last = Date.now()
const phase = (name: string) => { const now = Date.now(); phases.push([name, now - last]); last = now }

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enigma-records-'))
  devnet = await startDevnet({ dir: join(dir, 'devnet'), nodes: 3, threshold: 1 })
  stateFile = await writeState(devnet.state, join(dir, 'devnet.json'))
  phase('devnet')
})
after(async () => {
  console.log(`# records e2e phases (ms): ${phases.map(([k, v]) => `${k} ${v}`).join(', ')}`)
  for (const n of restarted) await n.stop()
  await devnet?.stop()
  await rm(dir, { recursive: true, force: true })
})

/** The CLI in this process, against the devnet's state file (src/cli/testing/in-process-cli.ts). */
const enigma = (key: Hex, ...args: string[]) => enigmaInProcess(stateFile, key, ...args)

async function api(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init)
  return { status: res.status, body: await res.json() }
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function restart(index: number): Promise<NodeProcess> {
  const nodeDir = devnet!.state.nodes[index]!.dataDir
  const config = JSON.parse(await readFile(join(nodeDir, 'devnet-node.json'), 'utf8')) as DevnetNodeConfig
  const n = await spawnNode({ index, dir: nodeDir, config })
  restarted.push(n)
  return n
}

/**
 * Issue #11 §1 "a task input bound to a record", the credit bureau end to end: three applicants store
 * their income and debts once (SDK and CLI) and grant the lender's scoring contract; the lender's tasks
 * bind each applicant's input to her record — the custodians hand it to the task committee by
 * re-sharing, nobody online for the applicants — and the lender learns exactly the plaintext decisions
 * (SDK in semi-honest mode, CLI in malicious mode). Every refused use (no grant, revoked, expired, uses
 * exhausted, deleted, wrong type, unknown) is refused before any transaction: the lender's balance does
 * not move. After one applicant revokes, the lender's next request is refused with RECORD_REVOKED.
 */
test('credit bureau: records → task committee by re-sharing, right decisions in both modes; refusals cost no fee; a revoke stops the next request', async () => {
  const d = devnet!
  const lender = d.state.accounts[1]!
  const applicants = [d.state.accounts[2]!, d.state.accounts[3]!, d.state.accounts[4]!]
  const compiled = await compileFile(contractPath('credit-bureau'), { applicants: 3 })
  await deployCompiled(clientFor(d.state, d.state.deployer.privateKey), d.state.circuitsDir, compiled)
  const circuit = compiled.circuit
  const people = [{ income: 52_000, debts: 9_000 }, { income: 28_000, debts: 1_000 }, { income: 90_000, debts: 40_000 }]
  const policy = { minIncome: 30_000, maxDebtPercent: 40 }
  phase('bureau: compile+deploy')

  // Applicants 0 and 1 store through the SDK, applicant 2 through the CLI (the type as text); each
  // grants the lender's contract by code hash, for the lender only, a few uses.
  const ids: Hex[] = []
  for (const [i, who] of applicants.entries()) {
    const c = clientFor(d.state, who.privateKey)
    if (i < 2) {
      ids.push((await storeRecord(c, { type: slotType(circuit, 'people[0]'), field: circuit.field, value: people[i] })).recordId)
      await grantAccess(c, { recordId: ids[i]!, codeHash: compiled.codeHash, requester: lender.address, maxUses: 3 })
    } else {
      const st = await enigma(who.privateKey, 'store', '--type', APPLICANT_TYPE, '--field', circuit.field, '--value', JSON.stringify(people[i]), '--json')
      assert.equal(st.code, 0, st.err)
      ids.push((JSON.parse(st.out) as { recordId: Hex }).recordId)
      const g = await enigma(who.privateKey, 'grant', ids[i]!, '--contract', 'credit-bureau', '--param', 'applicants=3', '--to', lender.address, '--uses', '3', '--json')
      assert.equal(g.code, 0, g.err)
    }
  }
  phase('bureau: store+grant')

  // SDK, semi-honest: the records fill people[0..2]; the lender submits only its policy.
  const lenderClient = clientFor(d.state, lender.privateKey)
  const key = generateRecipientKey()
  const slots = ['people[0]', 'people[1]', 'people[2]', 'policy']
  const records = Object.fromEntries(ids.map((id, i) => [`people[${i}]`, id]))
  const bureauTask = (security: 'semi-honest' | 'malicious', recs: Record<string, Hex>) => createTask(lenderClient, {
    codeHash: compiled.codeHash, params: circuit.params, n: 3, t: 1, security,
    inputSlots: slots.map((name) => ({ name, owner: lender.address })), recipients: { lender: key.publicKey }, records: recs, circuit,
  })
  const want = bureauReference({ people, policy }).approved
  const decisions = async (taskId: Hex) => {
    await waitForResult(lenderClient, { taskId, circuit, timeoutMs: 120_000 })
    return (await getOutput(lenderClient, { taskId, output: 'approved', recipientKey: key.secretKey, circuit })).value
  }
  const sdkTask = await bureauTask('semi-honest', records)
  assert.deepEqual(Object.keys(sdkTask.recordUses ?? {}).sort(), ['people[0]', 'people[1]', 'people[2]'])
  await submitInput(lenderClient, { taskId: sdkTask.taskId, slot: 'policy', value: policy, circuit })
  assert.deepEqual(await decisions(sdkTask.taskId), want)
  phase('bureau: SDK task (semi-honest)')

  // CLI, malicious: --record per applicant; the inputs file holds only the policy.
  const inputs = join(dir, 'bureau-policy.json')
  await import('node:fs/promises').then((fs) => fs.writeFile(inputs, JSON.stringify({ policy })))
  const recordFlags = ids.flatMap((id, i) => ['--record', `people[${i}]=${id}`])
  const submitted = await enigma(lender.privateKey, 'submit', 'credit-bureau', '--param', 'applicants=3', '--inputs', inputs, ...recordFlags,
    '--recipient', `lender=${key.publicKey}`, '--security', 'malicious', '--nodes', '3', '--threshold', '1', '--no-lint', '--json')
  assert.equal(submitted.code, 0, submitted.err)
  const cliTaskId = (JSON.parse(submitted.out) as { taskId: Hex }).taskId
  assert.deepEqual((await getOutput(lenderClient, { taskId: cliTaskId, output: 'approved', recipientKey: key.secretKey, circuit })).value, want)
  phase('bureau: CLI task (malicious)')

  // Refusals, each before any transaction (the lender's balance does not move): a record without a
  // grant for this requester, an unknown record, the wrong type, uses exhausted, expired, deleted.
  const balance = () => getBalance(d.publicClient, { address: lender.address })
  const refused = async (recs: Record<string, Hex>, code: string) => {
    const before = await balance()
    await assert.rejects(bureauTask('malicious', recs), (e: unknown) => isEnigmaError(e, code), code)
    assert.equal(await balance(), before, `${code}: no fee, no gas`)
  }
  const stranger = d.state.accounts[5]!
  const strangerClient = clientFor(d.state, stranger.privateKey)
  const ungranted = (await storeRecord(strangerClient, { type: slotType(circuit, 'people[0]'), field: circuit.field, value: people[0] })).recordId
  await refused({ 'people[0]': ungranted }, 'RECORD_NOT_GRANTED')
  await refused({ 'people[0]': keccak256('0xbeef') }, 'RECORD_UNKNOWN')
  const wrongType = (await storeRecord(strangerClient, { type: 'uint32', field: circuit.field, value: 7 })).recordId
  await refused({ 'people[0]': wrongType }, 'RECORD_TYPE_MISMATCH')
  // The expiry counts from the latest block, and the grant lands in a later one: under load that block can
  // be seconds later (a 2 s window failed once), so the window is 30 s and the clock then jumps 40 s.
  await grantAccess(strangerClient, { recordId: ungranted, codeHash: compiled.codeHash, requester: lender.address, maxUses: 1, expiresInSeconds: 30n })
  const testClient = createTestClient({ mode: 'hardhat', transport: http(d.state.rpcUrl) })
  await testClient.increaseTime({ seconds: 40 })
  await testClient.mine({ blocks: 1 })
  await refused({ 'people[0]': ungranted }, 'RECORD_EXPIRED')
  // ids[0] has had 2 of its 3 uses: one more task would be fine, so exhaust it with a fresh grant of 0 left.
  await grantAccess(clientFor(d.state, applicants[0]!.privateKey), { recordId: ids[0]!, codeHash: compiled.codeHash, requester: lender.address, maxUses: 1 })
  const one = await bureauTask('semi-honest', { 'people[0]': ids[0]! })
  assert.ok(one.recordUses?.['people[0]'])
  await refused({ 'people[0]': ids[0]! }, 'RECORD_USES_EXHAUSTED')
  await deleteRecord(strangerClient, { recordId: wrongType })
  await refused({ 'people[0]': wrongType }, 'RECORD_DELETED')
  phase('bureau: refusals')

  // Applicant 1 revokes: the lender's next request naming her is refused, on the command line as one
  // line CODE: message, with no fee.
  await grantAccess(clientFor(d.state, applicants[0]!.privateKey), { recordId: ids[0]!, codeHash: compiled.codeHash, requester: lender.address, maxUses: 3 })
  await revokeAccess(clientFor(d.state, applicants[1]!.privateKey), { recordId: ids[1]!, codeHash: compiled.codeHash, requester: lender.address })
  const before = await balance()
  const again = await enigma(lender.privateKey, 'submit', 'credit-bureau', '--param', 'applicants=3', '--inputs', inputs, ...recordFlags,
    '--recipient', `lender=${key.publicKey}`, '--nodes', '3', '--threshold', '1', '--no-lint', '--json')
  assert.notEqual(again.code, 0)
  assert.equal(again.err.trim().split('\n').length, 1, again.err)
  assert.match(again.err, new RegExp(`RECORD_REVOKED: .*${ids[1]}`))
  assert.equal(await balance(), before, 'a refused request costs nothing')
  phase('bureau: revoke')
})

test('store → grant → use → custodian down: revoke, delete another → restart: share kept, use refused naming the revocation, deleted one erased → delete → all erased', async () => {
  const d = devnet!
  const [owner, lender] = [d.state.accounts[0]!, d.state.accounts[1]!]
  const compiled = await compileFile(contractPath('credit-score'), { features: 2 })
  await deployCompiled(clientFor(d.state, d.state.deployer.privateKey), d.state.circuitsDir, compiled)
  const xType = slotType(compiled.circuit, 'x')
  phase('compile+deploy')

  // The owner stores her features once (SDK: a language type with a declared range), and a second
  // record through the CLI.
  const ownerClient = clientFor(d.state, owner.privateKey)
  const stored = await storeRecord(ownerClient, { type: xType, field: compiled.circuit.field, value: [12.5, -3.25] })
  const cli = await enigma(owner.privateKey, 'store', '--type', '{ income: uint32, debts: uint32 }', '--value', '{"income": 52000, "debts": 9000}', '--json')
  assert.equal(cli.code, 0, cli.err)
  const second = JSON.parse(cli.out) as { recordId: Hex; owner: Hex }
  assert.equal(second.owner, owner.address)
  phase('store (SDK + CLI)')
  const apis = d.state.nodes.map((n) => n.api)
  for (const [i, url] of apis.entries()) {
    for (const id of [stored.recordId, second.recordId]) {
      const s = await api(`${url}/v1/records/${id}`)
      assert.equal(s.status, 200)
      assert.equal(s.body.held, true, `node ${i} holds ${id}`)
    }
  }

  // The forger: a share other than the committed one, and a share of a record that does not exist.
  const fake = toHex(new Uint8Array(80).fill(7))
  const forged = { index: 0, envelope: fake, envelopeHashes: [keccak256(fake), keccak256('0x01'), keccak256('0x02')], type: xType, field: compiled.circuit.field }
  const post = (b: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) })
  const forgedShare = await api(`${apis[0]}/v1/records/${stored.recordId}/shares`, post(forged))
  assert.equal(forgedShare.status, 422, JSON.stringify(forgedShare.body))
  assert.equal(forgedShare.body.error.code, 'NODE_SHARE_INVALID')
  const unknown = await api(`${apis[0]}/v1/records/${keccak256('0xdead')}/shares`, post(forged))
  assert.equal(unknown.status, 404)
  assert.equal(unknown.body.error.code, 'RECORD_UNKNOWN')

  // The owner grants the lender's scoring contract (CLI: the contract by example name and params).
  const granted = await enigma(owner.privateKey, 'grant', stored.recordId, '--contract', 'credit-score', '--param', 'features=2', '--to', lender.address, '--uses', '2', '--json')
  assert.equal(granted.code, 0, granted.err)
  assert.equal(JSON.parse(granted.out).codeHash, compiled.codeHash)
  phase('forger + grant')

  // The lender's task binds input x to the record; every custodian backs that use, and no other slot.
  const lenderClient = clientFor(d.state, lender.privateKey)
  const newTask = () => createTask(lenderClient, {
    codeHash: compiled.codeHash, params: compiled.circuit.params, n: 3, t: 1, security: 'malicious',
    inputSlots: compiled.circuit.inputs.map((i) => ({ name: i.name, owner: lender.address })),
  })
  const task = await newTask()
  await useRecord(lenderClient, { taskId: task.taskId, slot: 'x', recordId: stored.recordId, circuit: compiled.circuit })
  for (const url of apis) {
    const ok = await api(`${url}/v1/records/${stored.recordId}/uses/${task.taskId}/0`)
    assert.equal(ok.status, 200, JSON.stringify(ok.body))
  }
  const notBound = await api(`${apis[0]}/v1/records/${stored.recordId}/uses/${task.taskId}/1`)
  assert.equal(notBound.body.error.code, 'RECORD_NOT_GRANTED')
  phase('task + use')

  // Custodian 2 goes down. Meanwhile the owner revokes the lender's grant and deletes her second record.
  await d.nodes[2]!.stop()
  const revoked = await enigma(owner.privateKey, 'revoke', stored.recordId, '--contract', compiled.codeHash, '--to', lender.address, '--json')
  assert.equal(revoked.code, 0, revoked.err)
  const gone = await enigma(owner.privateKey, 'delete', second.recordId, '--json')
  assert.equal(gone.code, 0, gone.err)
  const refusedUse = async (url: string) => {
    const r = await api(`${url}/v1/records/${stored.recordId}/uses/${task.taskId}/0`)
    assert.equal(r.status, 403)
    assert.equal(r.body.error.code, 'RECORD_REVOKED')
    assert.match(r.body.error.message, /revoked the grant for contract 0x[0-9a-f]{64} and requester 0x[0-9a-fA-F]{40} at block \d+/)
  }
  for (const url of [apis[0]!, apis[1]!]) {
    await refusedUse(url)
    await until('erasure of the deleted record', async () => (await api(`${url}/v1/records/${second.recordId}`)).body.held === false || undefined)
  }
  // The lender's next request is refused before any task (and fee) exists.
  await assert.rejects(checkRecordUse(lenderClient, { recordId: stored.recordId, codeHash: compiled.codeHash, circuit: compiled.circuit, slot: 'x' }),
    (e: unknown) => isEnigmaError(e, 'RECORD_REVOKED'))
  phase('down: revoke + delete')

  // Custodian 2 restarts: its share of the first record survived, it refuses the revoked use, and its
  // first pass over the chain erases the record deleted while it was down.
  const node2 = await restart(2)
  assert.equal((await api(`${node2.info.api}/v1/records/${stored.recordId}`)).body.held, true)
  await refusedUse(node2.info.api)
  const caughtUp = await until('erasure after restart', async () => { const r = await api(`${node2.info.api}/v1/records/${second.recordId}`); return r.body.held === false ? r.body : undefined })
  assert.match(caughtUp.erased.reason, /deleted/)
  phase('restart')

  // The owner deletes the first record: every custodian erases its share.
  const deleted = await enigma(owner.privateKey, 'delete', stored.recordId, '--json')
  assert.equal(deleted.code, 0, deleted.err)
  for (const url of [apis[0]!, apis[1]!, node2.info.api]) {
    await until('erasure', async () => (await api(`${url}/v1/records/${stored.recordId}`)).body.held === false || undefined)
    assert.equal((await api(`${url}/v1/records/${stored.recordId}/uses/${task.taskId}/0`)).body.error.code, 'RECORD_DELETED')
  }
  assert.ok((await getRecord(ownerClient, { recordId: stored.recordId })).deletedAt > 0n)
  phase('delete')

  // A refused action on the command line: one line `CODE: message`, non-zero exit.
  const late = await enigma(owner.privateKey, 'grant', stored.recordId, '--contract', compiled.codeHash)
  assert.notEqual(late.code, 0)
  assert.equal(late.err.trim().split('\n').length, 1, late.err)
  assert.match(late.err, /RECORD_DELETED: record 0x[0-9a-f]{64} was deleted by its owner/)
  const listed = await enigma(owner.privateKey, 'records', '--owner', owner.address, '--json')
  assert.equal(listed.code, 0, listed.err)
  const rows = JSON.parse(listed.out) as { recordId: Hex; deleted: boolean }[]
  assert.deepEqual(rows.map((r) => [r.recordId, r.deleted]), [[stored.recordId, true], [second.recordId, true]])
  phase('cli refusal + list')
})
