/** `enigma nodes [--json]`: the controller's active secret nodes with stake, keys, addresses and API. */
import type { Command } from '../main.ts'
import { CliUsageError } from './compile.ts'
import { CHAIN_FLAGS_USAGE, takeChainFlags } from '../../devnet/chain-flags.ts'

export const NODES_USAGE = `Usage: enigma nodes [--json]

Lists the active nodes registered on the controller: account, peer id, stake, encryption key,
multiaddrs, and (for a devnet) the client API URL and whether it answers.
${CHAIN_FLAGS_USAGE}`

export const nodesCommand: Command = {
  name: 'nodes',
  summary: 'list the active secret nodes on the controller',
  async run(argv) {
    const args = [...argv]
    const chain = takeChainFlags(args)
    if (args.includes('--help') || args.includes('-h')) { console.log(NODES_USAGE); return 0 }
    const json = args.includes('--json')
    const bad = args.find((x) => x !== '--json')
    if (bad) throw new CliUsageError(bad.startsWith('-') ? `unknown option ${bad}` : `unexpected argument '${bad}'`, NODES_USAGE)
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
