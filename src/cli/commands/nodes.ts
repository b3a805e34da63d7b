/** `enigma nodes [--json]`: the controller's active secret nodes with stake, keys, addresses and API. */
import type { Command } from '../main.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { CliUsageError, parseCommandArgs } from '../args.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'

export const NODES_USAGE = `Usage: enigma nodes [--json]

Lists the active nodes registered on the controller: account, peer id, stake, encryption key,
multiaddrs, and (for a devnet) the client API URL and whether it answers.

Examples:
  enigma nodes                               the running devnet's nodes
  enigma nodes --rpc https://rpc.example --controller 0xAbC… --json
${CHAIN_FLAGS_USAGE}`

export const nodesCommand: Command = {
  name: 'nodes',
  summary: 'list the active secret nodes on the controller',
  async run(argv) {
    const p = parseCommandArgs(argv, CHAIN_OPTIONS, NODES_USAGE)
    const chain = chainFlagsOf(p, NODES_USAGE)
    if (p.help) { console.log(NODES_USAGE); return 0 }
    const json = p.json
    if (p.positionals.length > 0) throw new CliUsageError(`unexpected argument '${p.positionals[0]}'`, NODES_USAGE)
    const { cliContext } = await import('../../devnet/context.ts')
    const { getActiveNodes } = await import('../../chain/actions/getActiveNodes.ts')
    const { getNode } = await import('../../chain/actions/getNode.ts')
    const { formatEther } = await import('viem')
    const ctx = await cliContext(chain, false)
    const c = ctx.client
    const active = await getActiveNodes(c.public, { address: c.controller })
    const rows = await Promise.all(active.nodes.map(async (account) => {
      const n = await getNode(c.public, { address: c.controller, node: account })
      let api: string | undefined
      try { api = c.nodeApi({ index: 0, account, peerId: n.peerId, encryptionKey: n.encryptionKey, multiaddrs: n.multiaddrs }) } catch { api = undefined }
      const up = api ? await fetch(`${api}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok).catch(() => false) : undefined
      return { account, peerId: n.peerId, stake: n.stake.toString(), encryptionKey: n.encryptionKey, multiaddrs: n.multiaddrs, api: api ?? null, up: up ?? null }
    }))
    if (json) console.log(JSON.stringify({ controller: c.controller, totalActiveStake: active.totalActiveStake.toString(), nodes: rows }))
    else {
      console.log(`${rows.length} active nodes on ${c.controller} (total stake ${formatEther(active.totalActiveStake)} ETH)`)
      for (const r of rows) console.log(`  ${r.account} ${formatEther(BigInt(r.stake))} ETH ${r.peerId} ${r.api ?? '(no API known)'}${r.up === false ? ' DOWN' : ''}`)
    }
    return 0
  },
}
