// Invariants of the controller over randomised sequences of actions (fast-check), on the in-process
// Hardhat network: register, stake, activate/deactivate, create (some with a result callback that
// succeeds or reverts), draw, fill, receipt, retry of a callback, attest, settle, accuse,
// equivocation, refund, withdraw stake and credits, and time passing. Every action is
// attempted as generated; a refusal by the controller is a normal outcome, anything else fails.
// After every action:
//   balance(controller) = Σ stakes + Σ escrowed fees and callback gas + Σ credits   (and each total = its Σ)
//   total active stake = Σ active nodes' stakes = Fenwick prefix sum; the active set and the
//   nodes' active flags agree; an active node is unslashed with ≥ minStake
//   no node is on a committee after its stake left (until the accusation window closes)
// Default suite: ENIGMA_INVARIANT_RUNS (8) runs × ~60 actions; `npm run test:invariants` runs 40 (~2 400).
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { keccak256, numberToHex, parseEther, stringToHex, type Address, type Hex } from 'viem'
import { inProcessChain, type InProcessChain } from './testing/in-process.ts'
import { TEST_CONFIG } from './testing/fixture.ts'
import { hardhatAccount } from './testing/hardhat-node.ts'
import { ControllerRevertError } from './errors.ts'
import { readController } from './internal/read.ts'
import { deployController } from './actions/deployController.ts'
import { registerNode } from './actions/registerNode.ts'
import { stake } from './actions/stake.ts'
import { setActive } from './actions/setActive.ts'
import { withdrawStake } from './actions/withdrawStake.ts'
import { createTask } from './actions/createTask.ts'
import { drawCommittee } from './actions/drawCommittee.ts'
import { fillInputSlot } from './actions/fillInputSlot.ts'
import { submitReceipt } from './actions/submitReceipt.ts'
import { attest } from './actions/attest.ts'
import { settle } from './actions/settle.ts'
import { accuse } from './actions/accuse.ts'
import { proveEquivocation } from './actions/proveEquivocation.ts'
import { refundTask } from './actions/refundTask.ts'
import { withdrawCredits } from './actions/withdrawCredits.ts'
import { getNode } from './actions/getNode.ts'
import { getTask } from './actions/getTask.ts'
import { getCredits } from './actions/getCredits.ts'
import { getActiveNodes } from './actions/getActiveNodes.ts'
import { signAccusation, signAttestation, signStatement } from '../node/attestation.ts'
import { retryCallback } from './actions/retryCallback.ts'
import { callbackEscrow, type TaskCallback } from './actions/getCallback.ts'
import { deployTestContract } from './testing/deploy-test-contract.ts'
import { gasProbeCallbackAbi, gasProbeCallbackBytecode } from './testing/generated/GasProbeCallback.ts'
import { encodePublicOutputs } from '../node/typed-outputs.ts'
import { P61 } from '../field/reference.ts'

const RUNS = Number(process.env.ENIGMA_INVARIANT_RUNS ?? 8)
const NODES = [2, 3, 4, 5, 6, 7, 8, 9] // 2..7 registered and active at the start, 8 and 9 join later
const CLIENTS = [10, 11, 12, 13]
const EVERYONE = [...NODES, ...CLIENTS]
const config = { ...TEST_CONFIG, accusationWindow: 3000n, attestationWindow: 300n, suspensionPeriod: 2000n, withdrawDelay: 500n, maxTaskDuration: 2000n }
const codeHash = keccak256(stringToHex('invariants'))

let chain: InProcessChain
let address: Address
let domain: { chainId: number; verifyingContract: Address }
let reset: () => Promise<void>
let actionsRun = 0
/** Callbacks a task may name: one that succeeds, one that always reverts (`probe` of a contract without it is refused by the dispatcher). */
let callbacks: TaskCallback[] = []
const publicOutputs = encodePublicOutputs([{ name: 'y', recipient: null, type: { kind: 'int', signed: true, bits: 32 } }], new Map([['y', [P61 - 1n]]]), P61)

