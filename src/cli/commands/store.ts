/** `enigma store --type <type> --value <json> [--field p61|p127] [--json]`: store a secret record in the network. */
import type { Command } from '../main.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { choice, CliUsageError, parseCommandArgs, str } from '../args.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'
import { progress } from '../progress.ts'
import { bigintJson } from './record-shared.ts'

export const STORE_USAGE = `Usage: enigma store --type <type> --value <json> [--field p61|p127] [--json]

Stores a typed secret value once: shared to the custody committee (each share encrypted to its node),
its type, commitment and custodians recorded on chain. Prints {"recordId", "owner"}. The owner is the
signing account (--private-key); grant uses with \`enigma grant\`.
Types: sbool, uint8…uint64, int8…int64, uint(k), int(k), fixed, within(T, min, max), array(T, n) or T[n], { a: T, b: U }.
--field: the field of the shares; it must be the field of the contracts that will use the record (default p127).

Examples:
  enigma store --type uint32 --value 52000
  enigma store --type '{ income: uint32, debts: uint32 }' --value '{"income": 52000, "debts": 9000}' --json
${CHAIN_FLAGS_USAGE}`

export const storeCommand: Command = {
  name: 'store',
  summary: 'store a secret record in the network (custody shares + chain record)',
  async run(argv) {
    const p = parseCommandArgs(argv, { ...CHAIN_OPTIONS, type: { type: 'string' }, value: { type: 'string' }, field: { type: 'string' } }, STORE_USAGE)
    const chain = chainFlagsOf(p, STORE_USAGE)
    if (p.help) { console.log(STORE_USAGE); return 0 }
    if (p.positionals.length > 0) throw new CliUsageError(`unexpected argument '${p.positionals[0]}'`, STORE_USAGE)
    const typeText = str(p, 'type'), valueText = str(p, 'value')
    if (typeText === undefined) throw new CliUsageError('missing --type <type>', STORE_USAGE)
    if (valueText === undefined) throw new CliUsageError('missing --value <json>', STORE_USAGE)
    const field = choice('--field', str(p, 'field'), ['p61', 'p127'] as const, STORE_USAGE)
    let value: unknown
    try { value = JSON.parse(valueText) } catch { throw new CliUsageError(`--value must be JSON, got '${valueText.slice(0, 80)}'`, STORE_USAGE) }
    const { parseRecordType } = await import('../../node/record-type.ts')
    const type = parseRecordType(typeText)
    const { cliContext } = await import('../../devnet/context.ts')
    const sdk = await import('../../sdk/index.ts')
    const step = progress(p.json)
    step('connecting to the chain')
    const ctx = await cliContext(chain, true)
    step('sharing to the custody committee, recording on chain')
    const r = await sdk.storeRecord(ctx.client, { type, value, ...(field ? { field } : {}) })
    if (p.json) {
      console.log(JSON.stringify({ recordId: r.recordId, owner: r.owner, typeHash: r.typeHash, field: r.field, epoch: r.epoch, custodians: r.custodians, transactionHash: r.transactionHash, gasUsed: r.gasUsed }, bigintJson))
    } else {
      console.log(`record ${r.recordId}`)
      console.log(`  owner ${r.owner}; type hash ${r.typeHash} (${r.field}); epoch ${r.epoch}; custodians ${r.custodians.join(' ')}`)
    }
    return 0
  },
}
