/**
 * `npm run gas`: runs every controller call on a fresh local hardhat node and prints the gas used as
 * Markdown tables (kept in docs/controller.md). Setup of the main table: 8 active nodes, committee
 * n = 5, t = 2. Then createTask / fillInputSlot with 200 slots, and drawCommittee (the selection) for
 * N = 10, 100 and 1 000 active nodes.
 */
import { keccak256, stringToHex, parseEther, encodeAbiParameters, createWalletClient, numberToHex, type Address, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { hardhat } from 'viem/chains'
import { startControllerFixture, fakeIdentity, createDrawnTask, TEST_CONFIG, type ControllerFixture, type FixtureWallet } from '../src/chain/testing/fixture.ts'
import { inProcessChain } from '../src/chain/testing/in-process.ts'
import { hardhatAccount } from '../src/chain/testing/hardhat-node.ts'
import { deployController } from '../src/chain/actions/deployController.ts'
import { registerNode } from '../src/chain/actions/registerNode.ts'
import { updateNode } from '../src/chain/actions/updateNode.ts'
import { stake } from '../src/chain/actions/stake.ts'
import { setActive } from '../src/chain/actions/setActive.ts'
import { withdrawStake } from '../src/chain/actions/withdrawStake.ts'
import { setPricing } from '../src/chain/actions/setPricing.ts'
import { registerSecretContract } from '../src/chain/actions/registerSecretContract.ts'
import { createTask, type CreateTaskParameters } from '../src/chain/actions/createTask.ts'
import { drawCommittee } from '../src/chain/actions/drawCommittee.ts'
import type { TaskCallback } from '../src/chain/actions/getCallback.ts'
import { fillInputSlot } from '../src/chain/actions/fillInputSlot.ts'
import { submitReceipt } from '../src/chain/actions/submitReceipt.ts'
import { attest } from '../src/chain/actions/attest.ts'
import { settle } from '../src/chain/actions/settle.ts'
import { refundTask } from '../src/chain/actions/refundTask.ts'
import { accuse } from '../src/chain/actions/accuse.ts'
import { proveEquivocation } from '../src/chain/actions/proveEquivocation.ts'
import { withdrawCredits } from '../src/chain/actions/withdrawCredits.ts'
import { isEnigmaError } from '../src/common/errors.ts'
import { signAccusation, signAttestation, signStatement } from '../src/node/attestation.ts'
import { retryCallback } from '../src/chain/actions/retryCallback.ts'
import { deployTestContract } from '../src/chain/testing/deploy-test-contract.ts'
import { gasProbeCallbackAbi, gasProbeCallbackBytecode } from '../src/chain/testing/generated/GasProbeCallback.ts'
import { revertingCallbackAbi, revertingCallbackBytecode } from '../src/chain/testing/generated/RevertingCallback.ts'
import { testConsumerAbi, testConsumerBytecode } from '../src/chain/testing/generated/TestConsumer.ts'
import { encodePublicOutputs } from '../src/node/typed-outputs.ts'
import { P61 } from '../src/field/reference.ts'
import { toFunctionSelector, parseEventLogs } from 'viem'
import { writeController } from '../src/chain/internal/write.ts'
import { enigmaControllerAbi } from '../src/chain/generated/EnigmaController.ts'

const rows: [string, bigint, string][] = []
const record = (call: string, gas: bigint, note = '') => rows.push([call, gas, note])
const codeHash = keccak256(stringToHex('gas-report'))

async function mainTable(fx: ControllerFixture): Promise<void> {
  const a = fx.address
  record('deploy', (await deployController(fx.wallet(0), fx.config)).gasUsed, 'constructor')
  const NODES = [2, 3, 4, 5, 6, 7, 8, 9]
  for (const [k, i] of NODES.entries()) {
    const w = fx.wallet(i)
    const r1 = await registerNode(w, { address: a, ...fakeIdentity(i) })
    const r2 = await stake(w, { address: a, amount: parseEther('1') + BigInt(k) })
    const r3 = await setActive(w, { address: a, active: true })
    if (k === 0) {
      record('registerNode', r1.gasUsed, '1 multiaddr, no deposit')
      record('stake', r2.gasUsed, 'first deposit, inactive')
      record('setActive(true)', r3.gasUsed, 'joins the active set (first position)')
    }
    if (k === NODES.length - 1) record('setActive(true)', r3.gasUsed, `joins as the ${NODES.length}th active node`)
  }
  record('updateNode', (await updateNode(fx.wallet(2), { address: a, encryptionKey: keccak256('0x01'), multiaddrs: ['/ip4/1.2.3.4/tcp/1'] })).gasUsed, 'rotates the key')
  record('stake', (await stake(fx.wallet(2), { address: a, amount: 1n })).gasUsed, 'top-up while active (Fenwick update)')
  record('setPricing', (await setPricing(fx.wallet(0), { address: a, baseFee: fx.config.baseFee, feePerMultiplication: fx.config.feePerMultiplication, feePerRound: fx.config.feePerRound })).gasUsed)
  record('registerSecretContract', (await registerSecretContract(fx.wallet(12), { address: a, codeHash, multiplications: 10_000n, rounds: 40, uri: 'ipfs://bafy-example' })).gasUsed)
  const indexOf = new Map<Address, number>(NODES.map((i) => [hardhatAccount(i).address, i]))
  const slots2 = [{ name: 'bids[0]', owner: fx.wallet(10).account.address }, { name: 'bids[1]', owner: fx.wallet(11).account.address }]
  const params = async (inputSlots = slots2): Promise<CreateTaskParameters> => ({
    address: a, codeHash, params: { bidders: inputSlots.length, bits: 32 }, n: 5, t: 2, security: 'malicious', multiplications: 10_000n, rounds: 40,
    inputSlots, deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  const t1 = await createDrawnTask(fx, fx.wallet(14), await params())
  record('createTask', t1.gasUsed, '2 slots, 2 params')
  record('drawCommittee', t1.drawGas, 'n = 5 of 8 active (header check + selection + stake locks)')
  record('fillInputSlot', (await fillInputSlot(fx.wallet(10), { address: a, taskId: t1.taskId, slot: 0, owners: slots2.map((s) => s.owner), commitment: keccak256('0x02') })).gasUsed, '2-slot task (proof of 1 hash)')
  const members = t1.committee.map((x) => indexOf.get(x)!)
  const body = { taskId: t1.taskId, outputHash: keccak256('0x03'), publicOutputs: encodeAbiParameters([{ type: 'uint256' }], [7n]) }
  const sign = (ids: number[], b = body) => Promise.all(ids.map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, b)).signature))
  record('submitReceipt', (await submitReceipt(fx.wallet(members[0]!), { address: a, ...body, signatures: await sign(members.slice(0, 3)) })).gasUsed, 't+1 = 3 signatures')
  record('attest', (await attest(fx.wallet(20), { address: a, taskId: t1.taskId, signatures: await sign(members.slice(3)) })).gasUsed, '2 late co-signatures')
  const t2 = await createDrawnTask(fx, fx.wallet(14), await params())
  const m2 = t2.committee.map((x) => indexOf.get(x)!)
  const body2 = { ...body, taskId: t2.taskId }
  record('submitReceipt', (await submitReceipt(fx.wallet(m2[0]!), { address: a, ...body2, signatures: await sign(m2, body2) })).gasUsed, 'all 5 signatures')
  const reason = keccak256(stringToHex('mac-check-failed'))
  const votes = await Promise.all(m2.slice(1, 4).map(async (i) => (await signAccusation(hardhatAccount(i), fx.domain, { taskId: t2.taskId, accused: hardhatAccount(m2[0]!).address, reason })).signature))
  record('accuse', (await accuse(fx.wallet(20), { address: a, taskId: t2.taskId, accused: hardhatAccount(m2[0]!).address, reason, signatures: votes })).gasUsed, '3 votes: suspends an active node')
  const label = keccak256(stringToHex('round-1'))
  const s1 = await signStatement(hardhatAccount(m2[1]!), fx.domain, { taskId: t2.taskId, label, contentHash: keccak256('0x04') })
  const s2 = await signStatement(hardhatAccount(m2[1]!), fx.domain, { taskId: t2.taskId, label, contentHash: keccak256('0x05') })
  record('proveEquivocation', (await proveEquivocation(fx.wallet(21), { address: a, a: s1, b: s2 })).gasUsed, 'slashes an active node')
  await fx.advance(fx.config.attestationWindow + 1n)
  record('settle', (await settle(fx.wallet(20), { address: a, taskId: t1.taskId })).gasUsed, '5 attesters paid')
  const t3 = await createTask(fx.wallet(14), await params())
  await fx.advance(3601n)
  record('refundTask', (await refundTask(fx.wallet(15), { address: a, taskId: t3.taskId })).gasUsed)
  record('withdrawCredits', (await withdrawCredits(fx.wallet(14), { address: a })).gasUsed)
  const leaver = NODES.find((i) => !m2.includes(i) && !members.includes(i)) ?? NODES.find((i) => i !== m2[0] && i !== m2[1])!
  record('setActive(false)', (await setActive(fx.wallet(leaver), { address: a, active: false })).gasUsed, 'leaves the active set (swap-and-pop)')
  await fx.advance(fx.config.withdrawDelay + fx.config.accusationWindow)
  record('withdrawStake', (await withdrawStake(fx.wallet(leaver), { address: a, amount: parseEther('0.5') })).gasUsed, 'partial')

  // 200 input slots: createTask is nearly flat in the number of slots (root + bitmap, no per-slot storage)
  const owners200 = Array.from({ length: 200 }, (_, k) => ({ name: `bids[${k}]`, owner: fx.wallet(20 + (k % 20)).account.address }))
  const t200 = await createDrawnTask(fx, fx.wallet(14), await params(owners200))
  record('createTask', t200.gasUsed, '200 slots (owner list in calldata and event, root computed on chain)')
  const ownersOnly = owners200.map((s) => s.owner)
  record('fillInputSlot', (await fillInputSlot(fx.wallet(20), { address: a, taskId: t200.taskId, slot: 0, owners: ownersOnly, commitment: keccak256('0x06') })).gasUsed, '200-slot task, first in its bitmap word (8-hash proof)')
  record('fillInputSlot', (await fillInputSlot(fx.wallet(21), { address: a, taskId: t200.taskId, slot: 1, owners: ownersOnly, commitment: keccak256('0x07') })).gasUsed, '200-slot task, later slot')
  await callbackTable(fx, indexOf)
}

