/**
 * `enigma devnet up|status|down|demo`: a local chain with the controller and N secret nodes as OS
 * processes (src/devnet/). `up` writes .enigma/devnet.json, which the SDK helpers and the CLI
 * (deploy, submit, task, nodes) read by default. Heavy modules load only when a subcommand runs.
 */
import { spawn } from 'node:child_process'
import { isIP } from 'node:net'
import { openSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from '../main.ts'
import { parseFaultAssignment, type FaultBehaviour } from '../../node/faults.ts'
import type { DevnetTopology } from '../../devnet/topology.ts'
import { choice, CliUsageError, int, list, params, parseCommandArgs, PARAM_OPTION, SECURITY_CHOICES, str, type OptionSpecs } from '../args.ts'

export const DEVNET_USAGE = `Usage:
  enigma devnet up     [--nodes 5] [--threshold 2] [--detach [--json]] [--dir .enigma/devnet] [--state .enigma/devnet.json]
                       [--chain-id 31337] [--block-time SECONDS] [--fault INDEX=BEHAVIOUR]...
                       [--topology loopback|netns | --host ADDRESS]
  enigma devnet status [--state FILE] [--json]
  enigma devnet down   [--state FILE] [--json]
  enigma devnet demo   [--contract vickrey-auction|millionaires|voting|salary-stats|psi-cardinality|credit-score|FILE]
                       [--param k=v]... [--nodes 5] [--threshold 2] [--security semi-honest|malicious] [--ci] [--json]
                       [--chain-id 31337] [--block-time SECONDS] [--dir .enigma/devnet] [--topology loopback|netns | --host ADDRESS]

up      starts a Hardhat chain, deploys the controller, starts N secret nodes as processes (on 127.0.0.1 unless --topology/--host),
        registers and stakes them, and writes the state file (RPC URL, controller, funded accounts,
        node APIs and peer ids). In the foreground until Ctrl-C; --detach returns once it is ready.
        Exits non-zero if a node process dies. --chain-id and --block-time (interval mining, like
        a real network: transactions wait for the next block) make the chain look less like Hardhat.
        The folder (--dir) is wiped at start: only a devnet's folder that no running devnet uses.
        --fault 2=alter-mul makes node 2 misbehave (test and demo only; docs/faults.md): alter-mul,
        alter-open, equivocate, bad-input-reshare, wrong-output-share, wrong-receipt, silent, crash.
        --topology netns: every node in its own Linux network namespace with its own address, joined
        by veth links to a bridge the chain listens on (root and iproute2; removed on exit). --host
        ADDRESS: the chain and every node listen on and announce ADDRESS (e.g. this machine's LAN IP).
demo    does all of that, runs one task end to end through the SDK (default: a Vickrey auction with
        5 bidders, each with its own account), prints a summary, and stops everything.
        --ci: no prompts or colours, exit code 0 only if the result matches the plaintext reference.
See docs/devnet.md.`

interface DevnetFlags {
  nodes?: number; threshold?: number; chainId?: number; blockTimeMs?: number; detach: boolean; dir?: string; state?: string; json: boolean; ci: boolean
  contract?: string; params: Record<string, string>; security?: 'semi-honest' | 'malicious'; help: boolean; rest: string[]
  faults: { index: number; behaviour: FaultBehaviour }[]
  topology?: 'loopback' | 'netns'; host?: string
}

const DEVNET_OPTIONS: OptionSpecs = {
  nodes: { type: 'string' }, threshold: { type: 'string' }, detach: { type: 'boolean' }, dir: { type: 'string' }, state: { type: 'string' },
  ci: { type: 'boolean' }, contract: { type: 'string' }, ...PARAM_OPTION, security: { type: 'string' },
  'chain-id': { type: 'string' }, 'block-time': { type: 'string' }, fault: { type: 'string', multiple: true },
  topology: { type: 'string' }, host: { type: 'string' },
}

export function parseDevnetFlags(args: readonly string[]): DevnetFlags {
  const p = parseCommandArgs(args, DEVNET_OPTIONS, DEVNET_USAGE)
  const f: DevnetFlags = { detach: p.values.detach === true, json: p.json, ci: p.values.ci === true, params: params(p, DEVNET_USAGE), help: p.help, rest: [...p.positionals], faults: [] }
  for (const v of list(p, 'fault')) {
    try { f.faults.push(parseFaultAssignment(v)) } catch (e) { throw new CliUsageError(`--fault: ${(e as Error).message}`, DEVNET_USAGE) }
  }
  const nodes = int('--nodes', str(p, 'nodes'), 0, DEVNET_USAGE)
  const threshold = int('--threshold', str(p, 'threshold'), 0, DEVNET_USAGE)
  const security = choice('--security', str(p, 'security'), SECURITY_CHOICES, DEVNET_USAGE)
  const chainId = int('--chain-id', str(p, 'chain-id'), 1, DEVNET_USAGE)
  const blockTime = str(p, 'block-time')
  if (nodes !== undefined) f.nodes = nodes
  if (threshold !== undefined) f.threshold = threshold
  if (security !== undefined) f.security = security
  if (chainId !== undefined) f.chainId = chainId
  if (blockTime !== undefined) {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(blockTime) || Number(blockTime) <= 0 || Number(blockTime) > 600) throw new CliUsageError(`--block-time must be seconds in (0, 600], got '${blockTime}'`, DEVNET_USAGE)
    f.blockTimeMs = Math.round(Number(blockTime) * 1000)
  }
  const topology = choice('--topology', str(p, 'topology'), ['loopback', 'netns'] as const, DEVNET_USAGE)
  if (topology !== undefined) f.topology = topology
  const host = str(p, 'host')
  if (host !== undefined) {
    if (topology === 'netns') throw new CliUsageError('--host and --topology netns exclude each other (netns chooses its own addresses)', DEVNET_USAGE)
    if (isIP(host) === 0) throw new CliUsageError(`--host must be an IP address of this machine, got '${host}'`, DEVNET_USAGE)
    f.host = host
  }
  for (const k of ['dir', 'state', 'contract'] as const) {
    const v = str(p, k)
    if (v !== undefined) f[k] = v
  }
  return f
}

