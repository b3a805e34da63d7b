/**
 * `npm run gas`: runs every controller call once on a fresh local hardhat node and prints the gas
 * used as a Markdown table (kept in docs/controller.md). Setup: 8 active nodes, committee n = 5,
 * t = 2, 2 input slots, receipts and accusations with t+1 = 3 signatures.
 */
import { keccak256, stringToHex, parseEther, encodeAbiParameters, type Address } from 'viem'
import { startControllerFixture, fakeIdentity } from '../src/chain/testing/fixture.ts'
import { hardhatAccount } from '../src/chain/testing/hardhat-node.ts'
import { deployController } from '../src/chain/actions/deployController.ts'
import { registerNode } from '../src/chain/actions/registerNode.ts'
import { updateNode } from '../src/chain/actions/updateNode.ts'
import { stake } from '../src/chain/actions/stake.ts'
import { setActive } from '../src/chain/actions/setActive.ts'
import { withdrawStake } from '../src/chain/actions/withdrawStake.ts'
import { setPricing } from '../src/chain/actions/setPricing.ts'
import { registerSecretContract } from '../src/chain/actions/registerSecretContract.ts'
import { createTask } from '../src/chain/actions/createTask.ts'
import { fillInputSlot } from '../src/chain/actions/fillInputSlot.ts'
import { submitReceipt } from '../src/chain/actions/submitReceipt.ts'
import { refundTask } from '../src/chain/actions/refundTask.ts'
import { accuse } from '../src/chain/actions/accuse.ts'
import { proveEquivocation } from '../src/chain/actions/proveEquivocation.ts'
import { withdrawCredits } from '../src/chain/actions/withdrawCredits.ts'
import { isEnigmaError } from '../src/common/errors.ts'
import { signAccusation, signAttestation, signStatement } from '../src/node/attestation.ts'

const rows: [string, bigint, string][] = []
const record = (call: string, gas: bigint, note = '') => rows.push([call, gas, note])

const fx = await startControllerFixture()
try {
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
      record('setActive(true)', r3.gasUsed, 'joins the active set')
    }
  }
  record('updateNode', (await updateNode(fx.wallet(2), { address: a, encryptionKey: keccak256('0x01'), multiaddrs: ['/ip4/1.2.3.4/tcp/1'] })).gasUsed)
  record('stake', (await stake(fx.wallet(2), { address: a, amount: 1n })).gasUsed, 'top-up while active')
  record('setPricing', (await setPricing(fx.wallet(0), { address: a, baseFee: fx.config.baseFee, feePerMultiplication: fx.config.feePerMultiplication, feePerRound: fx.config.feePerRound })).gasUsed)
  const codeHash = keccak256(stringToHex('gas-report'))
  record('registerSecretContract', (await registerSecretContract(fx.wallet(12), { address: a, codeHash, multiplications: 10_000n, rounds: 40, uri: 'ipfs://bafy-example' })).gasUsed)
  const indexOf = new Map<Address, number>(NODES.map((i) => [hardhatAccount(i).address, i]))
  const newTask = async () => createTask(fx.wallet(14), {
    address: a, codeHash, params: { bidders: 2, bits: 32 }, n: 5, t: 2, security: 'malicious',
    inputSlots: [{ name: 'bids[0]', owner: fx.wallet(10).account.address }, { name: 'bids[1]', owner: fx.wallet(11).account.address }],
    deadline: (await fx.now()) + 3600n, fee: parseEther('0.1'),
  })
  const t1 = await newTask()
  record('createTask', t1.gasUsed, 'n = 5 of 8 active, 2 slots, 2 params')
  record('fillInputSlot', (await fillInputSlot(fx.wallet(10), { address: a, taskId: t1.taskId, slot: 0, commitment: keccak256('0x02') })).gasUsed)
  const members = t1.committee.map((x) => indexOf.get(x)!)
  const body = { taskId: t1.taskId, outputHash: keccak256('0x03'), publicOutputs: encodeAbiParameters([{ type: 'uint256' }], [7n]) }
  const sigs = await Promise.all(members.slice(0, 3).map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, body)).signature))
  record('submitReceipt', (await submitReceipt(fx.wallet(members[0]!), { address: a, ...body, signatures: sigs })).gasUsed, 't+1 = 3 signatures')
  const t2 = await newTask()
  const m2 = t2.committee.map((x) => indexOf.get(x)!)
  const body2 = { ...body, taskId: t2.taskId }
  const sigs5 = await Promise.all(m2.map(async (i) => (await signAttestation(hardhatAccount(i), fx.domain, body2)).signature))
  record('submitReceipt', (await submitReceipt(fx.wallet(m2[0]!), { address: a, ...body2, signatures: sigs5 })).gasUsed, 'all 5 signatures')
  const reason = keccak256(stringToHex('mac-check-failed'))
  const votes = await Promise.all(m2.slice(1, 4).map(async (i) => (await signAccusation(hardhatAccount(i), fx.domain, { taskId: t2.taskId, accused: hardhatAccount(m2[0]!).address, reason })).signature))
  record('accuse', (await accuse(fx.wallet(20), { address: a, taskId: t2.taskId, accused: hardhatAccount(m2[0]!).address, reason, signatures: votes })).gasUsed, '3 votes, slashes an active node')
  const label = keccak256(stringToHex('round-1'))
  const s1 = await signStatement(hardhatAccount(m2[1]!), fx.domain, { taskId: t2.taskId, label, contentHash: keccak256('0x04') })
  const s2 = await signStatement(hardhatAccount(m2[1]!), fx.domain, { taskId: t2.taskId, label, contentHash: keccak256('0x05') })
  record('proveEquivocation', (await proveEquivocation(fx.wallet(21), { address: a, a: s1, b: s2 })).gasUsed)
  const t3 = await newTask()
  await fx.advance(3601n)
  record('refundTask', (await refundTask(fx.wallet(15), { address: a, taskId: t3.taskId })).gasUsed)
  record('withdrawCredits', (await withdrawCredits(fx.wallet(14), { address: a })).gasUsed)
  const leaver = NODES.find((i) => i !== m2[0] && i !== m2[1])!
  record('setActive(false)', (await setActive(fx.wallet(leaver), { address: a, active: false })).gasUsed, 'leaves the active set')
  await fx.advance(fx.config.withdrawDelay)
  record('withdrawStake', (await withdrawStake(fx.wallet(leaver), { address: a, amount: parseEther('0.5') })).gasUsed, 'partial')

  console.log('| call | gas | notes |\n|---|---:|---|')
  for (const [call, gas, note] of rows) console.log(`| \`${call}\` | ${gas.toLocaleString('en-US')} | ${note} |`)
} catch (e) {
  console.error(isEnigmaError(e) ? e.toLine() : e)
  process.exitCode = 1
} finally {
  await fx.stop()
}