/**
 * The callback path (issue #16): the receipt with a callback that does nothing (the controller's own
 * overhead), one that reverts, an EnigmaConsumer that stores its outputs, and retryCallback.
 */
async function callbackTable(fx: ControllerFixture, indexOf: Map<Address, number>): Promise<void> {
  const a = fx.address
  const outputs = [{ name: 'winner', recipient: null, type: { kind: 'int', signed: false, bits: 32 } }, { name: 'price', recipient: null, type: { kind: 'int', signed: false, bits: 64 } }] as const
  const publicOutputs = encodePublicOutputs(outputs, new Map([['winner', [3n]], ['price', [1_000n]]]), P61)
  const body = (taskId: Hex) => ({ taskId, outputHash: keccak256('0x03'), publicOutputs })
  const sign = (ids: number[], taskId: Hex) => Promise.all(ids.map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, body(taskId))).signature))
  const params = async (callback?: TaskCallback): Promise<CreateTaskParameters> => ({
    address: a, codeHash, params: {}, n: 5, t: 2, security: 'malicious', multiplications: 10_000n, rounds: 40,
    inputSlots: [{ name: 'x', owner: fx.wallet(10).account.address }], deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'), ...(callback ? { callback } : {}),
  })
  const receiptOf = async (taskId: Hex, committee: readonly Address[]) => {
    const m = committee.map((x) => indexOf.get(x)!)
    return submitReceipt(fx.wallet(m[0]!), { address: a, ...body(taskId), signatures: await sign(m.slice(0, 3), taskId) })
  }
  const plain = await createDrawnTask(fx, fx.wallet(14), await params())
  record('submitReceipt', (await receiptOf(plain.taskId, plain.committee)).gasUsed, 't+1 = 3 signatures, 2 typed outputs, no callback')
  const probe = await deployTestContract(fx.wallet(14), gasProbeCallbackAbi, gasProbeCallbackBytecode, [])
  const cap = 10_000_000_000n
  const noop = await createDrawnTask(fx, fx.wallet(14), await params({ target: probe, selector: toFunctionSelector('noop(bytes32,bytes)'), gasLimit: 100_000, maxFeePerGas: cap }))
  record('createTask', noop.gasUsed, 'with a callback (1 slot)')
  record('createTask', plain.gasUsed, 'without a callback (1 slot)')
  record('submitReceipt', (await receiptOf(noop.taskId, noop.committee)).gasUsed, 'same, callback that does nothing; first credits of submitter and creator (2 fresh slots)')
  const noop2 = await createDrawnTask(fx, fx.wallet(14), await params({ target: probe, selector: toFunctionSelector('noop(bytes32,bytes)'), gasLimit: 100_000, maxFeePerGas: cap }))
  record('submitReceipt', (await receiptOf(noop2.taskId, noop2.committee)).gasUsed, 'same, callback that does nothing, credits already non-zero: the callback path\'s own cost')
  const reverting = await deployTestContract(fx.wallet(14), revertingCallbackAbi, revertingCallbackBytecode, [])
  const rev = await createDrawnTask(fx, fx.wallet(14), await params({ target: reverting, selector: toFunctionSelector('onResult(bytes32,bytes)'), gasLimit: 100_000, maxFeePerGas: cap }))
  record('submitReceipt', (await receiptOf(rev.taskId, rev.committee)).gasUsed, 'same, callback reverts (failure recorded with its reason)')
  record('retryCallback', (await retryCallback(fx.wallet(20), { address: a, ...body(rev.taskId) })).gasUsed, 'callback reverts again')
  const consumer = await deployTestContract(fx.wallet(14), testConsumerAbi, testConsumerBytecode, [a])
  const p = await params()
  const req = { codeHash, params: '0x', n: 5, t: 2, securityMode: 1, multiplications: 10_000n, rounds: 40, inputSlots: p.inputSlots, deadline: p.deadline,
    callback: { target: '0x0000000000000000000000000000000000000000', selector: '0x00000000', gasLimit: 200_000, maxFeePerGas: cap } }
  const { receipt: rec } = await writeController('request', fx.wallet(14), { address: consumer, abi: testConsumerAbi, value: p.fee + 200_000n * cap }, 'request', [req])
  record('EnigmaConsumer._requestTask', rec.gasUsed, 'a consumer contract creates a task (1 slot) with itself as callback')
  const [created] = parseEventLogs({ abi: enigmaControllerAbi, eventName: 'TaskCreated', logs: rec.logs })
  const latest = await fx.publicClient.getBlockNumber({ cacheTime: 0 })
  if (latest <= created!.args.drawBlock) await fx.mine(Number(created!.args.drawBlock - latest) + 1)
  const drawn = await drawCommittee(fx.wallet(14), { address: a, taskId: created!.args.taskId })
  if (!drawn.drawn) throw new Error('draw re-targeted')
  record('submitReceipt', (await receiptOf(created!.args.taskId, drawn.committee)).gasUsed, 'same, EnigmaConsumer callback that stores the outputs')
}

