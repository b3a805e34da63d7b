/**
 * The arguments of one devnet node process, `<config.json> [--fault <behaviour>]`, as both of its
 * launchers pass them: `enigma devnet _node …` (src/cli/commands/devnet.ts) and the bundled entry the
 * devnet starts from a source checkout (node-entry.ts, node-bundle.ts).
 */
import { parseFaultAssignment } from '../node/faults.ts'
import { runDevnetNode } from './node-main.ts'

export function runDevnetNodeCommand(args: readonly string[]): Promise<number> {
  // `--fault B` comes only from a devnet that was started with `--fault i=B` (node-process.ts).
  const fault = args[1] === '--fault' ? parseFaultAssignment(`0=${args[2] ?? ''}`).behaviour : undefined
  return runDevnetNode(args[0] ?? '', fault)
}
