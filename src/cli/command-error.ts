/**
 * How a failed `enigma <command>` reports its error: one line on stderr (the whole error with
 * ENIGMA_DEBUG=1), a usage error with a pointer to the command's help. Shared by the CLI's entry
 * (main.ts) and the bundled test entry of `enigma node` (testing/node-start-entry.ts), so both end a
 * failed command alike.
 */
import { isEnigmaError } from '../common/errors.ts'

export function printCommandError(name: string, e: unknown): void {
  if (process.env.ENIGMA_DEBUG === '1') console.error(e)
  else if (isEnigmaError(e) && e.code === 'CLI_USAGE') console.error(`enigma ${name}: ${e.toLine()} (see \`enigma ${name} --help\`)`)
  else if (isEnigmaError(e)) console.error(`enigma ${name}: ${e.toLine()}`)
  else console.error(`enigma ${name}: ${e instanceof Error ? e.message : String(e)}`)
}
