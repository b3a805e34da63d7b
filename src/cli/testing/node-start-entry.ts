/**
 * `enigma node <start|info|register> …` as one program without the CLI's other commands and without a
 * TypeScript loader: src/node/testing/cluster.ts bundles it with its packages (src/common/bundle-entry.ts)
 * for its `enigma node start` processes. The command is the CLI's own (src/cli/commands/node.ts);
 * errors end the process as src/cli/main.ts ends it: one line on stderr, exit code 1. Why: through
 * bin/enigma.mjs a node process loads TypeScript under tsx's hooks, ≈ 5.6 CPU-s to its ready line at
 * load 21; the bundle ≈ 1 CPU-s. Tests only.
 */
import { printCommandError } from '../command-error.ts'
import { nodeCommand } from '../commands/node.ts'

try {
  process.exitCode = await nodeCommand.run(process.argv.slice(2))
} catch (e) {
  printCommandError('node', e)
  process.exitCode = 1
}
