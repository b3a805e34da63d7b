/**
 * `enigma dashboard [--rpc URL --controller ADDRESS] [--node-api URL]... [--port 0] [--host 127.0.0.1]`:
 * serves the live dashboard (src/dashboard/) against any chain until Ctrl-C. Without --rpc and
 * --controller it uses the running devnet's state file (and its nodes' APIs). Flags by util.parseArgs.
 */
import { parseArgs } from 'node:util'
import type { Command } from '../main.ts'
import { CliUsageError } from './compile.ts'

export const DASHBOARD_USAGE = `Usage: enigma dashboard [--rpc URL --controller ADDRESS] [--chain-id N] [--node-api URL]...
                        [--records ADDRESS] [--from-block N] [--port 0] [--host 127.0.0.1] [--state .enigma/devnet.json] [--json]

Serves a live view of the network in the browser: nodes (stake, state, tasks served, last seen),
tasks (status as it changes, committee, inputs, gas, fee, receipt), slashing, task latency and the
committee-security planner, and stored records and grants when --records names the records contract
(contracts/EnigmaRecords.sol; the devnet's is taken from its state). Reads the chain (read-only JSON-RPC) and the nodes' public API only.
Without --rpc/--controller it shows the running devnet. --json prints {"url": …} once it listens.

Examples:
  enigma dashboard
  enigma dashboard --rpc http://127.0.0.1:8545 --controller 0x5FbDB2315678afecb367f032d93F642f64180aa3 --port 8080
  enigma dashboard --rpc https://rpc.example --controller 0x… --node-api http://10.0.0.5:7001 --node-api http://10.0.0.6:7001`

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'live view of nodes, tasks and slashing in the browser',
  async run(argv) {
    let v: Record<string, string | boolean | string[] | undefined>
    try {
      v = parseArgs({
        args: argv, allowPositionals: false, strict: true,
        options: {
          rpc: { type: 'string' }, controller: { type: 'string' }, records: { type: 'string' }, 'chain-id': { type: 'string' }, 'node-api': { type: 'string', multiple: true },
          'from-block': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, state: { type: 'string' },
          json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        },
      }).values
    } catch (e) {
      throw new CliUsageError((e as Error).message, DASHBOARD_USAGE)
    }
    if (v.help) { console.log(DASHBOARD_USAGE); return 0 }
    const int = (name: string): number | undefined => {
      const x = v[name]
      if (x === undefined) return undefined
      if (typeof x !== 'string' || !/^[0-9]+$/.test(x)) throw new CliUsageError(`--${name} must be a non-negative integer, got '${String(x)}'`, DASHBOARD_USAGE)
      return Number(x)
    }
    let rpcUrl = v.rpc as string | undefined
    let controller = v.controller as string | undefined
    let chainId = int('chain-id')
    let records = v.records as string | undefined
    // --node-api accepts URL or KEY=URL (the form the other commands take).
    let nodeApis = ((v['node-api'] as string[] | undefined) ?? []).map((x) => x.replace(/^[^=]*=(?=https?:)/, ''))
    if (rpcUrl === undefined || controller === undefined) {
      if (rpcUrl !== undefined || controller !== undefined) throw new CliUsageError('pass both --rpc and --controller, or neither (the running devnet)', DASHBOARD_USAGE)
      const { readState } = await import('../../devnet/state.ts')
      const s = await readState(v.state as string | undefined)
      rpcUrl = s.rpcUrl; controller = s.controller; chainId ??= s.chainId; records ??= s.records
      if (nodeApis.length === 0) nodeApis = s.nodes.map((n) => n.api)
    }
    const { startDashboard } = await import('../../dashboard/server.ts')
    const d = await startDashboard({
      rpcUrl, controller: controller as `0x${string}`, chainId, nodeApis, port: int('port'), host: v.host as string | undefined,
      ...(records ? { records: records as `0x${string}` } : {}),
      fromBlock: v['from-block'] === undefined ? undefined : BigInt(int('from-block')!),
    })
    if (v.json) console.log(JSON.stringify({ url: d.url }))
    else console.log(`dashboard: ${d.url} (chain ${rpcUrl}, controller ${controller}, ${nodeApis.length} node APIs). Ctrl-C to stop.`)
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    })
    await d.stop()
    return 0
  },
}
