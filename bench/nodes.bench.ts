/**
 * `npm run bench:nodes` (issue #4): the MPC protocols through the node's libp2p transport vs the raw
 * TCP transport of `bench:mpc`, measured in the same run, with 3 and 5 parties as separate OS
 * processes; and the Vickrey auction through real node processes (HTTP inputs, task file), timed
 * from the last acknowledged input share to the result at every node, for 5, 50 and 200 bidders.
 *
 * Writes bench/results/nodes.json: records shaped like mpc.json plus `transport: 'libp2p' | 'tcp'`,
 * and `op: 'auction'` records with `bidders`. Options: --quick, --parties 3,5, --security
 * semi-honest,malicious, --ops mul,lt32,lt32x1,mul1,round, --bidders 5,50,200, --skip-auction, --skip-ops, --out FILE,
 * --latency-reps N (mul1 / lt32x1 repetitions, `round` runs N/3 chains), --cpu-prof DIR (every party process writes a V8 CPU profile into DIR). Every row also has the CPU
 * time of all parties per op (`cpuUsPerOp`, for A/B comparisons on a loaded machine).
 *
 * This file is also the libp2p party process (`--child`): it starts a libp2p host, reports its
 * address over IPC, receives the committee, and runs bench/mpc-party.ts's `party` over a
 * `Libp2pSessionTransport`, the exact code path a secret node uses.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync, mkdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchArgs, BenchCase, CaseTiming } from './mpc-party.ts'
import type { SecurityMode } from '../src/protocols/session.ts'
import { median, toMpcRecords, type MpcRecord } from './mpc-records.ts'

const quick = process.argv.includes('--quick')
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

type OpRecord = MpcRecord & { transport: 'libp2p' | 'tcp' }

/** Node flags of every party process; `--cpu-prof DIR` makes each write a V8 CPU profile into DIR. */
const partyExecArgv = ['--max-old-space-size=8192', ...(arg('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${arg('cpu-prof')}`] : [])]

interface AuctionRecord {
  transport: 'libp2p'
  parties: number
  threshold: number
  security: SecurityMode
  field: string
  op: 'auction'
  bidders: number
  /** Last input share acknowledged → result at every node (ms). */
  latencyMs: number
  runs: number
}

async function runLibp2p(n: number, args: BenchArgs): Promise<CaseTiming[][]> {
  const self = fileURLToPath(import.meta.url)
  const children: ChildProcess[] = []
  const cpuMs: number[] = []
  try {
    const ready = await Promise.all(Array.from({ length: n }, () => new Promise<any>((resolve, reject) => {
      const c = spawn(process.execPath, ['--import', 'tsx', '--import', './src/common/polyfill.mjs', ...partyExecArgv, self, '--child'], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced',
      })
      children.push(c)
      c.once('message', resolve)
      c.once('exit', (code) => reject(new Error(`libp2p party exited early (${code})`)))
    })))
    const committee = ready.map((r) => ({ peerId: r.peerId, multiaddrs: r.multiaddrs }))
    const session = `bench-${Date.now()}`
    const results = await Promise.all(children.map((c) => new Promise<CaseTiming[]>((resolve, reject) => {
      c.removeAllListeners('exit')
      c.once('message', (m: any) => {
        if (m.kind !== 'result') { reject(new Error(m.error)); return }
        cpuMs.push(m.cpuMs)
        resolve(m.result)
      })
      c.once('exit', (code) => reject(new Error(`libp2p party exited (${code})`)))
      c.send({ session, committee, args })
    })))
    await Promise.all(children.map((c) => new Promise<void>((resolve) => { c.removeAllListeners('exit'); c.once('exit', () => resolve()); c.send({ kind: 'stop' }) })))
    // CPU time is what an A/B comparison on a loaded machine can trust (docs/performance.md).
    console.error(`libp2p n=${n} ${args.security}: party CPU ms ${cpuMs.map((x) => x.toFixed(0)).join(' / ')}, load ${loadavg()[0]!.toFixed(1)}`)
    return results
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  }
}

async function runTcp(n: number, args: BenchArgs): Promise<CaseTiming[][]> {
  const { launchParties } = await import('../src/engine/launch-parties.ts')
  const partyModule = fileURLToPath(new URL('./mpc-party.ts', import.meta.url))
  return launchParties<CaseTiming[]>({ n, module: partyModule, args, timeoutMs: 3_600_000, receiveTimeoutMs: 600_000, copyOnSend: false, execArgv: partyExecArgv })
}


function toRecords(transport: 'libp2p' | 'tcp', n: number, t: number, security: SecurityMode, results: CaseTiming[][]): OpRecord[] {
  return toMpcRecords(n, t, security, results).map((r) => ({ transport, ...r }))
}

async function auctions(securities: SecurityMode[], bidderCounts: number[]): Promise<AuctionRecord[]> {
  const { getField } = await import('../src/field/index.ts')
  const { compileContract } = await import('../src/lang/index.ts')
  const vickrey = (await import('../examples/vickrey-auction.ts')).default
  const { Cluster } = await import('../src/node/testing/cluster.ts')
  const client = await import('../src/node/testing/client.ts')
  const root = await mkdtemp(join(tmpdir(), 'enigma-bench-nodes-'))
  const out: AuctionRecord[] = []
  const cluster = await Cluster.start({ root, size: 5, config: { mpcTimeoutMs: 120_000 } })
  try {
    const committee = client.committeeOf(cluster.nodes.map((x) => x.info))
    for (const bidders of bidderCounts) {
      const compiled = compileContract(vickrey, { bidders })
      await cluster.addCircuit(`vickrey-${bidders}`, compiled.encoding)
      const field = getField(compiled.circuit.field)
      for (const security of securities) {
        const times: number[] = []
        const runs = quick ? 1 : 3
        for (let run = 0; run < runs; run++) {
          const owners = Array.from({ length: bidders }, () => client.newOwner())
          const spec = client.makeTaskSpec({ codeHash: compiled.codeHash, committee, t: 2, security, params: { bidders },
            slots: owners.map((o, i) => ({ name: `bids[${i}]`, owner: o.address })) })
          await cluster.addTask(spec)
          await Promise.all(cluster.apis.map((api) => client.waitForTask(api, spec.taskId, () => true, 30_000)))
          const subs = (await Promise.all(owners.map((o, i) => client.slotSubmissions(field, spec, `bids[${i}]`, [BigInt(1 + ((i * 7919) % 100_000))], o, cluster.apis)))).flat()
          // Post all but the last share of each node, then time from the last acknowledgement.
          const last = subs.splice(subs.length - spec.n, spec.n)
          for (let i = 0; i < subs.length; i += 50) await Promise.all(subs.slice(i, i + 50).map(client.post))
          await Promise.all(last.map(client.post))
          const t0 = performance.now()
          const finals = await Promise.all(cluster.apis.map((api) => client.waitForTask(api, spec.taskId, (s) => s.state === 'completed' || s.state === 'failed', 600_000, 5)))
          const ms = performance.now() - t0
          if (finals.some((f) => f.state !== 'completed')) throw new Error(`auction failed: ${JSON.stringify(finals.map((f) => f.reason))}`)
          times.push(ms)
        }
        const rec: AuctionRecord = { transport: 'libp2p', parties: 5, threshold: 2, security, field: compiled.circuit.field, op: 'auction', bidders, latencyMs: Number(median(times).toFixed(1)), runs }
        console.error(`auction ${bidders} bidders ${security}: ${rec.latencyMs} ms`)
        out.push(rec)
      }
    }
  } finally {
    await cluster.stop()
    await rm(root, { recursive: true, force: true })
  }
  return out
}

async function main(): Promise<void> {
  const partiesList = (arg('parties') ?? '3,5').split(',').map(Number)
  const modes = (arg('security') ?? 'semi-honest,malicious').split(',') as SecurityMode[]
  const bidderCounts = (arg('bidders') ?? '5,50,200').split(',').map(Number)
  const reps = quick ? 1 : 3
  const latReps = arg('latency-reps') !== undefined ? Number(arg('latency-reps')) : undefined
  const opNames = (arg('ops') ?? 'mul,lt32,lt32x1,round').split(',')
  const cases: BenchCase[] = ([
    { op: 'mul', batch: quick ? 10_000 : 100_000, field: 'p61', reps },
    { op: 'lt32', batch: quick ? 1_000 : 10_000, field: 'p61', reps },
    { op: 'mul1', batch: 1, field: 'p61', reps: latReps ?? (quick ? 5 : 15) },
    { op: 'lt32x1', batch: 1, field: 'p61', reps: latReps ?? (quick ? 5 : 15) },
    // One communication round (a chain of one-element multiplications; figures per round, mpc-records.ts).
    { op: 'round', batch: 1, field: 'p61', reps: latReps !== undefined ? Math.ceil(latReps / 3) : quick ? 3 : 5 },
  ] as BenchCase[]).filter((c) => opNames.includes(c.op))
  const ops: OpRecord[] = []
  if (!process.argv.includes('--skip-ops')) {
    for (const n of partiesList) {
      const t = Math.floor((n - 1) / 2)
      for (const security of modes) {
        const args: BenchArgs = { t, security, cases }
        // Interleaved in one run so both transports see the same machine load.
        ops.push(...toRecords('tcp', n, t, security, await runTcp(n, args)))
        ops.push(...toRecords('libp2p', n, t, security, await runLibp2p(n, args)))
        console.error(`n=${n} ${security}: done`)
      }
    }
  }
  const auctionRecords = process.argv.includes('--skip-auction') ? [] : await auctions(modes, bidderCounts)

  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  const outUrl = arg('out') ? new URL(arg('out')!, `file://${process.cwd()}/`) : new URL(quick ? './results/nodes.quick.json' : './results/nodes.json', import.meta.url)
  writeFileSync(outUrl, JSON.stringify([...ops, ...auctionRecords], null, 2) + '\n')

  const header = ['parties', 'security', 'op', 'batch', 'tcp ops/s', 'libp2p ops/s', 'ratio', 'libp2p rounds', 'CPU µs/op tcp', 'CPU µs/op libp2p']
  const rows: string[][] = []
  for (const r of ops.filter((x) => x.transport === 'libp2p')) {
    const tcp = ops.find((x) => x.transport === 'tcp' && x.parties === r.parties && x.security === r.security && x.op === r.op && x.batch === r.batch)!
    rows.push([r.parties, r.security, r.op, r.batch, tcp.opsPerSec, r.opsPerSec, (r.opsPerSec / tcp.opsPerSec).toFixed(2), r.rounds, tcp.cpuUsPerOp ?? '-', r.cpuUsPerOp ?? '-'].map(String))
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  console.log(header.map((h, i) => h.padStart(widths[i]!)).join('  '))
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '))
  if (auctionRecords.length > 0) {
    console.log('\nVickrey auction, 5 node processes, last input share → result at every node:')
    for (const a of auctionRecords) console.log(`  ${String(a.bidders).padStart(4)} bidders  ${a.security.padEnd(11)}  ${a.latencyMs} ms`)
  }
  console.log(`\nwritten ${fileURLToPath(outUrl)}`)
}

// ---------------------------------------------------------------------------------------------
// Child: one libp2p party.
// Entry point last: every const above is initialised by now.
if (process.argv.includes('--child')) {
  const { generateKeyPair } = await import('@libp2p/crypto/keys')
  const { createHost } = await import('../src/node/host.ts')
  const { MpcNetwork } = await import('../src/node/mpc-network.ts')
  const { party } = await import('./mpc-party.ts')
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  await host.start()
  const net = new MpcNetwork(host, { defaultTimeoutMs: 600_000 })
  await net.start()
  process.send!({ kind: 'ready', peerId: host.peerId.toString(), multiaddrs: host.getMultiaddrs().map(String) })
  process.once('message', (m: any) => {
    void (async () => {
      try {
        const transport = net.openSession({ session: m.session, committee: m.committee, timeoutMs: 600_000 })
        const cpu0 = process.cpuUsage()
        const result = await party({ self: transport.self, n: transport.n, sessionId: m.session, transport, args: m.args })
        const cpu = process.cpuUsage(cpu0)
        process.send!({ kind: 'result', result, cpuMs: (cpu.user + cpu.system) / 1000 })
        // Stay until every party is done (the parent says so), so nobody's last frames are lost.
        process.once('message', () => { void net.stop().then(() => host.stop()).finally(() => process.exit(0)) })
      } catch (e) {
        process.send!({ kind: 'error', error: e instanceof Error ? e.stack ?? e.message : String(e) })
        process.exit(1)
      }
    })()
  })
} else {
  await main()
}
