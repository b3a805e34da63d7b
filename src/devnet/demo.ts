/**
 * `enigma devnet demo`: the whole platform on this machine. A Hardhat chain, the controller, N secret
 * nodes as OS processes, registration and staking, the example contracts registered, then one task
 * (by default a Vickrey auction with 5 bidders, each with its own account) through the SDK, with the
 * result checked against the plaintext reference and a summary table. Everything started is stopped
 * on return, on failure and on abort (Ctrl-C). `--contract nft-auction` runs a dApp instead: a
 * Solidity auction that opens the task itself and hands over an NFT in the result callback
 * (src/devnet/dapp-demo.ts).
 */
import { isDeepStrictEqual } from 'node:util'
import { formatEther, type Hex } from 'viem'
import type { SecurityMode } from '../node/task-source.ts'
import { startDevnet, FIRST_CLIENT_ACCOUNT, type Devnet, type DevnetStep } from './devnet.ts'
import { compileFile, contractPath, deployCompiled, EXAMPLE_NAMES, loadContractModule } from './contracts.ts'
import { clientFor, runTaskFlow, type FlowResult } from './flow.ts'
import { PRESETS, slotsFor } from './presets.ts'
import { valueOfSlot } from '../sdk/index.ts'
import { EnigmaError } from '../common/errors.ts'
import { basename } from 'node:path'
import { DAPP_DEMOS, runNftAuctionDapp, type DappDemoResult } from './dapp-demo.ts'
import type { DevnetTopology } from './topology.ts'

export interface DemoOptions {
  readonly contract?: string
  readonly params?: Record<string, string>
  readonly nodes?: number
  readonly threshold?: number
  readonly security?: SecurityMode
  readonly dir?: string
  readonly chainId?: number
  readonly blockTimeMs?: number
  /** Where the chain and nodes listen (src/devnet/topology.ts); default all on 127.0.0.1. */
  readonly topology?: DevnetTopology
  readonly out?: (line: string) => void
  readonly signal?: AbortSignal
}

export interface DemoSummary {
  readonly contract: string
  readonly taskId: Hex
  readonly committee: readonly string[]
  readonly outputs: Record<string, unknown>
  readonly matchesReference: boolean | undefined
  readonly rounds: number
  readonly multiplications: number
  readonly wallMs: number
  readonly gasUsed: bigint
  readonly feeWei: bigint
  readonly flow: FlowResult
  /** `--contract nft-auction`: the NFT's owners before and after, the price and the refunds. */
  readonly nft?: DappDemoResult['nft']
}

const short = (h: string) => `${h.slice(0, 8)}…${h.slice(-4)}`
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

