/**
 * `npm run bench:e2e [-- --bidders 5,50,200] [--security malicious|semi-honest] [--inputs batch|direct]`: the Vickrey auction
 * end to end on a devnet (Hardhat chain, controller, 5 node processes) with 5, 50 and 200 bidders, each
 * with its own funded account. Reports the time split into chain transactions (createTask + every
 * fillInputSlot, summed), input delivery (envelopes to the nodes, summed and wall), computation
 * (last input → a member reports the result) and receipt (→ receipt on chain), and gas per task.
 * Inputs (issue #14 §5): `batch` (default) hands signed envelopes to the committee off chain and commits
 * one root (contracts/EnigmaInputs.sol); `direct` is one `fillInputSlot` per bidder. Gas is deterministic.
 * `--profile DIR`: also where the time goes (bench/e2e-profile.ts): CPU seconds of every process per
 * phase, every JSON-RPC / node-API call per phase and caller, the nodes' `--cpu-prof` files and logs in DIR;
 * the report is DIR/profile-<bidders>.json and the row's `profile`.
 * `--block-ms N`: the devnet chain mines a block every N ms (default: the devnet's 1 s,
 * `DEVNET_BLOCK_INTERVAL_MS`), an L2-like chain, to show what the code costs apart from block time.
 * Blocks of one second share its timestamp (hardhat.config.cjs), so every window set in seconds
 * (input deadline, escape window) keeps its wall length; the draw delay stays 2 blocks
 * (docs/performance.md, "Issue #14, night session: inputs").
 * Writes bench/results/e2e.json (e2e-block-<N>ms.json with --block-ms; not with --profile). Not part of the test suite.
 */
