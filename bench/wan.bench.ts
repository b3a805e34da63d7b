/**
 * `npm run bench:wan [-- --delays 1,10,50] [--bidders 200] [--nodes 5] [--security semi-honest,malicious]`:
 * the Vickrey auction's circuit (200 bidders by default) on n parties in one process, each link delayed
 * by a one-way latency (engine/link-emulation.ts; this machine has no kernel traffic shaping), so that a
 * protocol's round count shows as time: wall ≈ rounds × delay + compute. Writes bench/results/wan.json
 * and prints a table with the load average at the start of each row. Not part of the test suite.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { compileContract } from '../src/lang/index.ts'
import { runCircuitLocal } from '../src/engine/run-circuit-local.ts'
import vickrey from '../examples/vickrey-auction.ts'
import type { SecurityMode } from '../src/protocols/session.ts'

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt
}
const delays = arg('delays', '1,10,50').split(',').map(Number)
const bidders = Number(arg('bidders', '200'))
const nodes = Number(arg('nodes', '5'))
const modes = arg('security', 'semi-honest,malicious').split(',') as SecurityMode[]
const bandwidth = Number(arg('bandwidth-mbps', '0'))

const { circuit } = compileContract(vickrey, { bidders })
const bids = Array.from({ length: bidders }, (_, i) => (i * 7919) % 100_000)
const rows: Record<string, unknown>[] = []
for (const security of modes) {
  for (const delayMs of delays) {
    const load = loadavg()[0]!.toFixed(2)
    const r = await runCircuitLocal({
      circuit, inputs: { bids }, nodes, threshold: Math.floor((nodes - 1) / 2), security, transport: 'memory', timeoutMs: 600_000,
      link: { delayMs, ...(bandwidth > 0 ? { bandwidthBytesPerSec: (bandwidth * 1e6) / 8 } : {}) },
    })
    const row = {
      contract: `vickrey-auction(${bidders})`, nodes, security, delayMs, bandwidthMbps: bandwidth || null,
      rounds: r.stats.rounds, wallMs: r.stats.wallMs, roundsTimesDelayMs: r.stats.rounds * delayMs,
      bytesPerParty: r.stats.bytesPerParty, load1m: Number(load),
    }
    rows.push(row)
    console.log(`${row.contract} n=${nodes} ${security.padEnd(11)} delay ${String(delayMs).padStart(3)} ms: ${String(row.rounds).padStart(4)} rounds, ${String(row.wallMs).padStart(6)} ms (rounds × delay ${row.roundsTimesDelayMs} ms), ${row.bytesPerParty} B/party, load ${load}`)
  }
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(new URL('./results/wan.json', import.meta.url), JSON.stringify(rows, null, 2) + '\n')
console.log('wrote bench/results/wan.json')
