/**
 * Entry of the bundled devnet node (node-bundle.ts): exactly `enigma devnet _node <config.json>
 * [--fault B]`, without the CLI's other commands and without a TypeScript loader. Errors end the
 * process the way the CLI ends it: one line on stderr, exit code 1.
 */
import { isEnigmaError } from '../common/errors.ts'
import { runDevnetNodeCommand } from './node-command.ts'

try {
  process.exitCode = await runDevnetNodeCommand(process.argv.slice(2))
} catch (e) {
  if (process.env.ENIGMA_DEBUG === '1') console.error(e)
  else console.error(`enigma devnet: ${isEnigmaError(e) ? e.toLine() : e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
}