import { copyFile, readFile, writeFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { readdirSync } from 'node:fs'
import { randomInt } from 'node:crypto'
import { parseEther, type Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { sendTransaction, waitForTransactionReceipt } from 'viem/actions'
import { hardhat } from 'viem/chains'
import { DEVNET_BLOCK_INTERVAL_MS, startDevnet } from '../src/devnet/devnet.ts'
import { compileFile, contractPath, deployCompiled } from '../src/devnet/contracts.ts'
import { clientFor, runTaskFlow } from '../src/devnet/flow.ts'
import { PhaseClock, phaseReport, profilingTopology, readCallLogs, topFunctions } from './e2e-profile.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt
}
const sizes = arg('--bidders', '5,50,200').split(',').map(Number)
const security = arg('--security', 'malicious') as 'malicious' | 'semi-honest'
const inputsMode = arg('--inputs', 'batch') as 'batch' | 'direct'
const profileDir = process.argv.includes('--profile') ? resolve(arg('--profile', '')) : undefined
const blockMs = process.argv.includes('--block-ms') ? Number(arg('--block-ms', '')) : undefined
if (blockMs !== undefined && (!Number.isSafeInteger(blockMs) || blockMs < 1)) throw new Error(`--block-ms must be a positive integer (ms), got ${arg('--block-ms', '')}`)
if (profileDir) {
  await mkdir(profileDir, { recursive: true })
  process.env.ENIGMA_E2E_CALL_LOG = profileDir
  await import('./e2e-call-log.mjs')
}

const root = await mkdtemp(join(tmpdir(), 'enigma-bench-e2e-'))
const devnet = await startDevnet({
  dir: join(root, 'devnet'), nodes: 5, threshold: 2, nodeConfig: { mpcTimeoutMs: 120_000 }, inputBatches: inputsMode === 'batch', blockTimeMs: blockMs,
  ...(profileDir ? { topology: profilingTopology(profileDir) } : {}),
})
const pids: Record<string, number> = { bench: process.pid, chain: devnet.chain.pid, ...Object.fromEntries(devnet.nodes.map((n) => [`node${n.index}`, n.pid])) }
const callerOf = (pid: number) => Object.entries(pids).find(([, p]) => p === pid)?.[0] ?? `pid ${pid}`
const runs: { bidders: number; clock: PhaseClock; row: Record<string, unknown> }[] = []
const rows: Record<string, unknown>[] = []
try {
  const deployer = devnet.wallet(0)
  for (const bidders of sizes) {
    const compiled = await compileFile(contractPath('vickrey-auction'), { bidders })
    await deployCompiled(clientFor(devnet.state, devnet.state.deployer.privateKey), devnet.state.circuitsDir, compiled)
    // One fresh funded account per bidder (the devnet has 38 client accounts; 200 bidders need more).
    // Sent back to back (consecutive nonces), then awaited: one block takes them all.
    const keys: Hex[] = Array.from({ length: bidders }, () => generatePrivateKey())
    const fundings: Hex[] = []
    for (const k of keys) fundings.push(await sendTransaction(deployer, { to: privateKeyToAccount(k).address, value: parseEther('1'), account: deployer.account, chain: hardhat }))
    for (const hash of fundings) await waitForTransactionReceipt(devnet.publicClient, { hash })
    const bids = keys.map(() => randomInt(1, 1_000_000))
    const clock = new PhaseClock(pids)
    clock.mark('start')
    const r = await runTaskFlow({
      state: devnet.state, compiled, creator: devnet.state.accounts[0]!.privateKey, security, timeoutMs: 1_800_000, deadlineSeconds: 3_600,
      slots: keys.map((owner, i) => ({ slot: `bids[${i}]`, value: bids[i], owner })),
      onEvent: (e) => { if (e.kind !== 'input') clock.mark(e.kind) },
    })
    clock.mark('owners-checked')
    const sorted = [...bids].sort((a, b) => b - a)
    const ok = bids[Number(r.result.outputs.winner)] === sorted[0] && r.result.outputs.price === sorted[1]
    const row = {
      bidders, security, inputs: inputsMode, blockMs: blockMs ?? DEVNET_BLOCK_INTERVAL_MS, correct: ok, load: (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).trim(), multiplications: compiled.cost.totalMultiplications, rounds: compiled.cost.rounds,
      ms: { ...r.timing, chainTransactionsSum: r.timing.createMs + r.timing.inputChainMs },
      gas: {
        createTask: Number(r.gas.createTask), inputRoot: Number(r.gas.inputRoot), fillInputSlotTotal: Number(r.gas.inputs),
        perInput: Math.round(Number(r.gas.inputs + r.gas.inputRoot) / bidders), receipt: Number(r.gas.receipt), total: Number(r.gas.total),
      },
      feeWei: String(r.result.receipt.fee),
    }
    rows.push(row)
    runs.push({ bidders, clock, row })
    console.log(JSON.stringify(row))
  }
} finally {
  await devnet.stop()
  // The nodes' logs (timestamped: when each noticed the root, reached the barrier, started computing).
  if (profileDir) for (const n of devnet.nodes) await copyFile(n.logFile, join(profileDir, `node${n.index}.log`)).catch(() => {})
  await rm(root, { recursive: true, force: true })
}
if (profileDir) {
  // The call logs and CPU profiles are written when each process exits (the nodes just did; this process now).
  process.emit('exit', 0)
  const logs = readCallLogs(profileDir)
  const profiles = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))
  for (const run of runs) {
    const phases = phaseReport(run.clock.marks, logs, callerOf)
    const window = { from: run.clock.marks[0]!.at, to: run.clock.marks[run.clock.marks.length - 1]!.at }
    const nodes = Object.fromEntries(profiles.map((f) => [f, topFunctions(join(profileDir, f), 30, window)]))
    const byPhase = Object.fromEntries(run.clock.marks.slice(1).map((m, k) => [`${run.clock.marks[k]!.name} → ${m.name}`, { from: run.clock.marks[k]!.at, to: m.at }]))
    const nodesByPhase = Object.fromEntries(Object.entries(byPhase).map(([ph, w]) => [ph, profiles.length ? topFunctions(join(profileDir, profiles[0]!), 20, w) : []]))
    await writeFile(join(profileDir, `profile-${run.bidders}.json`), JSON.stringify({ row: run.row, marks: run.clock.marks, phases, nodeSelfTime: nodes, node0SelfTimeByPhase: nodesByPhase }, null, 2) + '\n')
    console.log(`wrote ${join(profileDir, `profile-${run.bidders}.json`)}`)
    for (const p of phases) console.log(p.phase, p.wallMs, 'ms', JSON.stringify(p.cpuS))
  }
  process.exit(0)
}
await mkdir(new URL('./results/', import.meta.url), { recursive: true })
// Another block interval is another chain: its rows go beside the default ones, not over them.
const resultsFile = blockMs === undefined ? 'e2e.json' : `e2e-block-${blockMs}ms.json`
await writeFile(new URL(`./results/${resultsFile}`, import.meta.url), JSON.stringify({
  bench: 'e2e', date: new Date().toISOString(), node: process.version, machine: 'shared 2-core development machine (load from other jobs; see notes)',
  notes: 'inputs batch: envelopes off chain, one root (inputRoot gas), owners confirm their leaf on chain (a view); perInput = (owners\' fills + root) / bidders. chainTransactionsSum = createTask + sum of fillInputSlot latencies (bidders submit 16 at a time, so sums exceed wall time); inputDeliveryMs = sum over bidders of the time to hand envelopes to all 5 nodes; inputsWallMs = wall time of the input phase (batched: delivery + the root; the owners\' leaf checks run beside the computation and their wall time is inputChainMs); computeMs = last input (or the root) on chain → first member reports completed; receiptMs = → receipt on chain; resultMs = createTask → receipt on chain (what the auction takes); totalMs = resultMs + waiting for the last owner\'s leaf check.',
  rows,
}, null, 2) + '\n')
console.log(`wrote bench/results/${resultsFile} (${rows.length} rows)`)
