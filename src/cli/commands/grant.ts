/** `enigma grant <recordId> --contract <…> [--param k=v]... [--to <address>] [--uses N] [--expires <seconds>] [--json]`. */
import type { Command } from '../main.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { int, parseCommandArgs, PARAM_OPTION, str } from '../args.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'
import { addressArg, bigintJson, grantCodeHash, recordIdArg } from './record-shared.ts'

export const GRANT_USAGE = `Usage: enigma grant <recordId> --contract <contract.ts|example-name|codeHash> [--param k=v]...
                    [--to <address>] [--uses N] [--expires <seconds>] [--json]

The record's owner allows tasks of a secret contract (its code hash: the contract with these params)
to use the record — only tasks created by --to if given, else anyone's — at most N times, for
<seconds> from now. Granting again replaces the grant. Revoke with \`enigma revoke\`.

Examples:
  enigma grant 0x5e…01 --contract credit-score --to 0xLender… --uses 3 --expires 86400
  enigma grant 0x5e…01 --contract 0x<codeHash> --json
${CHAIN_FLAGS_USAGE}`

export const grantCommand: Command = {
  name: 'grant',
  summary: 'allow a secret contract (and requester) to use a record',
  async run(argv) {
    const p = parseCommandArgs(argv, { ...CHAIN_OPTIONS, ...PARAM_OPTION, contract: { type: 'string' }, to: { type: 'string' }, uses: { type: 'string' }, expires: { type: 'string' } }, GRANT_USAGE)
    const chain = chainFlagsOf(p, GRANT_USAGE)
    if (p.help) { console.log(GRANT_USAGE); return 0 }
    const recordId = recordIdArg(p, GRANT_USAGE)
    const requester = addressArg('--to', str(p, 'to'), GRANT_USAGE)
    const maxUses = int('--uses', str(p, 'uses'), 1, GRANT_USAGE)
    const expires = int('--expires', str(p, 'expires'), 1, GRANT_USAGE)
    const codeHash = await grantCodeHash(p, str(p, 'contract'), GRANT_USAGE)
    const { cliContext } = await import('../../devnet/context.ts')
    const sdk = await import('../../sdk/index.ts')
    const ctx = await cliContext(chain, true)
    const r = await sdk.grantAccess(ctx.client, {
      recordId, codeHash, ...(requester ? { requester } : {}), ...(maxUses !== undefined ? { maxUses } : {}),
      ...(expires !== undefined ? { expiresInSeconds: BigInt(expires) } : {}),
    })
    const out = { recordId, codeHash, requester: requester ?? null, maxUses: maxUses ?? null, expiry: r.expiry === 0n ? null : r.expiry, transactionHash: r.hash, gasUsed: r.gasUsed }
    if (p.json) console.log(JSON.stringify(out, bigintJson))
    else console.log(`granted record ${recordId} to contract ${codeHash} for ${requester ?? 'anyone'}; ${maxUses ?? 'unlimited'} uses; ${r.expiry === 0n ? 'no expiry' : `until ${new Date(Number(r.expiry) * 1000).toISOString()}`}`)
    return 0
  },
}
