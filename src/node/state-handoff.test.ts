/**
 * The node's state keeping without a network (the hand-off itself runs in src/cli/state.e2e.test.ts):
 * version 0 is zeros and needs nobody; a state whose declared type is not the circuit's is refused
 * before any share moves; a task waits for its binding; shares of a version are sealed on disk, survive
 * a reopen, and are erased only once the chain holds a later version (or another task's version).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileContract } from '../lang/index.ts'
import { getField } from '../field/index.ts'
import { loadOrCreateIdentity } from './identity.ts'
import { silentLogger } from './log.ts'
import { StateStore } from './state-store.ts'
import { StateKeeper, isObsolete } from './state-handoff.ts'
import { stateTypeHash } from './state-type.ts'
import type { MpcNetwork } from './mpc-network.ts'
import type { StateSource, TaskStateBinding } from './state-source.ts'
import type { Hex, TaskSpec } from './task-source.ts'
import ballot from '../../examples/running-ballot.ts'
import token from '../../examples/private-token.ts'

const S = `0x${'aa'.repeat(32)}` as Hex
const T1 = `0x${'01'.repeat(32)}` as Hex
const T2 = `0x${'02'.repeat(32)}` as Hex
const circuit = compileContract(ballot, { voters: 2, candidates: 3 }).circuit
const spec = { taskId: T2, committee: [], security: 'semi-honest', t: 1 } as unknown as TaskSpec
/** The network is never touched on these paths: any use fails the test. */
const noNet = new Proxy({}, { get: () => { throw new Error('the network must not be used') } }) as MpcNetwork

async function keeper(source: StateSource, dir: string) {
  const { identity } = await loadOrCreateIdentity(join(dir, 'id'))
  const store = new StateStore(dir, identity)
  await store.open()
  return { store, k: new StateKeeper({ peerId: identity.peerId, dealingKey: identity.encryptionSecretKey, net: noNet, source, store, log: silentLogger, timeoutMs: 1_000, pollMs: 20 }) }
}

test('version 0 is zeros without a hand-off; a task waits for its binding; a state of another type is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-state-keeper-'))
  let binding: TaskStateBinding | undefined
  const source: StateSource = { bindingOf: async () => binding, stateOf: async () => undefined }
  const { store, k } = await keeper(source, dir)
  try {
    const pending = k.forTask(spec, circuit, AbortSignal.timeout(5_000))
    await new Promise((r) => setTimeout(r, 100))
    binding = { stateId: S, version: 0n, typeHash: stateTypeHash(circuit), holders: undefined }
    const got = await pending
    assert.deepEqual(getField(circuit.field).toBigInts(got.shares), [0n, 0n, 0n, 0n])
    // Another contract's state (the token's balances) on the same id: refused before anything moves.
    const other = compileContract(token, { accounts: 4 }).circuit
    binding = { stateId: S, version: 3n, typeHash: stateTypeHash(other), holders: { taskId: T1, t: 1, members: [] } }
    await assert.rejects(k.forTask({ ...spec, taskId: T1 }, circuit, AbortSignal.timeout(5_000)), /NODE_STATE_UNAVAILABLE|has type/)
    // Never bound by the deadline: the wait ends with the task's signal.
    binding = undefined
    await assert.rejects(k.forTask({ ...spec, taskId: `0x${'03'.repeat(32)}` as Hex }, circuit, AbortSignal.timeout(200)))
  } finally {
    k.stop()
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('a kept version is sealed on disk, survives a reopen, and is obsolete only once the chain moved past it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'enigma-state-store-'))
  const f = getField('p61')
  try {
    const { identity } = await loadOrCreateIdentity(join(dir, 'id'))
    let store = new StateStore(dir, identity)
    await store.open()
    const shares = f.fromBigInts([123456789n, 42n])
    await store.put({ stateId: S, version: 1n, taskId: T1 }, f, shares)
    await store.close()
    // Nothing in clear on disk: the share's bytes appear in no file, neither raw nor as hex text.
    const raw = Buffer.from(f.encode(shares))
    for (const name of await readdir(join(dir, 'state'))) {
      const bytes = await readFile(join(dir, 'state', name))
      assert.ok(!bytes.includes(raw) && !bytes.includes(Buffer.from(raw.toString('hex'))), `${name} holds the share in clear`)
    }
    store = new StateStore(dir, identity)
    await store.open()
    assert.deepEqual(f.toBigInts((await store.get({ stateId: S, version: 1n, taskId: T1 }, f))!), [123456789n, 42n])
    assert.deepEqual(await store.list(), [{ stateId: S, version: 1n, taskId: T1 }])
    await store.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const held = { stateId: S, version: 1n, taskId: T1 }
  assert.equal(isObsolete(held, { stateId: S, version: 1n, versionTask: T1, bound: undefined }), false, 'the current version is kept')
  assert.equal(isObsolete(held, { stateId: S, version: 0n, versionTask: undefined, bound: undefined }), false, 'a candidate not yet committed is kept')
  assert.equal(isObsolete(held, { stateId: S, version: 1n, versionTask: T2, bound: undefined }), true, 'another task wrote version 1: this candidate lost')
  assert.equal(isObsolete(held, { stateId: S, version: 2n, versionTask: T2, bound: undefined }), true, 'the chain holds a later version')
})
