/** `enigma revoke <recordId> --contract <…> [--param k=v]... [--to <address>] [--json]`. */
import type { Command } from '../main.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { parseCommandArgs, PARAM_OPTION, str } from '../args.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'
import { addressArg, bigintJson, grantCodeHash, recordIdArg } from './record-shared.ts'

export const REVOKE_USAGE = `Usage: enigma revoke <recordId> --contract <contract.ts|example-name|codeHash> [--param k=v]... [--to <address>] [--json]

Revokes the grant for that contract (and requester, or the open grant without --to). From the block
that records it, no new use is accepted and custodians refuse to hand the record over for it.

Examples:
  enigma revoke 0x5e…01 --contract credit-score --to 0xLender…
${CHAIN_FLAGS_USAGE}`

export const revokeCommand: Command = {
  name: 'revoke',
  summary: 'revoke a grant on a record',
  async run(argv) {
    const p = parseCommandArgs(argv, { ...CHAIN_OPTIONS, ...PARAM_OPTION, contract: { type: 'string' }, to: { type: 'string' } }, REVOKE_USAGE)
    const chain = chainFlagsOf(p, REVOKE_USAGE)
    if (p.help) { console.log(REVOKE_USAGE); return 0 }
    const recordId = recordIdArg(p, REVOKE_USAGE)
    const requester = addressArg('--to', str(p, 'to'), REVOKE_USAGE)
    const codeHash = await grantCodeHash(p, str(p, 'contract'), REVOKE_USAGE)
    const { cliContext } = await import('../../devnet/context.ts')
    const sdk = await import('../../sdk/index.ts')
    const ctx = await cliContext(chain, true)
    const r = await sdk.revokeAccess(ctx.client, { recordId, codeHash, ...(requester ? { requester } : {}) })
    const out = { recordId, codeHash, requester: requester ?? null, revokedAt: r.receipt.blockNumber, transactionHash: r.hash, gasUsed: r.gasUsed }
    if (p.json) console.log(JSON.stringify(out, bigintJson))
    else console.log(`revoked the grant of record ${recordId} to contract ${codeHash} for ${requester ?? 'anyone'} (block ${r.receipt.blockNumber})`)
    return 0
  },
}
