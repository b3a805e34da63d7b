/**
 * `enigma` command-line entry. Each command lives in its own file under src/cli/commands/ and is
 * registered here. Errors are one clear line on stderr and a non-zero exit; no stack traces unless
 * ENIGMA_DEBUG=1.
 */
import { printCommandError } from './command-error.ts'
import { ownPackageJson } from './version.ts'

export interface Command {
  readonly name: string
  readonly summary: string
  run(args: string[]): Promise<number>
}

const commands: Command[] = []
commands.push((await import('./commands/init.ts')).initCommand)
commands.push((await import('./commands/node.ts')).nodeCommand)
commands.push((await import('./commands/compile.ts')).compileCommand)
commands.push((await import('./commands/run.ts')).runCommand)
commands.push((await import('./commands/demo.ts')).demoCommand)
commands.push((await import('./commands/devnet.ts')).devnetCommand)
commands.push((await import('./commands/deploy.ts')).deployCommand)
commands.push((await import('./commands/submit.ts')).submitCommand)
commands.push((await import('./commands/task.ts')).taskCommand)
commands.push((await import('./commands/nodes.ts')).nodesCommand)
commands.push((await import('./commands/plan.ts')).planCommand)
commands.push((await import('./commands/dashboard.ts')).dashboardCommand)
commands.push((await import('./commands/store.ts')).storeCommand)
commands.push((await import('./commands/grant.ts')).grantCommand)
commands.push((await import('./commands/revoke.ts')).revokeCommand)
commands.push((await import('./commands/delete.ts')).deleteCommand)
commands.push((await import('./commands/records.ts')).recordsCommand)

export function usage(): string {
  const lines = ['Usage: enigma <command> [options]', '', 'Commands:']
  for (const c of commands) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`)
  lines.push('', 'Options: --version, --help. Every command takes --json (machine-readable output) and --help.',
    'Run `enigma <command> --help` for a command\'s options and examples.', '',
    'Start here:', '  npx enigma init my-project     a project with a contract, its reference and a test',
    '  npx enigma devnet demo         local chain + 5 secret nodes + one task, end to end')
  return lines.join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage())
    return name === undefined ? 1 : 0
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    const v = ownPackageJson().version
    console.log(rest.includes('--json') ? JSON.stringify({ version: v, node: process.versions.node }) : `enigma-ts ${v} (node ${process.versions.node})`)
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    console.error(`enigma: unknown command '${name}'. Run \`enigma --help\` for the list.`)
    return 2
  }
  try {
    return await command.run(rest)
  } catch (e) {
    printCommandError(name, e)
    return 1
  }
}
