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

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a 5-party sealed-bid auction over TCP on this machine (no chain)',
  async run(args) {
    if (args.includes('--help')) {
      console.log('Usage: enigma demo\n\nRuns a Vickrey auction with 5 bidders on a 5-party committee (t = 2, malicious security) over loopback TCP.')
      return 0
    }
    const bids = Array.from({ length: 5 }, () => randomInt(1, 1_000_000))
    console.log('1/3 compiling examples/vickrey-auction.ts for 5 bidders')
    const contract = await loadContract(fileURLToPath(new URL('../../../examples/vickrey-auction.ts', import.meta.url)))
    const { circuit, cost } = compileContract(contract, { bidders: 5 })
    console.log(`    code hash ${cost.codeHash}, ${cost.totalMultiplications} multiplications, ${cost.rounds} rounds (estimate)`)
    console.log('2/3 5 parties (separate processes) secret-share the bids and compute, malicious security')
    const r = await runCircuitLocal({ circuit, inputs: { bids }, nodes: 5, threshold: 2, security: 'malicious', transport: 'tcp' })
    const winner = Number(r.outputs.winner)
    const price = Number(r.outputs.price)
    const sorted = [...bids].sort((a, b) => b - a)
    const ok = bids[winner] === sorted[0] && price === sorted[1]
    console.log(`3/3 result: bidder ${winner} wins and pays ${price} (the second-highest bid); the losing bids stay secret`)
    console.log('')
    console.log(`    bids (known only to this demo, to check): ${bids.join(', ')}`)
    console.log(`    wall ${r.stats.wallMs} ms, rounds ${r.stats.rounds}, bytes per party ${r.stats.bytesPerParty}`)
    console.log(ok ? '    check: matches the plaintext auction' : '    check: MISMATCH with the plaintext auction')
    return ok ? 0 : 1
  },
}
