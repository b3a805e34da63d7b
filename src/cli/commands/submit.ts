/**
 * `enigma submit <contract.ts|codeHash> --inputs <inputs.json> [--param k=v]... [--security ...]
 * [--nodes N] [--threshold T] [--json]`: register the contract if needed, create a task, fill every
 * slot (one per declared input) from the file, wait for the receipt and print
 * {"taskId", "outputs", "receipt": {transactionHash, blockNumber, committee, signers, fee}}.
 * Inputs are checked exactly as `enigma run` checks them, with the same messages.
 */
import type { Command } from '../main.ts'
import { encodeInputs } from '../../circuit/values.ts'
import { CliUsageError, committee, lintContractFile, parseContractArgs } from './compile.ts'
import { readInputsFile } from './run.ts'
import { progress } from '../progress.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'
import { list } from '../args.ts'
import type { Circuit } from '../../circuit/types.ts'
import { STATE_FLAGS, STATE_USAGE, submitState } from './submit-state.ts'
import { freshSlotValues, parseRecordFlags, taskSlots } from './submit-records.ts'

export const SUBMIT_USAGE = `Usage: enigma submit <contract.ts|example-name|codeHash> --inputs <inputs.json> [--param k=v]...
                     [--security semi-honest|malicious] [--nodes 5] [--threshold 2] [--timeout MS] [--json] [--no-lint]
                     [--target 1e-9 --corrupt FRACTION] [--recipient NAME=0xX25519_PUBLIC_KEY]...
                     [--callback <address>:<signature> [--callback-gas 200000]] [--record <input>=<recordId>]...
                     [--contract-state 0x<stateId>|new [--state-allow k=v[,k=v]]]

Registers the contract if it is not yet, creates a task on the controller (paying the quoted fee),
fills every input slot from inputs.json (shares encrypted to each committee node, commitment on
chain), waits for the committee's receipt and prints the outputs and the receipt.
--target P --corrupt F (instead of --nodes): the smallest committee whose honest majority fails with
probability at most P against an adversary holding the fraction F of the active stake, by the
controller's own selection rule (the planner of \`enigma plan\`).
--recipient NAME=KEY (once per recipient): the X25519 public key (32-byte hex) that the contract's
\`revealTo(NAME, x)\` outputs are encrypted to; the recipient reads them with the SDK's getOutput.
--callback 0xAbC…:onResult(bytes32,bytes): once the receipt is accepted the controller calls that
contract function with (taskId, typed public outputs), with --callback-gas gas (default 200 000),
escrowed on top of the fee at twice the current gas price (docs/controller.md "Callbacks"); the
outcome (succeeded / failed with its reason) is printed and is in the JSON output as "callback".
${STATE_USAGE}
--record income=0x<recordId> (repeatable; an input name or an element like bids[3]): that input is
taken from a stored record (its custodians hand it to the committee by re-sharing) and the inputs
file omits it. Every use is checked on chain before the task is created: a refused one (not granted,
revoked, expired, uses exhausted, type mismatch, unknown record) exits with one line CODE: message
and costs no fee.

Examples:
  enigma devnet up --detach && enigma submit examples/millionaires.ts --inputs in.json
  enigma submit 0x<codeHash> --inputs in.json --rpc https://rpc.example --controller 0xAbC… --private-key 0x… --json
${CHAIN_FLAGS_USAGE}`

const bigintJson = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)