/** Runs `fn` with an AbortSignal that Ctrl-C / SIGTERM trips; a second Ctrl-C exits at once. */
async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController()
  let count = 0
  const on = (sig: NodeJS.Signals) => {
    if (++count > 1) process.exit(130)
    console.error(`\n${sig}: stopping the devnet…`)
    ac.abort(new Error(`interrupted (${sig})`))
  }
  process.on('SIGINT', on)
  process.on('SIGTERM', on)
  try {
    return await fn(ac.signal)
  } finally {
    process.off('SIGINT', on)
    process.off('SIGTERM', on)
  }
}

/** Runs `fn` with the topology the flags ask for; a netns topology is removed afterwards, whatever happens. */
async function withTopology<T>(f: DevnetFlags, nodes: number, fn: (topology: DevnetTopology | undefined) => Promise<T>): Promise<T> {
  if (f.host !== undefined) {
    const { hostTopology } = await import('../../devnet/topology.ts')
    return fn(hostTopology(f.host))
  }
  if (f.topology !== 'netns') return fn(undefined)
  const { createNetnsTopology } = await import('../../devnet/netns.ts')
  const topology = await createNetnsTopology({ nodes })
  try {
    return await fn(topology)
  } finally {
    await topology.close()
  }
}

async function demo(f: DevnetFlags): Promise<number> {
  const { runDemo } = await import('../../devnet/demo.ts')
  return withSignals(async (signal) => withTopology(f, f.nodes ?? 5, async (topology) => {
    try {
      const s = await runDemo({
        contract: f.contract, params: f.params, nodes: f.nodes, threshold: f.threshold, security: f.security, dir: f.dir, signal,
        chainId: f.chainId, blockTimeMs: f.blockTimeMs, topology,
        out: f.json ? () => {} : (l) => console.log(l),
      })
      if (f.json) console.log(JSON.stringify({ contract: s.contract, taskId: s.taskId, outputs: s.outputs, matchesReference: s.matchesReference, committee: s.committee, rounds: s.rounds, multiplications: s.multiplications, wallMs: s.wallMs, gasUsed: String(s.gasUsed), feeWei: String(s.feeWei), timing: s.flow.timing }))
      return s.matchesReference === false ? 1 : 0
    } catch (e) {
      if (signal.aborted) { console.error('devnet demo: interrupted; everything stopped'); return 130 }
      throw e
    }
  }))
}

