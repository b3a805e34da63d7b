/**
 * `npm run bench:e2e [-- --bidders 5,50,200] [--security malicious|semi-honest] [--inputs batch|direct]`: the Vickrey auction
 * end to end on a devnet (Hardhat chain, controller, 5 node processes) with 5, 50 and 200 bidders, each
 * with its own funded account. Reports the time split into chain transactions (createTask + every
 * fillInputSlot, summed), input delivery (envelopes to the nodes, summed and wall), computation
 * (last input → a member reports the result) and receipt (→ receipt on chain), and gas per task.
 * Inputs (issue #14 §5): `batch` (default) hands signed envelopes to the committee off chain and commits
 * one root (contracts/EnigmaInputs.sol); `direct` is one `fillInputSlot` per bidder. Gas is deterministic.
 * Writes bench/results/e2e.json. Not part of the test suite.
 */
import { readFile, writeFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomInt } from 'node:crypto'
import { parseEther, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { sendTransaction, waitForTransactionReceipt } from 'viem/actions'
import { hardhat } from 'viem/chains'
import { startDevnet } from '../src/devnet/devnet.ts'
import { compileFile, contractPath, deployCompiled } from '../src/devnet/contracts.ts'
import { clientFor, runTaskFlow } from '../src/devnet/flow.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt
}
const sizes = arg('--bidders', '5,50,200').split(',').map(Number)
const security = arg('--security', 'malicious') as 'malicious' | 'semi-honest'
const inputsMode = arg('--inputs', 'batch') as 'batch' | 'direct'

const root = await mkdtemp(join(tmpdir(), 'enigma-bench-e2e-'))
const devnet = await startDevnet({ dir: join(root, 'devnet'), nodes: 5, threshold: 2, nodeConfig: { mpcTimeoutMs: 120_000 }, inputBatches: inputsMode === 'batch' })
const rows: Record<string, unknown>[] = []
try {
  const deployer = devnet.wallet(0)
  for (const bidders of sizes) {
    const compiled = await compileFile(contractPath('vickrey-auction'), { bidders })
    await deployCompiled(clientFor(devnet.state, devnet.state.deployer.privateKey), devnet.state.circuitsDir, compiled)
    // One fresh funded account per bidder (the devnet has 38 client accounts; 200 bidders need more).
    const keys: Hex[] = Array.from({ length: bidders }, () => generatePrivateKey())
    for (const k of keys) {
      const hash = await sendTransaction(deployer, { to: privateKeyToAccount(k).address, value: parseEther('1'), account: deployer.account, chain: hardhat })
      await waitForTransactionReceipt(devnet.publicClient, { hash })
    }
    const bids = keys.map(() => randomInt(1, 1_000_000))
    const r = await runTaskFlow({
      state: devnet.state, compiled, creator: devnet.state.accounts[0]!.privateKey, security, timeoutMs: 1_800_000, deadlineSeconds: 3_600,
      slots: keys.map((owner, i) => ({ slot: `bids[${i}]`, value: bids[i], owner })),
    })
    const sorted = [...bids].sort((a, b) => b - a)
    const ok = bids[Number(r.result.outputs.winner)] === sorted[0] && r.result.outputs.price === sorted[1]
    const row = {
      bidders, security, inputs: inputsMode, correct: ok, load: (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).trim(), multiplications: compiled.cost.totalMultiplications, rounds: compiled.cost.rounds,
      ms: { ...r.timing, chainTransactionsSum: r.timing.createMs + r.timing.inputChainMs },
      gas: {
        createTask: Number(r.gas.createTask), inputRoot: Number(r.gas.inputRoot), fillInputSlotTotal: Number(r.gas.inputs),
        perInput: Math.round(Number(r.gas.inputs + r.gas.inputRoot) / bidders), receipt: Number(r.gas.receipt), total: Number(r.gas.total),
      },
      feeWei: String(r.result.receipt.fee),
    }
    rows.push(row)
    console.log(JSON.stringify(row))
  }
} finally {
  await devnet.stop()
  await rm(root, { recursive: true, force: true })
}
await mkdir(new URL('./results/', import.meta.url), { recursive: true })
await writeFile(new URL('./results/e2e.json', import.meta.url), JSON.stringify({
  bench: 'e2e', date: new Date().toISOString(), node: process.version, machine: 'shared 2-core development machine (load from other jobs; see notes)',
  notes: 'inputs batch: envelopes off chain, one root (inputRoot gas), owners confirm their leaf on chain (a view); perInput = (owners\' fills + root) / bidders. chainTransactionsSum = createTask + sum of fillInputSlot latencies (bidders submit 16 at a time, so sums exceed wall time); inputDeliveryMs = sum over bidders of the time to hand envelopes to all 5 nodes; inputsWallMs = wall time of the input phase (batched: delivery + the root; the owners\' leaf checks run beside the computation and their wall time is inputChainMs); computeMs = last input (or the root) on chain → first member reports completed; receiptMs = → receipt on chain; resultMs = createTask → receipt on chain (what the auction takes); totalMs = resultMs + waiting for the last owner\'s leaf check.',
  rows,
}, null, 2) + '\n')
console.log(`wrote bench/results/e2e.json (${rows.length} rows)`)
