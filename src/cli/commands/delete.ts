/** `enigma delete <recordId> [--json]`: delete a record (custodians erase their shares). */
import type { Command } from '../main.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { parseCommandArgs } from '../args.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'
import { bigintJson, recordIdArg } from './record-shared.ts'

export const DELETE_USAGE = `Usage: enigma delete <recordId> [--json]

Deletes a record you own: from this block no use is accepted, and its custodians erase their shares
when they see the deletion. The id is never reused.
${CHAIN_FLAGS_USAGE}`

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete a stored record (custodians erase their shares)',
  async run(argv) {
    const p = parseCommandArgs(argv, CHAIN_OPTIONS, DELETE_USAGE)
    const chain = chainFlagsOf(p, DELETE_USAGE)
    if (p.help) { console.log(DELETE_USAGE); return 0 }
    const recordId = recordIdArg(p, DELETE_USAGE)
    const { cliContext } = await import('../../devnet/context.ts')
    const sdk = await import('../../sdk/index.ts')
    const ctx = await cliContext(chain, true)
    const r = await sdk.deleteRecord(ctx.client, { recordId })
    if (p.json) console.log(JSON.stringify({ recordId, deletedAt: r.receipt.blockNumber, transactionHash: r.hash, gasUsed: r.gasUsed }, bigintJson))
    else console.log(`deleted record ${recordId} (block ${r.receipt.blockNumber})`)
    return 0
  },
}