before(async () => {
  chain = inProcessChain()
  ;({ address } = await deployController(chain.wallet(0), { ...config, treasury: hardhatAccount(1).address }))
  domain = { chainId: 31337, verifyingContract: address }
  const probe = await deployTestContract(chain.wallet(0), gasProbeCallbackAbi, gasProbeCallbackBytecode, [])
  callbacks = [
    { target: probe, selector: '0x' + keccak256(stringToHex('noop(bytes32,bytes)')).slice(2, 10) as Hex, gasLimit: 60_000, maxFeePerGas: 3_000_000_000n },
    { target: probe, selector: '0xdeadbeef', gasLimit: 50_000, maxFeePerGas: 7_000_000_001n },
  ]
  for (const [k, i] of NODES.slice(0, 6).entries()) {
    await registerNode(chain.wallet(i), { address, peerId: `12D3KooWInv${i}`, encryptionKey: keccak256(stringToHex(`inv-${i}`)), multiaddrs: [], stake: parseEther('1') * BigInt(1 + k) })
    await setActive(chain.wallet(i), { address, active: true })
  }
  // evm_revert consumes its snapshot: take a new one after each revert.
  let restore = await chain.snapshot()
  reset = async () => {
    await restore()
    restore = await chain.snapshot()
  }
})

interface TaskModel {
  id: Hex
  owners: Address[]
  deadline: bigint
  committee: Address[]
  stakeAtDraw: Map<Address, bigint>
}

type Action =
  | { kind: 'stake'; node: number; milli: number }
  | { kind: 'active'; node: number; on: boolean }
  | { kind: 'withdraw'; node: number; milli: number }
  | { kind: 'register'; node: number }
  | { kind: 'create'; client: number; n: number; slots: number[]; life: number; extra: number; drawNow: boolean; callback: number }
  | { kind: 'draw'; task: number; targeted?: boolean }
  | { kind: 'fill'; task: number; slot: number; asOwner: boolean }
  | { kind: 'receipt'; task: number; signers: number; variant: number }
  | { kind: 'retry'; task: number }
  | { kind: 'attest'; task: number; member: number }
  | { kind: 'settle'; task: number }
  | { kind: 'accuse'; task: number; accused: number; voters: number }
  | { kind: 'equivocate'; task: number; member: number; reporter: number }
  | { kind: 'refund'; task: number; targeted: boolean }
  | { kind: 'credits'; who: number; holder: boolean }
  | { kind: 'time'; seconds: number; blocks: number }