/**
 * drawCommittee with N active nodes (fresh accounts funded with hardhat_setBalance), one controller
 * per N on the in-process Hardhat network (thousands of transactions: no HTTP round trips).
 */
async function selectionScaling(): Promise<[number, number, bigint, bigint][]> {
  const out: [number, number, bigint, bigint][] = []
  const chain = inProcessChain()
  for (const size of [10, 100, 1000]) {
    const { address } = await deployController(chain.wallet(0), TEST_CONFIG)
    const fx = {
      address, publicClient: chain.publicClient, testClient: chain.testClient, wallet: chain.wallet,
      now: async () => (await chain.publicClient.getBlock()).timestamp,
      mine: async (blocks: number) => { await chain.testClient.mine({ blocks }) },
    } as unknown as ControllerFixture
    {
      const wallets: FixtureWallet[] = Array.from({ length: size }, (_, k) =>
        createWalletClient({ chain: hardhat, transport: chain.transport, account: privateKeyToAccount(keccak256(numberToHex(size * 10_000 + k + 1, { size: 32 }))), pollingInterval: 1 }))
      let joinGas = 0n
      // one at a time: concurrent senders on automine race the base fee of the next block
      for (const [id, w] of wallets.entries()) {
        await fx.testClient.setBalance({ address: w.account.address, value: parseEther('100') })
        await registerNode(w, { address, peerId: `12D3KooWGasNode${id}`, encryptionKey: keccak256(stringToHex(`gas-key-${id}`)), multiaddrs: [], stake: parseEther('1') + BigInt(id) })
        joinGas = (await setActive(w, { address, active: true })).gasUsed
      }
      for (const n of [5, 32]) {
        if (n > size) continue
        const t = await createDrawnTask(fx, fx.wallet(14), {
          address: fx.address, codeHash, params: {}, n, t: Math.floor((n - 1) / 2), security: 'malicious', multiplications: 0n, rounds: 0,
          inputSlots: [], deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
        })
        out.push([size, n, t.drawGas, joinGas])
      }
    }
  }
  return out
}

const fx = await startControllerFixture()
try {
  await mainTable(fx)
  console.log('| call | gas | notes |\n|---|---:|---|')
  for (const [call, gas, note] of rows) console.log(`| \`${call}\` | ${gas.toLocaleString('en-US')} | ${note} |`)
} catch (e) {
  console.error(isEnigmaError(e) ? e.toLine() : e)
  process.exitCode = 1
} finally {
  await fx.stop()
}
if (!process.exitCode) {
  try {
    const scaling = await selectionScaling()
    console.log('\n| active nodes N | committee n | `drawCommittee` gas | `setActive(true)` of the N-th node |\n|---:|---:|---:|---:|')
    for (const [size, n, gas, join] of scaling) console.log(`| ${size.toLocaleString('en-US')} | ${n} | ${gas.toLocaleString('en-US')} | ${join.toLocaleString('en-US')} |`)
  } catch (e) {
    console.error(isEnigmaError(e) ? e.toLine() : e)
    process.exitCode = 1
  }
}