export const submitCommand: Command = {
  name: 'submit',
  summary: 'run a secret contract as a task on the chain and its secret nodes',
  async run(argv) {
    const a = parseContractArgs(argv, SUBMIT_USAGE, ['--inputs', '--timeout', '--target', '--corrupt', '--callback', '--callback-gas', ...STATE_FLAGS], { ...CHAIN_OPTIONS, recipient: { type: 'string', multiple: true }, record: { type: 'string', multiple: true } })
    const chain = chainFlagsOf(a.parsed, SUBMIT_USAGE)
    if (a.help) { console.log(SUBMIT_USAGE); return 0 }
    const records = parseRecordFlags(list(a.parsed, 'record'), SUBMIT_USAGE)
    const inputsPath = a.extra['--inputs']
    if (inputsPath === undefined && Object.keys(records).length === 0) throw new CliUsageError('missing --inputs <inputs.json>', SUBMIT_USAGE)
    const readInputs = async () => (inputsPath === undefined ? {} : (await readInputsFile(inputsPath)) as Record<string, unknown>)
    const recipients: Record<string, `0x${string}`> = {}
    for (const v of list(a.parsed, 'recipient')) {
      const m = /^([^=]+)=(0x[0-9a-fA-F]{64})$/.exec(v)
      if (!m) throw new CliUsageError(`--recipient expects NAME=0x<32-byte X25519 public key>, got '${v}'`, SUBMIT_USAGE)
      recipients[m[1]!] = m[2]! as `0x${string}`
    }
    const timeout = a.extra['--timeout']
    if (timeout !== undefined && !/^[0-9]+$/.test(timeout)) throw new CliUsageError(`--timeout must be milliseconds, got '${timeout}'`)
    let { nodes, threshold } = committee(a)
    const target = a.extra['--target'], corrupt = a.extra['--corrupt']
    if ((target === undefined) !== (corrupt === undefined)) throw new CliUsageError('--target and --corrupt go together', SUBMIT_USAGE)
    if (target !== undefined && (a.parsed.values.nodes !== undefined || a.parsed.values.threshold !== undefined)) throw new CliUsageError('pass --target/--corrupt or --nodes/--threshold, not both', SUBMIT_USAGE)
    const callback = parseCallbackFlags(a.extra['--callback'], a.extra['--callback-gas'])
    const targetP = target === undefined ? undefined : Number(target)
    const corruptF = corrupt === undefined ? undefined : Number(corrupt)
    if (targetP !== undefined && !(targetP > 0 && targetP < 1)) throw new CliUsageError(`--target must be a probability in (0, 1), got '${target}'`, SUBMIT_USAGE)
    if (corruptF !== undefined && !(corruptF >= 0 && corruptF < 1)) throw new CliUsageError(`--corrupt must be a stake fraction in [0, 1), got '${corrupt}'`, SUBMIT_USAGE)
    const { cliContext, circuitByHash } = await import('../../devnet/context.ts')
    const { compileFile, contractPath, deployCompiled } = await import('../../devnet/contracts.ts')
    const sdk = await import('../../sdk/index.ts')
    const step = progress(a.json)
    step('connecting to the chain')
    const ctx = await cliContext(chain, true)
    const byHash = /^0x[0-9a-fA-F]{64}$/.test(a.file!)
    let circuit, codeHash
    let compileWith = async (_: Record<string, string | number>): Promise<{ circuit: Circuit; codeHash: `0x${string}` }> => { throw new CliUsageError('--state-allow needs the contract file, not a code hash', SUBMIT_USAGE) }
    if (byHash) {
      circuit = await circuitByHash(ctx.circuitsDir, a.file!)
      codeHash = a.file! as `0x${string}`
    } else {
      const file = contractPath(a.file!)
      const compiled = await compileFile(file, a.params)
      compileWith = async (p) => compileFile(file, p)
      circuit = compiled.circuit
      codeHash = compiled.codeHash
      // Check inputs before anything goes on chain, so a bad value is one clear line.
      if (Object.keys(records).length === 0) encodeInputs(circuit.inputs, await readInputs(), inputsPath!)
      else freshSlotValues(circuit, taskSlots(circuit, records, SUBMIT_USAGE), records, await readInputs(), inputsPath ?? '--record')
      if (!a.noLint) await lintContractFile(file)
      step(`registering ${codeHash} if needed`)
      if (ctx.circuitsDir) await deployCompiled(ctx.client, ctx.circuitsDir, compiled)
      else await sdk.registerContract(ctx.client, { codeHash, multiplications: compiled.cost.totalMultiplications, rounds: compiled.cost.rounds })
    }
    if (targetP !== undefined && corruptF !== undefined) {
      step(`choosing the committee size for a failure probability ≤ ${targetP} at ${corruptF} corrupt stake`)
      const rec = await sdk.recommendCommitteeSize(ctx.client, { target: targetP, corrupt: corruptF })
      if (rec.n === undefined) {
        throw new CliUsageError(`no committee of the ${rec.activeNodes} active nodes meets a failure probability ≤ ${targetP} at ${corruptF} corrupt stake; lower --corrupt, raise --target, or pass --nodes`, SUBMIT_USAGE)
      }
      nodes = rec.n
      threshold = rec.t ?? Math.floor((rec.n - 1) / 2)
    }
    const values = await readInputs()
    if (Object.keys(records).length === 0) encodeInputs(circuit.inputs, values, inputsPath!)
    const slots = taskSlots(circuit, records, SUBMIT_USAGE)
    const fresh = freshSlotValues(circuit, slots, records, values, inputsPath ?? '--record')
    const me = ctx.client.account!.address
    const stateId = await submitState(a.extra, circuit, codeHash, ctx.client, compileWith, SUBMIT_USAGE)
    step(Object.keys(records).length > 0 ? 'checking the record uses, creating the task (paying the quoted fee), binding the records' : 'creating the task (paying the quoted fee)')
    const task = await sdk.createTask(ctx.client, {
      codeHash, params: circuit.params, n: nodes, t: threshold, security: a.security,
      inputSlots: slots.map((name) => ({ name, owner: me })), recipients,
      ...(callback ? { callback } : {}), ...(stateId ? { state: stateId } : {}),
      ...(Object.keys(records).length > 0 ? { records, circuit } : {}),
    })
    for (const [k, [slot, value]] of [...fresh].entries()) {
      step(`input ${k + 1}/${fresh.size} '${slot}': sharing, encrypting to ${task.committee.length} nodes, committing on chain`)
      await sdk.submitInput(ctx.client, { taskId: task.taskId, slot, value, circuit })
    }
    step(`task ${task.taskId}: waiting for the committee's receipt`)
    const r = await sdk.waitForResult(ctx.client, { taskId: task.taskId, circuit, ...(timeout ? { timeoutMs: Number(timeout) } : {}) })
    const receipt = {
      transactionHash: r.receipt.transactionHash, blockNumber: r.receipt.blockNumber, committee: r.receipt.committee,
      signers: r.receipt.signers, fee: r.receipt.fee, gasUsed: r.receipt.gasUsed,
    }
    if (a.json) console.log(JSON.stringify({ taskId: task.taskId, outputs: r.outputs, receipt, ...(r.callback ? { callback: r.callback } : {}), ...(r.state ? { state: r.state } : {}) }, bigintJson))
    else {
      for (const [k, v] of Object.entries(r.outputs)) console.log(`${k}: ${JSON.stringify(v)}`)
      if (r.state) console.log(`state ${r.state.stateId}: computed on version ${r.state.version}, ${r.state.committed ? `committed version ${r.state.committed}` : 'no version committed'}`)
      if (r.callback) console.log(`callback ${r.callback.target} ${r.callback.selector}: ${r.callback.status}${r.callback.reason ? ` (${r.callback.reasonText ?? r.callback.reason})` : ''}`)
      console.log(`(task ${task.taskId}; receipt in block ${receipt.blockNumber}, tx ${receipt.transactionHash}, ${receipt.signers.length} of ${receipt.committee.length} members signed; fee ${receipt.fee} wei)`)
    }
    return 0
  },
}

