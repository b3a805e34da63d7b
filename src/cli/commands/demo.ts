/**
 * `enigma demo`: a sealed-bid (Vickrey) auction computed by 5 parties as separate OS processes over
 * loopback TCP, in malicious mode, without a chain. It shows the MPC core end to end; the full
 * platform demo (chain, secret nodes, SDK) is `enigma devnet demo`.
 */
import { randomInt } from 'node:crypto'
import type { Command } from '../main.ts'
import { compileContract } from '../../lang/index.ts'
import { runCircuitLocal } from '../../engine/run-circuit-local.ts'
import { fileURLToPath } from 'node:url'
import { loadContract } from './compile.ts'
import { CliUsageError, parseCommandArgs } from '../args.ts'

export const DEMO_USAGE = `Usage: enigma demo [--json]

Runs a Vickrey auction with 5 bidders on a 5-party committee (t = 2, malicious security) over loopback TCP.
--json prints {bids, winner, price, matches, stats} instead of the steps.

Examples:
  enigma demo
  enigma devnet demo        the same auction with a chain, secret nodes and the SDK`

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a 5-party sealed-bid auction over TCP on this machine (no chain)',
  async run(args) {
    const p = parseCommandArgs(args, {}, DEMO_USAGE)
    if (p.help) { console.log(DEMO_USAGE); return 0 }
    if (p.positionals.length > 0) throw new CliUsageError(`unexpected argument '${p.positionals[0]}'`, DEMO_USAGE)
    const say = p.json ? () => {} : (l: string) => console.log(l)
    const bids = Array.from({ length: 5 }, () => randomInt(1, 1_000_000))
    say('1/3 compiling examples/vickrey-auction.ts for 5 bidders')
    const contract = await loadContract(fileURLToPath(new URL('../../../examples/vickrey-auction.ts', import.meta.url)))
    const { circuit, cost } = compileContract(contract, { bidders: 5 })
    say(`    code hash ${cost.codeHash}, ${cost.totalMultiplications} multiplications, ${cost.rounds} rounds (estimate)`)
    say('2/3 5 parties (separate processes) secret-share the bids and compute, malicious security')
    const r = await runCircuitLocal({ circuit, inputs: { bids }, nodes: 5, threshold: 2, security: 'malicious', transport: 'tcp' })
    const winner = Number(r.outputs.winner)
    const price = Number(r.outputs.price)
    const sorted = [...bids].sort((a, b) => b - a)
    const ok = bids[winner] === sorted[0] && price === sorted[1]
    if (p.json) {
      console.log(JSON.stringify({ bids, winner, price, matches: ok, stats: r.stats }))
      return ok ? 0 : 1
    }
    console.log(`3/3 result: bidder ${winner} wins and pays ${price} (the second-highest bid); the losing bids stay secret`)
    console.log('')
    console.log(`    bids (known only to this demo, to check): ${bids.join(', ')}`)
    console.log(`    wall ${r.stats.wallMs} ms, rounds ${r.stats.rounds}, bytes per party ${r.stats.bytesPerParty}`)
    console.log(ok ? '    check: matches the plaintext auction' : '    check: MISMATCH with the plaintext auction')
    return ok ? 0 : 1
  },
}
