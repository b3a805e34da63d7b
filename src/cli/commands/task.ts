/**
 * `enigma task <taskId> [--json]`: a task's on-chain status, committee, slots, its receipt once done,
 * and its history (draws, suspensions, slashes, receipt, settlement or refund: task-history.ts).
 */
import type { Command } from '../main.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { CliUsageError, parseCommandArgs } from '../args.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'

export const TASK_USAGE = `Usage: enigma task <taskId> [--json]

Prints the task's status, committee, input slots (owner, commitment), once completed its receipt, and
its history: the draw, accusations that suspended a member, slashes, re-runs, the receipt, settlement or refund.

Examples:
  enigma task 0x3f…c1                       against the running devnet
  enigma task 0x3f…c1 --rpc https://rpc.example --controller 0xAbC… --json
${CHAIN_FLAGS_USAGE}`

const bigintJson = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)

export const taskCommand: Command = {
  name: 'task',
  summary: 'show a task: status, committee, slots, receipt',
  async run(argv) {
    const p = parseCommandArgs(argv, CHAIN_OPTIONS, TASK_USAGE)
    const chain = chainFlagsOf(p, TASK_USAGE)
    const json = p.json
    const rest = p.positionals
    if (p.help) { console.log(TASK_USAGE); return 0 }
    if (rest.length !== 1) throw new CliUsageError(rest.length === 0 ? 'missing <taskId>' : `unexpected argument '${rest[1]}'`, TASK_USAGE)
    const id = rest[0]!
    if (!/^0x[0-9a-fA-F]{64}$/.test(id)) throw new CliUsageError(`task id must be 0x + 64 hex digits, got '${id.slice(0, 80)}'`)
    const { cliContext } = await import('../../devnet/context.ts')
    const sdk = await import('../../sdk/index.ts')
    const ctx = await cliContext(chain, false)
    const t = await sdk.getTask(ctx.client, { taskId: id as `0x${string}` })
    let result: Awaited<ReturnType<typeof sdk.waitForResult>> | undefined
    if (t.status === 'completed' || t.status === 'settled') result = await sdk.waitForResult(ctx.client, { taskId: t.taskId, timeoutMs: 10_000 })
    const { taskHistory } = await import('../../devnet/task-history.ts')
    const history = await taskHistory(ctx.client, t.taskId)
    const out = {
      taskId: t.taskId, status: t.status, codeHash: t.codeHash, creator: t.creator, params: t.params, n: t.n, t: t.t, security: t.security,
      fee: t.fee, deadline: t.deadline, committee: t.committee.map((m) => m.account), slots: t.slots,
      history,
      ...(result ? { outputs: result.outputs, receipt: { transactionHash: result.receipt.transactionHash, blockNumber: result.receipt.blockNumber, signers: result.receipt.signers, gasUsed: result.receipt.gasUsed } } : {}),
    }
    if (json) { console.log(JSON.stringify(out, bigintJson)); return 0 }
    console.log(`task ${t.taskId}: ${t.status}`)
    console.log(`  contract ${t.codeHash} params ${JSON.stringify(t.params)}; n=${t.n} t=${t.t} ${t.security}; fee ${t.fee} wei; deadline ${new Date(Number(t.deadline) * 1000).toISOString()}`)
    console.log(`  committee ${t.committee.map((m) => m.account).join(' ')}`)
    for (const s of t.slots) console.log(`  slot ${s.name.padEnd(12)} owner ${s.owner} ${s.commitment ? `committed ${s.commitment}` : 'not filled'}`)
    if (result) {
      console.log(`  outputs ${JSON.stringify(result.outputs)}`)
      console.log(`  receipt tx ${result.receipt.transactionHash} block ${result.receipt.blockNumber}, signed by ${result.receipt.signers.length}`)
    }
    console.log('  history')
    for (const h of history) console.log(`    block ${h.block} ${h.event.padEnd(15)} ${h.detail}`)
    return 0
  },
}