export async function runDemo(o: DemoOptions = {}): Promise<DemoSummary> {
  const out = o.out ?? ((l: string) => console.log(l))
  const dapp = o.contract !== undefined ? DAPP_DEMOS[o.contract] : undefined
  const file = contractPath(dapp?.secretContract ?? o.contract ?? 'vickrey-auction')
  const name = basename(file, '.ts')
  const preset = PRESETS[name]
  const params = { ...(dapp?.params ?? preset?.params ?? {}), ...(o.params ?? {}) }
  const mod = await loadContractModule(file)
  const t0 = Date.now()
  const total = 7
  let stepStart = Date.now()
  const labels: Record<DevnetStep, string> = {
    chain: 'local chain (Hardhat 2)', controller: 'controller contract deployed', nodes: `${o.nodes ?? 5} secret nodes started as OS processes`, register: 'nodes registered, staked and active',
  }
  const order: DevnetStep[] = ['chain', 'controller', 'nodes', 'register']
  const onStep = (s: DevnetStep, done: boolean, detail?: string) => {
    if (!done) { stepStart = Date.now(); return }
    out(`[${order.indexOf(s) + 1}/${total}] ${labels[s]}: ${detail ?? 'ok'} (${secs(Date.now() - stepStart)})`)
  }
  out(`Enigma devnet demo: ${dapp ? `${o.contract} dApp on ` : ''}${name} ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`.trimEnd())
  let devnet: Devnet | undefined
  try {
    devnet = await startDevnet({ nodes: o.nodes, threshold: o.threshold, dir: o.dir, onStep, signal: o.signal, chainId: o.chainId, blockTimeMs: o.blockTimeMs, topology: o.topology })
    const state = devnet.state

    stepStart = Date.now()
    const deployer = clientFor(state, state.deployer.privateKey)
    const compiled = await compileFile(file, params)
    await deployCompiled(deployer, state.circuitsDir, compiled)
    // The other examples too, with their demo params, so `enigma submit` finds them registered.
    let others = 0
    for (const ex of EXAMPLE_NAMES) {
      if (ex === name) continue
      try {
        await deployCompiled(deployer, state.circuitsDir, await compileFile(contractPath(ex), PRESETS[ex]!.params))
        others++
      } catch { /* an example that does not compile must not stop the demo */ }
    }
    out(`[5/${total}] secret contracts registered: ${name} ${short(compiled.codeHash)} (${compiled.cost.totalMultiplications} multiplications, ${compiled.cost.rounds} rounds) and ${others} other examples (${secs(Date.now() - stepStart)})`)
    if (dapp) {
      out(`[6/${total}] the ${o.contract} dApp: a Solidity contract opens the task and acts on its result in the controller's callback`)
      const r = await runNftAuctionDapp(state, compiled, out)
      const summary: DemoSummary = {
        contract: o.contract!, taskId: r.flow.taskId, committee: r.flow.result.receipt.committee, outputs: r.flow.result.outputs,
        matchesReference: r.matchesReference, rounds: compiled.cost.rounds, multiplications: compiled.cost.totalMultiplications,
        wallMs: Date.now() - t0, gasUsed: r.flow.gas.total, feeWei: r.flow.result.receipt.fee, flow: r.flow, nft: r.nft,
      }
      out(`[7/${total}] done`)
      out('')
      for (const line of summaryTable(summary)) out(line)
      return summary
    }

    const inputs = preset ? preset.inputs(params as Record<string, number>) : undefined
    if (!inputs) throw new EnigmaError('CLI_USAGE', `no demo inputs for ${name}; use \`enigma submit\` with an inputs file`)
    const slots = slotsFor(compiled.circuit.inputs, preset!.perElement)
    // Participants: one funded account per label (creator is the first client account).
    const labelsOf = [...new Set(slots.map((s) => preset!.label(s)))]
    if (labelsOf.length + 1 > state.accounts.length) throw new EnigmaError('CLI_USAGE', `the demo has ${state.accounts.length - 1} participant accounts; ${labelsOf.length} needed`)
    const creator = state.accounts[0]!
    const accountOf = (label: string) => state.accounts[1 + labelsOf.indexOf(label)]!
    stepStart = Date.now()
    const security = o.security ?? 'malicious'
    const flow = await runTaskFlow({
      state, compiled, creator: creator.privateKey, security, signal: o.signal,
      slots: slots.map((slot) => ({ slot, value: valueOfSlot(inputs, slot), owner: accountOf(preset!.label(slot)).privateKey })),
      onEvent: (e) => {
        if (e.kind === 'created') {
          out(`[6/${total}] task ${short(e.taskId)} created by ${short(creator.address)} (fee ${formatEther(e.fee)} ETH escrowed, ${security}); committee drawn by stake:`)
          e.committee.forEach((a, i) => out(`      party ${i}: node ${short(a)}`))
          out(`      ${slots.length} participants, each from its own account, seal shares to the committee and commit on chain:`)
        } else if (e.kind === 'input') {
          out(`      ${preset!.label(e.slot).padEnd(12)} ${short(e.owner)} filled ${e.slot.padEnd(10)} commitment ${short(e.commitment)}`)
        } else if (e.kind === 'computed') {
          out(`[7/${total}] committee computed in ${secs(e.ms)} (MPC over libp2p between ${compiled.cost.nodes ?? 5} processes); waiting for the receipt`)
        } else if (e.kind === 'receipt') {
          out(`      receipt on chain: block ${e.result.receipt.blockNumber}, tx ${short(e.result.receipt.transactionHash)}, signed by ${e.result.receipt.signers.length} members`)
        }
      },
    })
    const outputs = flow.result.outputs
    let matches: boolean | undefined
    if (mod.reference) {
      const ref = mod.reference(inputs, params)
      matches = Object.entries(outputs).every(([k, v]) => close(v, ref[k]))
    }
    out('')
    if (name === 'vickrey-auction') {
      const winner = Number(outputs.winner)
      out(`Result: bidder ${winner} (${short(accountOf(preset!.label(`bids[${winner}]`)).address)}) wins and pays ${outputs.price}, the second-highest bid.`)
    } else {
      out(`Result: ${JSON.stringify(outputs)}`)
    }
    if (matches !== undefined) out(matches ? 'Check: equals the plaintext reference computed by this demo (which alone saw the inputs).' : 'Check: DIFFERS from the plaintext reference!')
    out('')
    out('What each participant can verify on chain (all that is public):')
    for (const c of flow.commitments) out(`  ${c.slot.padEnd(10)} owner ${short(c.owner)} commitment ${c.commitment}`)
    out(`  receipt public outputs: ${JSON.stringify(outputs)}; output hash ${short(flow.result.receipt.outputHash)}`)
    out(`Privacy: each input exists only as ${flow.result.receipt.committee.length} Shamir shares of degree ${state.threshold}, each encrypted to a different node;`)
    out(`any ${state.threshold} nodes together learn nothing about it. Only the outputs above were ever opened${name === 'vickrey-auction' ? ': the losing bids were never reconstructed by anyone' : ''}.`)
    const summary: DemoSummary = {
      contract: name, taskId: flow.taskId, committee: flow.result.receipt.committee, outputs, matchesReference: matches,
      rounds: compiled.cost.rounds, multiplications: compiled.cost.totalMultiplications, wallMs: Date.now() - t0,
      gasUsed: flow.gas.total, feeWei: flow.result.receipt.fee, flow,
    }
    out('')
    for (const line of summaryTable(summary)) out(line)
    return summary
  } finally {
    await devnet?.stop()
  }
}

export function summaryTable(s: DemoSummary): string[] {
  const rows: [string, string][] = [
    ['task id', s.taskId],
    ['committee', s.committee.map(short).join(' ')],
    ['rounds (estimate)', String(s.rounds)],
    ['multiplications', String(s.multiplications)],
    ['wall time (all)', secs(s.wallMs)],
    ['  task: create / inputs / compute / receipt', `${secs(s.flow.timing.createMs)} / ${secs(s.flow.timing.inputsWallMs)} / ${secs(s.flow.timing.computeMs)} / ${secs(s.flow.timing.receiptMs)}`],
    ['gas used (task)', `${s.gasUsed} (create ${s.flow.gas.createTask}, inputs ${s.flow.gas.inputs}, receipt ${s.flow.gas.receipt})`],
    ['fee paid', `${formatEther(s.feeWei)} ETH`],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  const line = '─'.repeat(w + 2 + Math.max(...rows.map(([, v]) => v.length)))
  return [line, ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`), line]
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-2 * Math.max(1, Math.abs(b))
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]))
  return isDeepStrictEqual(a, b)
}

export { FIRST_CLIENT_ACCOUNT }
