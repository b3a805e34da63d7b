/**
 * `enigma run <contract.ts> --inputs <inputs.json> [--param k=v]... [--nodes 5] [--threshold 2]
 * [--security semi-honest|malicious] [--transport memory|tcp] [--json]`: compile, then run every party
 * on this machine and print the outputs. A public interface: keep names, flags and JSON shape.
 *
 * --json prints one object: {"outputs": {...}, "cost": {...}, "stats": {"wallMs", "bytesPerParty", "rounds"}}.
 */
import { readFile } from 'node:fs/promises'
import type { Command } from '../main.ts'
import { EnigmaError } from '../../common/errors.ts'
import { encodeInputs } from '../../circuit/values.ts'
import { progress } from '../progress.ts'
import { CliUsageError, committee, compileFromArgs, lintContractFile, parseContractArgs } from './compile.ts'

export const RUN_USAGE = `Usage: enigma run <contract.ts> --inputs <inputs.json> [--param k=v]... [--nodes 5] [--threshold 2]
                  [--security semi-honest|malicious] [--transport memory|tcp] [--json] [--no-lint]

Runs all parties of the contract on this machine (in one process over memory, or one process per
party over TCP) and prints the outputs. inputs.json maps each input name to its value.

Examples:
  echo '{"alice": 5, "bob": 7}' > in.json && enigma run examples/millionaires.ts --inputs in.json
  enigma run examples/vickrey-auction.ts -p bidders=3 --inputs bids.json --security malicious --transport tcp --json`

export async function readInputsFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new EnigmaError('INPUT_INVALID', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new EnigmaError('INPUT_INVALID', `${path}: malformed JSON (${(e as Error).message.split('\n')[0]})`)
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a secret contract with all parties on this machine',
  async run(args) {
    const a = parseContractArgs(args, RUN_USAGE, ['--inputs', '--transport', '--timeout'])
    if (a.help) {
      console.log(RUN_USAGE)
      return 0
    }
    const inputsPath = a.extra['--inputs']
    if (inputsPath === undefined) throw new CliUsageError('missing --inputs <inputs.json>', RUN_USAGE)
    const transport = a.extra['--transport'] ?? 'memory'
    if (transport !== 'memory' && transport !== 'tcp') throw new CliUsageError(`--transport must be memory or tcp, got '${transport}'`, RUN_USAGE)
    const timeout = a.extra['--timeout']
    if (timeout !== undefined && !/^[0-9]+$/.test(timeout)) throw new CliUsageError(`--timeout must be milliseconds, got '${timeout}'`)
    const { nodes, threshold } = committee(a)
    const step = progress(a.json)
    step(`compiling ${a.file}`)
    const compiled = await compileFromArgs(a)
    const values = await readInputsFile(inputsPath)
    // Check inputs before starting any party, so a bad value is one clear line.
    encodeInputs(compiled.circuit.inputs, values, inputsPath)
    if (!a.noLint) await lintContractFile(a.file!)
    step(`running ${nodes} parties (${a.security}, ${transport}); ${compiled.cost.rounds} rounds estimated`)
    const { runCircuitLocal } = await import('../../engine/run-circuit-local.ts')
    const r = await runCircuitLocal({
      circuit: compiled.circuit, inputs: values, inputsSource: inputsPath, nodes, threshold, security: a.security, transport,
      ...(timeout ? { timeoutMs: Number(timeout) } : {}),
    })
    if (a.json) console.log(JSON.stringify({ outputs: r.outputs, cost: compiled.cost, stats: r.stats }))
    else {
      for (const [k, v] of Object.entries(r.outputs)) console.log(`${k}: ${JSON.stringify(v)}`)
      console.log(`(${nodes} parties, t=${threshold}, ${a.security}, ${transport}: ${r.stats.wallMs} ms, ${r.stats.rounds} rounds, ${r.stats.bytesPerParty} bytes sent per party)`)
    }
    return 0
  },
}
