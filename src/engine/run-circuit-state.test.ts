/**
 * Stateful circuits in the engine (issue #11 §2) against `evaluatePlain`, over several successive tasks:
 * each task reads the previous task's state shares (version 0: zeros) and returns the next version's
 * shares, never opened. Between tasks the state moves to another committee by re-sharing (the one
 * hand-off primitive, protocols/reshare.ts, as the nodes do), so the next task runs on a fresh
 * polynomial of another size. Both examples, both security modes, both fields.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileContract } from '../lang/index.ts'
import { evaluatePlain } from '../circuit/evaluate-plain.ts'
import { encodeInputs, decodeValue, toSigned } from '../circuit/values.ts'
import type { Circuit } from '../circuit/types.ts'
import { getField, type Field, type FieldVector } from '../field/index.ts'
import { reconstruct, split } from '../sharing/shamir.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { runParties, sharedFromDealt } from '../protocols/harness.test-util.ts'
import { createMemoryNetwork } from './transport-memory.ts'
import { reshare } from '../protocols/reshare.ts'
import { runCircuit } from './run-circuit.ts'
import { stateLength } from './circuit-state.ts'
import ballot from '../../examples/running-ballot.ts'
import token from '../../examples/private-token.ts'

type Committee = { n: number; t: number }

/** One task: every party deals nothing (a trusted test dealer shares the inputs), computes on its state share. */
async function task(c: Circuit, f: Field, k: Committee, security: 'semi-honest' | 'malicious', values: unknown, state: FieldVector[] | null) {
  const inputs = encodeInputs(c.inputs, values).map((xs) => split(f, f.fromBigInts(xs.map((x) => f.reduce(x))), k.n, k.t))
  const shares = state ?? Array.from({ length: k.n }, () => f.zeros(stateLength(c)))
  const out = await runParties({ field: f, n: k.n, t: k.t, security }, async (s) => {
    const shared = []
    for (const dealt of inputs) shared.push(await sharedFromDealt(s, dealt))
    return runCircuit(s, c, { inputs: [], sharedInputs: shared, state: shares[s.self]!, keepPrivateShares: true })
  })
  const next = out.map((r) => r.stateShares!)
  checkConsistent(f, next, k.t, k.t)
  const privateOut: Record<string, unknown> = {}
  for (const o of c.outputs.filter((o) => o.recipient !== null)) {
    const v = f.toBigInts(reconstruct(f, out.map((r) => r.privateShares.get(o.name)!).slice(0, k.t + 1), [...Array(k.t + 1).keys()], k.t))
    privateOut[o.name] = decodeValue(o.type, v.map((x) => toSigned(x, f.p)))
  }
  return { outputs: { ...out[0]!.outputs, ...privateOut }, next }
}

/** The state's plain value from its shares (test only: nodes never do this). */
function open(c: Circuit, f: Field, k: Committee, shares: FieldVector[]): unknown {
  const xs = f.toBigInts(reconstruct(f, shares.slice(0, k.t + 1), [...Array(k.t + 1).keys()], k.t)).map((x) => toSigned(x, f.p))
  let off = 0
  return Object.fromEntries(c.state!.read.map((r) => [r.name, decodeValue(r.type, xs.slice(off, (off += r.wires.length)))]))
}

/** Old committee → new committee by re-sharing, over one memory network of the union (old first). */
async function handOff(f: Field, from: Committee, to: Committee, shares: FieldVector[], security: 'semi-honest' | 'malicious'): Promise<FieldVector[]> {
  const n = from.n + to.n
  const net = createMemoryNetwork(n, { timeoutMs: 10_000 })
  const oldMembers = [...Array(from.n).keys()]
  const newMembers = Array.from({ length: to.n }, (_, i) => from.n + i)
  try {
    const out = await Promise.all(net.map((transport, p) => reshare({
      field: f, transport, security, oldMembers, oldT: from.t, newMembers, newT: to.t,
      share: p < from.n ? shares[p]! : null, length: f.len(shares[0]!), timeoutMs: 10_000,
    })))
    return out.slice(from.n).map((x) => x!)
  } finally {
    await Promise.all(net.map((t) => t.close()))
  }
}

const committees: Committee[] = [{ n: 3, t: 1 }, { n: 5, t: 2 }, { n: 3, t: 1 }]

for (const security of ['semi-honest', 'malicious'] as const) {
  for (const field of ['p61', 'p127'] as const) {
    test(`running-ballot (${security}, ${field}): three tasks on one state, handed between committees, equal evaluatePlain; the tally only on close`, async () => {
      const params = { voters: 3, candidates: 3 }
      const open0 = compileContract(ballot, { ...params, close: 0 }, { field }).circuit
      const close1 = compileContract(ballot, { ...params, close: 1 }, { field }).circuit
      const f = getField(field)
      let plain: unknown
      let shares: FieldVector[] | null = null
      const batches = [[0, 2, 2], [1, 7, 2], [2, 0, 1]]
      for (let i = 0; i < batches.length; i++) {
        const c = i === batches.length - 1 ? close1 : open0
        const k = committees[i]!
        if (shares && i > 0) shares = await handOff(f, committees[i - 1]!, k, shares, security)
        const want = evaluatePlain(c, { votes: batches[i] }, plain === undefined ? {} : { state: plain })
        const got = await task(c, f, k, security, { votes: batches[i] }, shares)
        assert.deepEqual(got.outputs, want.outputs)
        assert.deepEqual(open(c, f, k, got.next), want.state)
        plain = want.state
        shares = got.next
      }
      assert.deepEqual(plain, { tally: [2, 2, 4], invalid: 1 })
    })
  }

  test(`private-token (${security}): transfers on secret balances over successive tasks equal evaluatePlain; each balance only to its holder`, async () => {
    const accounts = 3
    const c = compileContract(token, { accounts }).circuit
    const f = getField(c.field)
    const k = committees[0]!
    let plain: unknown
    let shares: FieldVector[] | null = null
    for (const step of [
      { from: 0, to: 1, amount: 0, mint: 100 },
      { from: 1, to: 2, amount: 30, mint: 0 },
      { from: 2, to: 0, amount: 31, mint: 0 }, // too large: fails silently
    ]) {
      const want = evaluatePlain(c, step, plain === undefined ? {} : { state: plain })
      const got = await task(c, f, k, security, step, shares)
      assert.deepEqual(got.outputs, want.outputs)
      assert.deepEqual(open(c, f, k, got.next), want.state)
      plain = want.state
      shares = got.next
    }
    assert.deepEqual(plain, { balances: [0, 70, 30] })
  })
}

test('a stateful circuit refuses to run without its state, or with a state of the wrong length', async () => {
  const c = compileContract(ballot, { voters: 1, candidates: 2 }).circuit
  const f = getField(c.field)
  for (const state of [undefined, f.zeros(stateLength(c) + 1)]) {
    await assert.rejects(runParties({ field: f, n: 3, t: 1, security: 'semi-honest' }, async (s) => {
      const dealt = split(f, f.fromBigInts([1n]), 3, 1)
      return runCircuit(s, c, { inputs: [], sharedInputs: [await sharedFromDealt(s, dealt)], ...(state ? { state } : {}) })
    }), /ENGINE_STATE|state/)
  }
})