const small = fc.nat({ max: 7 })
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('stake' as const), node: small, milli: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('active' as const), node: small, on: fc.boolean() }),
  fc.record({ kind: fc.constant('withdraw' as const), node: small, milli: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('register' as const), node: fc.constantFrom(6, 7) }),
  { arbitrary: fc.record({ kind: fc.constant('create' as const), client: fc.nat({ max: 3 }), n: fc.integer({ min: 3, max: 5 }), slots: fc.array(fc.nat({ max: 3 }), { maxLength: 4 }), life: fc.integer({ min: 30, max: 1800 }), extra: fc.nat({ max: 1000 }), drawNow: fc.boolean(), callback: fc.nat({ max: 3 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('draw' as const), task: small, targeted: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('fill' as const), task: fc.nat({ max: 2 }), slot: fc.nat({ max: 3 }), asOwner: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('receipt' as const), task: small, signers: fc.integer({ min: 1, max: 5 }), variant: fc.nat({ max: 1 }) }), weight: 2 },
  fc.record({ kind: fc.constant('retry' as const), task: small }),
  fc.record({ kind: fc.constant('attest' as const), task: small, member: fc.nat({ max: 4 }) }),
  fc.record({ kind: fc.constant('settle' as const), task: small }),
  fc.record({ kind: fc.constant('accuse' as const), task: small, accused: fc.nat({ max: 4 }), voters: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('equivocate' as const), task: small, member: fc.nat({ max: 4 }), reporter: fc.nat({ max: 11 }) }),
  { arbitrary: fc.record({ kind: fc.constant('refund' as const), task: small, targeted: fc.boolean() }), weight: 2 },
  fc.record({ kind: fc.constant('credits' as const), who: fc.nat({ max: 12 }), holder: fc.boolean() }),
  { arbitrary: fc.record({ kind: fc.constant('time' as const), seconds: fc.integer({ min: 1, max: 1500 }), blocks: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
)

/** Accepted (not refused) actions by kind: the sequences must exercise the contract, not only its refusals. */
const accepted = new Map<string, number>()
let current = ''

async function attempt(run: () => Promise<unknown>): Promise<void> {
  try {
    await run()
    accepted.set(current, (accepted.get(current) ?? 0) + 1)
  } catch (e) {
    if (!(e instanceof ControllerRevertError)) throw e
  }
}

const acct = (i: number) => hardhatAccount(i).address
const indexOfAccount = new Map<string, number>(EVERYONE.map((i) => [acct(i).toLowerCase(), i]))
const w = (a: Address) => chain.wallet(indexOfAccount.get(a.toLowerCase())!)

async function apply(a: Action, tasks: TaskModel[]): Promise<void> {
  // recent tasks first (they are the ones still open); actions on a committee pick among drawn tasks
  // Half the draws and refunds are targeted at tasks where they can succeed (still pending; past
  // their deadline): picked blindly they are refused so often that the accepted path would be
  // exercised only by luck, and the coverage check below would be flaky.
  const now = a.kind === 'refund' && a.targeted ? (await chain.publicClient.getBlock()).timestamp : 0n
  const targeted = a.kind === 'draw' && a.targeted ? tasks.filter((t) => t.committee.length === 0)
    : a.kind === 'refund' && a.targeted ? tasks.filter((t) => t.deadline < now)
    : []
  const pool = targeted.length > 0 ? targeted
    : a.kind === 'draw' || a.kind === 'refund' ? tasks : tasks.filter((t) => t.committee.length > 0)
  const task = 'task' in a && pool.length > 0 ? pool[pool.length - 1 - (a.task % pool.length)] : undefined
  switch (a.kind) {
    case 'stake': return attempt(() => stake(chain.wallet(NODES[a.node]!), { address, amount: (parseEther('1') * BigInt(a.milli)) / 1000n }))
    case 'active': return attempt(() => setActive(chain.wallet(NODES[a.node]!), { address, active: a.on }))
    case 'withdraw': return attempt(() => withdrawStake(chain.wallet(NODES[a.node]!), { address, amount: (parseEther('1') * BigInt(a.milli)) / 1000n }))
    case 'register': {
      const i = NODES[a.node]!
      return attempt(() => registerNode(chain.wallet(i), { address, peerId: `12D3KooWInv${i}`, encryptionKey: keccak256(stringToHex(`inv-${i}`)), multiaddrs: [], stake: parseEther('1') }))
    }
    case 'create': {
      const now = (await chain.publicClient.getBlock()).timestamp
      const owners = a.slots.map((c) => acct(CLIENTS[c]!))
      const deadline = now + BigInt(a.life)
      try {
        const callback = callbacks[a.callback] // half the tasks name none
        const r = await createTask(chain.wallet(CLIENTS[a.client]!), {
          address, codeHash, params: {}, n: a.n, t: 1, security: 'semi-honest', multiplications: 0n, rounds: 0,
          inputSlots: owners.map((owner, k) => ({ name: `s${k}`, owner })), deadline, fee: config.baseFee + BigInt(a.extra) * 1_000_003n,
          ...(callback ? { callback } : {}),
        })
        tasks.push({ id: r.taskId, owners, deadline, committee: [], stakeAtDraw: new Map() })
        accepted.set(current, (accepted.get(current) ?? 0) + 1)
        // most tasks are drawn at once (as the SDK does); the others stay pending for a later draw
        if (a.drawNow) {
          await chain.testClient.mine({ blocks: 2 })
          await apply({ kind: 'draw', task: 0 }, tasks)
        }
      } catch (e) {
        if (!(e instanceof ControllerRevertError)) throw e
      }
      return
    }
    case 'draw': {
      if (!task) return
      try {
        const d = await drawCommittee(chain.wallet(CLIENTS[0]!), { address, taskId: task.id })
        accepted.set(current, (accepted.get(current) ?? 0) + 1)
        if (d.drawn) {
          task.committee = [...d.committee]
          for (const m of d.committee) task.stakeAtDraw.set(m, (await getNode(chain.publicClient, { address, node: m })).stake)
        }
      } catch (e) {
        if (!(e instanceof ControllerRevertError)) throw e
      }
      return
    }
    case 'fill': {
      if (!task || task.owners.length === 0) return
      const slot = a.slot % task.owners.length
      const who = a.asOwner ? task.owners[slot]! : acct(CLIENTS[(a.slot + 1) % CLIENTS.length]!)
      return attempt(() => fillInputSlot(w(who), { address, taskId: task.id, slot, owners: task.owners, commitment: keccak256(numberToHex(slot + 1)) }))
    }
    case 'receipt': {
      if (!task || task.committee.length === 0) return
      const body = { taskId: task.id, outputHash: keccak256(numberToHex(a.variant)), publicOutputs }
      const signers = task.committee.slice(0, a.signers)
      const sigs = await Promise.all(signers.map(async (m) => (await signAttestation(hardhatAccount(indexOfAccount.get(m.toLowerCase())!), domain, body)).signature))
      return attempt(() => submitReceipt(w(task.committee[0]!), { address, ...body, signatures: sigs }))
    }
    case 'retry': {
      if (!task) return
      return attempt(() => retryCallback(chain.wallet(CLIENTS[3]!), { address, taskId: task.id, outputHash: keccak256(numberToHex(0)), publicOutputs }))
    }
    case 'attest': {
      if (!task || task.committee.length === 0) return
      const m = task.committee[a.member % task.committee.length]!
      const body = { taskId: task.id, outputHash: keccak256(numberToHex(0)), publicOutputs: '0x' as Hex }
      const sig = (await signAttestation(hardhatAccount(indexOfAccount.get(m.toLowerCase())!), domain, body)).signature
      return attempt(() => attest(chain.wallet(CLIENTS[1]!), { address, taskId: task.id, signatures: [sig] }))
    }
    case 'settle': return task ? attempt(() => settle(chain.wallet(CLIENTS[2]!), { address, taskId: task.id })) : undefined
    case 'accuse': {
      if (!task || task.committee.length === 0) return
      const accused = task.committee[a.accused % task.committee.length]!
      const voters = task.committee.filter((m) => m !== accused).slice(0, a.voters)
      const reason = keccak256('0x01')
      const sigs = await Promise.all(voters.map(async (m) => (await signAccusation(hardhatAccount(indexOfAccount.get(m.toLowerCase())!), domain, { taskId: task.id, accused, reason })).signature))
      return attempt(() => accuse(chain.wallet(CLIENTS[3]!), { address, taskId: task.id, accused, reason, signatures: sigs }))
    }
    case 'equivocate': {
      if (!task || task.committee.length === 0) return
      const m = task.committee[a.member % task.committee.length]!
      const signer = hardhatAccount(indexOfAccount.get(m.toLowerCase())!)
      const label = keccak256('0x02')
      const s1 = await signStatement(signer, domain, { taskId: task.id, label, contentHash: keccak256('0x03') })
      const s2 = await signStatement(signer, domain, { taskId: task.id, label, contentHash: keccak256('0x04') })
      return attempt(() => proveEquivocation(chain.wallet(EVERYONE[a.reporter]!), { address, a: s1, b: s2 }))
    }
    case 'refund': return task ? attempt(() => refundTask(chain.wallet(CLIENTS[2]!), { address, taskId: task.id })) : undefined
    case 'credits': {
      // Half the withdrawals come from an account that holds credits (a random account almost never
      // does, so the accepted path would otherwise be exercised only by luck); the others from anyone.
      const everyone = [...EVERYONE, 1]
      let who = everyone[a.who % everyone.length]!
      if (a.holder) {
        const balances = await Promise.all(everyone.map((i) => getCredits(chain.publicClient, { address, account: acct(i) })))
        const holders = everyone.filter((_, k) => balances[k]! > 0n)
        if (holders.length > 0) who = holders[a.who % holders.length]!
      }
      return attempt(() => withdrawCredits(chain.wallet(who), { address }))
    }
    case 'time':
      await chain.testClient.increaseTime({ seconds: a.seconds })
      await chain.testClient.mine({ blocks: a.blocks })
  }
}

const read = <T>(fn: string, args: readonly unknown[] = []) => readController<T>(fn, chain.publicClient, { address }, fn, args)

async function checkInvariants(tasks: readonly TaskModel[], full: boolean): Promise<void> {
  const [balance, totalStaked, totalEscrowed, totalCredits, set, now] = await Promise.all([
    chain.publicClient.getBalance({ address }), read<bigint>('totalStaked'), read<bigint>('totalEscrowed'), read<bigint>('totalCredits'),
    getActiveNodes(chain.publicClient, { address }), chain.publicClient.getBlock().then((b) => b.timestamp),
  ])
  assert.equal(balance, totalStaked + totalEscrowed + totalCredits, 'balance = stakes + escrow + credits')
  const nodes = await Promise.all(NODES.map((i) => getNode(chain.publicClient, { address, node: acct(i) })))
  assert.equal(nodes.reduce((s, n) => s + n.stake, 0n), totalStaked, 'Σ stakes')
  const credits = await Promise.all([...EVERYONE, 1].map((i) => getCredits(chain.publicClient, { address, account: acct(i) })))
  assert.equal(credits.reduce((a, b) => a + b, 0n), totalCredits, 'Σ credits')
  const active = NODES.filter((_, k) => nodes[k]!.active).map(acct)
  assert.deepEqual([...set.nodes].sort(), [...active].sort(), 'active set = nodes flagged active')
  assert.equal(new Set(set.nodes).size, set.nodes.length, 'no node twice in the active set')
  const activeStake = NODES.reduce((s, _, k) => (nodes[k]!.active ? s + nodes[k]!.stake : s), 0n)
  assert.equal(set.totalActiveStake, activeStake, 'total active stake = Σ active stakes')
  assert.equal(await read<bigint>('prefixStake', [BigInt(set.nodes.length)]), activeStake, 'Fenwick total')
  for (const [k, n] of nodes.entries()) {
    if (n.active) assert.ok(!n.slashed && n.stake >= config.minStake, `active node ${NODES[k]} is slashed or under-staked`)
  }
  for (const t of tasks) {
    if (t.committee.length === 0 || now > t.deadline + config.accusationWindow) continue
    for (const m of t.committee) {
      const n = nodes[NODES.indexOf(indexOfAccount.get(m.toLowerCase())!)]!
      assert.ok(n.slashed || n.stake >= t.stakeAtDraw.get(m)!, `member ${m} of ${t.id} withdrew inside the window`)
      assert.ok(n.lockedUntil >= t.deadline + config.accusationWindow, 'member stake locked')
    }
  }
  if (full) {
    let escrowed = 0n
    for (const t of tasks) {
      const onChain = await getTask(chain.publicClient, { address, taskId: t.id })
      if (onChain.status === 'pending' || onChain.status === 'open' || onChain.status === 'completed') escrowed += onChain.fee
      // The callback's gas escrow until the receipt (then credited) or the refund.
      if (onChain.callback && (onChain.status === 'pending' || onChain.status === 'open')) escrowed += callbackEscrow(onChain.callback)
      if (onChain.callback && onChain.status === 'none') assert.fail('callback of an unknown task')
    }
    assert.equal(escrowed, totalEscrowed, 'Σ escrowed fees and callback gas of unsettled tasks')
  }
}

test(`invariants hold over ${RUNS} random sequences of controller actions`, { timeout: 3_600_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 40, maxLength: 80 }), async (actions) => {
      await reset()
      const tasks: TaskModel[] = []
      for (const a of actions) {
        current = a.kind
        await apply(a, tasks)
        actionsRun++
        await checkInvariants(tasks, false)
      }
      await checkInvariants(tasks, true)
    }),
    { numRuns: RUNS, endOnFailure: true, seed: process.env.ENIGMA_INVARIANT_SEED ? Number(process.env.ENIGMA_INVARIANT_SEED) : undefined },
  )
  assert.ok(actionsRun >= RUNS * 40)
  // every kind of state change happened at least once across the runs
  for (const kind of ['stake', 'active', 'create', 'draw', 'fill', 'receipt', 'refund', 'credits']) assert.ok((accepted.get(kind) ?? 0) > 0, `no accepted ${kind}: ${[...accepted].join(' ')}`)
  console.log(`# ${actionsRun} actions; accepted: ${[...accepted].map(([k, v]) => `${k} ${v}`).join(', ')}`)
})