async function up(f: DevnetFlags): Promise<number> {
  const { readState, writeState, removeState, statePath } = await import('../../devnet/state.ts')
  const { isOurProcess } = await import('../../devnet/process-check.ts')
  try {
    const s = await readState(f.state)
    if (isOurProcess({ pid: s.pid, startTime: s.pidStartTime })) throw new CliUsageError(`a devnet is already running (pid ${s.pid}, ${s.rpcUrl}); \`enigma devnet down\` first`)
  } catch (e) {
    if (e instanceof CliUsageError) throw e
  }
  if (f.detach) {
    // Re-run ourselves in the background, without --detach, and wait for its state file.
    const file = statePath(f.state)
    const log = resolve(dirname(file), 'devnet.log')
    await mkdir(dirname(file), { recursive: true })
    await removeState(f.state)
    const args = process.argv.slice(2).filter((a) => a !== '--detach')
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../../bin/enigma.mjs', import.meta.url)), ...args], {
      detached: true, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')], cwd: process.cwd(),
    })
    child.unref()
    const until = Date.now() + 180_000
    for (;;) {
      try {
        const s = await readState(f.state)
        if (f.json) console.log(JSON.stringify({ pid: s.pid, rpcUrl: s.rpcUrl, controller: s.controller, nodes: s.nodes.length, state: file, log, dashboard: s.dashboard ?? null }))
        else {
          console.log(`devnet up (pid ${s.pid}): ${s.rpcUrl}, controller ${s.controller}, ${s.nodes.length} nodes; state in ${file}, log in ${log}`)
          if (s.dashboard) console.log(`dashboard: ${s.dashboard}`)
        }
        return 0
      } catch { /* not yet */ }
      if (child.exitCode !== null || Date.now() > until) {
        console.error(`enigma devnet up: the background devnet did not come up; see ${log}`)
        return 1
      }
      await new Promise((r) => setTimeout(r, 300))
    }
  }
  const { startDevnet } = await import('../../devnet/devnet.ts')
  return withSignals(async (signal) => withTopology(f, f.nodes ?? 5, async (topology) => {
    const devnet = await startDevnet({
      nodes: f.nodes, threshold: f.threshold, dir: f.dir, signal, chainId: f.chainId, blockTimeMs: f.blockTimeMs, faults: f.faults, topology,
      onStep: (s, done, d) => { if (done) console.log(`${s}: ${d ?? 'ok'}`) },
    })
    const { startDevnetDashboard } = await import('../../dashboard/devnet.ts')
    const dashboard = await startDevnetDashboard(devnet.state, (m) => console.error(m))
    let died: number | undefined
    try {
      const file = await writeState({ ...devnet.state, dashboard: dashboard?.url }, f.state)
      console.log(`devnet ready: ${devnet.state.rpcUrl} (chain id ${devnet.state.chainId}), controller ${devnet.state.controller}; state in ${file}. Ctrl-C to stop.`)
      if (dashboard) console.log(`dashboard: ${dashboard.url}`)
      await new Promise<void>((r) => {
        if (signal.aborted) r()
        signal.addEventListener('abort', () => r(), { once: true })
        // A node that dies takes the devnet with it: a half network would mislead.
        for (const n of devnet.nodes) void n.exited.then(() => { died ??= n.index; r() })
      })
    } finally {
      await dashboard?.stop()
      await devnet.stop()
      await removeState(f.state)
    }
    if (died !== undefined && !signal.aborted) {
      console.error(`enigma devnet up: node ${died} exited (see ${devnet.nodes[died]?.logFile}); the devnet was stopped`)
      return 1
    }
    return 0
  }))
}

