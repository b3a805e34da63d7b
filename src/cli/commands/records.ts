/** `enigma records [--owner <address>] [--json]`: stored records and their state. */
import type { Command } from '../main.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { CliUsageError, parseCommandArgs, str } from '../args.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'
import { addressArg, bigintJson } from './record-shared.ts'

export const RECORDS_USAGE = `Usage: enigma records [--owner <address>] [--json]

Lists the records stored (by --owner): id, owner, type hash, epoch, custodians, deleted or live.
${CHAIN_FLAGS_USAGE}`

export const recordsCommand: Command = {
  name: 'records',
  summary: 'list stored records (by owner)',
  async run(argv) {
    const p = parseCommandArgs(argv, { ...CHAIN_OPTIONS, owner: { type: 'string' } }, RECORDS_USAGE)
    const chain = chainFlagsOf(p, RECORDS_USAGE)
    if (p.help) { console.log(RECORDS_USAGE); return 0 }
    if (p.positionals.length > 0) throw new CliUsageError(`unexpected argument '${p.positionals[0]}'`, RECORDS_USAGE)
    const owner = addressArg('--owner', str(p, 'owner'), RECORDS_USAGE)
    const { cliContext } = await import('../../devnet/context.ts')
    const sdk = await import('../../sdk/index.ts')
    const ctx = await cliContext(chain, false)
    const list = await sdk.listRecords(ctx.client, owner ? { owner } : {})
    if (p.json) { console.log(JSON.stringify(list.map((r) => ({ ...r, deleted: r.deletedAt !== 0n })), bigintJson)); return 0 }
    if (list.length === 0) console.log('no records')
    for (const r of list) console.log(`${r.recordId} owner ${r.owner} type ${r.typeHash} epoch ${r.epoch} ${r.deletedAt !== 0n ? `deleted (block ${r.deletedAt})` : `live, ${r.custodians.length} custodians (t=${r.t})`}`)
    return 0
  },
}