/** `--callback <address>:<signature or selector>` and `--callback-gas N` → the SDK's callback request. */
export function parseCallbackFlags(spec: string | undefined, gas: string | undefined): { target: `0x${string}`; function: string; gasLimit?: number } | undefined {
  if (spec === undefined) {
    if (gas !== undefined) throw new CliUsageError('--callback-gas needs --callback', SUBMIT_USAGE)
    return undefined
  }
  const m = /^(0x[0-9a-fA-F]{40}):(.+)$/.exec(spec.trim())
  if (!m) throw new CliUsageError(`--callback must be <address>:<signature>, e.g. 0xAbC…:onResult(bytes32,bytes); got '${spec}'`, SUBMIT_USAGE)
  const fn = m[2]!
  if (!/^0x[0-9a-fA-F]{8}$/.test(fn) && !/^[A-Za-z_$][\w$]*\(bytes32,\s*bytes\)$/.test(fn)) {
    throw new CliUsageError(`--callback function must take (bytes32,bytes) (the task id and the typed outputs) or be a 4-byte selector; got '${fn}'`, SUBMIT_USAGE)
  }
  if (gas !== undefined && !/^[1-9][0-9]*$/.test(gas)) throw new CliUsageError(`--callback-gas must be a positive integer, got '${gas}'`, SUBMIT_USAGE)
  return { target: m[1] as `0x${string}`, function: fn.replace(/\s+/g, ''), ...(gas !== undefined ? { gasLimit: Number(gas) } : {}) }
}
