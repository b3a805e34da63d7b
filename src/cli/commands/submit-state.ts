/**
 * The contract-state flags of `enigma submit` (issue #11 §2, docs/state.md "State"): run the task on an
 * existing state instance (`--contract-state 0x<stateId>`), or create one first (`--contract-state new`)
 * that this contract with these params may compute on, plus the same contract with other params
 * (`--state-allow close=1`: e.g. the ballot's closing task). The output carries the state and versions.
 */
import type { Hex } from 'viem'
import { CliUsageError } from './compile.ts'
import type { Circuit } from '../../circuit/types.ts'
import type { Compiled } from '../../lang/compile.ts'
import type { EnigmaClient } from '../../sdk/client.ts'

export const STATE_FLAGS = ['--contract-state', '--state-allow'] as const

export const STATE_USAGE = `--contract-state 0x<stateId>|new: the task computes on that contract state (a stateful contract needs
one; new = create it first, at version 0, allowing this contract with these params and, with
--state-allow k=v[,k=v], the same contract with those params changed). The state is never printed: only
the outputs that reveal part of it. The JSON output's "state" is {stateId, version (computed on), committed}.`

/** The state id to bind the task to, creating the instance when asked (undefined: a stateless task). */
export async function submitState(
  extra: Readonly<Record<string, string>>, circuit: Circuit, codeHash: Hex, client: EnigmaClient,
  compileWith: (params: Record<string, string | number>) => Promise<Pick<Compiled, 'circuit' | 'codeHash'>>, usage: string,
): Promise<Hex | undefined> {
  const spec = extra['--contract-state']
  const allow = extra['--state-allow']
  if (spec === undefined) {
    if (allow !== undefined) throw new CliUsageError('--state-allow needs --contract-state new', usage)
    if (circuit.state) throw new CliUsageError(`${circuit.name} keeps contract state: pass --contract-state 0x<stateId> or --contract-state new`, usage)
    return undefined
  }
  if (!circuit.state) throw new CliUsageError(`${circuit.name} declares no state; drop --contract-state`, usage)
  if (spec !== 'new') {
    if (!/^0x[0-9a-fA-F]{64}$/.test(spec)) throw new CliUsageError(`--contract-state must be 0x + 64 hex digits or 'new', got '${spec}'`, usage)
    if (allow !== undefined) throw new CliUsageError('--state-allow only goes with --contract-state new (a state\'s programs are fixed when it is created)', usage)
    return spec as Hex
  }
  const programs = [{ circuit, codeHash }]
  if (allow !== undefined) {
    const over: Record<string, string | number> = { ...circuit.params }
    for (const kv of allow.split(',')) {
      const m = /^([A-Za-z_]\w*)=(-?[0-9]+)$/.exec(kv.trim())
      if (!m) throw new CliUsageError(`--state-allow expects k=v[,k=v], got '${allow}'`, usage)
      over[m[1]!] = m[2]!
    }
    programs.push(await compileWith(over))
  }
  const { createState } = await import('../../sdk/actions/createState.ts')
  return (await createState(client, { programs })).stateId
}