async function status(f: DevnetFlags): Promise<number> {
  const { readState } = await import('../../devnet/state.ts')
  const { isOurProcess } = await import('../../devnet/process-check.ts')
  const s = await readState(f.state)
  const alive = (pid: number) => isOurProcess({ pid, startTime: pid === s.pid ? s.pidStartTime : undefined })
  const { getBlockNumber } = await import('viem/actions')
  const { createPublicClient, http } = await import('viem')
  let block: string
  try {
    block = String(await getBlockNumber(createPublicClient({ transport: http(s.rpcUrl, { retryCount: 0 }) })))
  } catch {
    block = 'unreachable'
  }
  const nodes = await Promise.all(s.nodes.map(async (n) => {
    const ok = await fetch(`${n.api}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok).catch(() => false)
    return { ...n, up: ok && alive(n.pid) }
  }))
  if (f.json) {
    console.log(JSON.stringify({ running: alive(s.pid), pid: s.pid, rpcUrl: s.rpcUrl, block, controller: s.controller, nodes: nodes.map((n) => ({ index: n.index, peerId: n.peerId, account: n.account, api: n.api, up: n.up })) }))
  } else {
    console.log(`devnet pid ${s.pid} ${alive(s.pid) ? 'running' : 'NOT RUNNING'}; chain ${s.rpcUrl} (block ${block}); controller ${s.controller}`)
    for (const n of nodes) console.log(`  node ${n.index} ${n.up ? 'up  ' : 'DOWN'} ${n.api} ${n.account} ${n.peerId}`)
  }
  return alive(s.pid) && nodes.every((n) => n.up) ? 0 : 1
}

async function down(f: DevnetFlags): Promise<number> {
  const { readState, removeState } = await import('../../devnet/state.ts')
  const { isOurProcess, signalIfOurs } = await import('../../devnet/process-check.ts')
  const s = await readState(f.state)
  // The state file may be stale and its pid reused by an unrelated process: signal only our devnet.
  const ref = { pid: s.pid, startTime: s.pidStartTime }
  const outcome = signalIfOurs(ref, 'SIGTERM')
  if (outcome !== 'signalled') {
    await removeState(f.state)
    console.log(f.json
      ? JSON.stringify({ stopped: false, wasRunning: false })
      : outcome === 'gone' ? 'devnet was not running; state file removed' : `devnet was not running (pid ${s.pid} is another process now, left alone); state file removed`)
    return 0
  }
  const until = Date.now() + 30_000
  while (isOurProcess(ref) && Date.now() < until) await new Promise((r) => setTimeout(r, 200))
  if (isOurProcess(ref)) {
    console.error(`enigma devnet down: devnet process ${s.pid} did not stop within 30 s`)
    return 1
  }
  await removeState(f.state)
  console.log(f.json ? JSON.stringify({ stopped: true, wasRunning: true }) : 'devnet stopped')
  return 0
}

export const devnetCommand: Command = {
  name: 'devnet',
  summary: 'local chain + controller + secret nodes (up, status, down, demo)',
  async run(args) {
    const [sub, ...rest] = args
    if (sub === '_node') {
      // Internal: one devnet node process (src/devnet/node-main.ts).
      const { runDevnetNodeCommand } = await import('../../devnet/node-command.ts')
      return runDevnetNodeCommand(rest)
    }
    const f = parseDevnetFlags(rest)
    if (sub === undefined || sub === '--help' || sub === '-h' || f.help) {
      console.log(DEVNET_USAGE)
      return sub === undefined ? 1 : 0
    }
    if (f.rest.length > 0) throw new CliUsageError(`unexpected argument '${f.rest[0]}'`, DEVNET_USAGE)
    if (f.faults.length > 0 && sub !== 'up') throw new CliUsageError('--fault is only for `enigma devnet up`', DEVNET_USAGE)
    switch (sub) {
      case 'demo': return demo(f)
      case 'up': return up(f)
      case 'status': return status(f)
      case 'down': return down(f)
      default: throw new CliUsageError(`unknown subcommand '${sub}'`, DEVNET_USAGE)
    }
  },
}
