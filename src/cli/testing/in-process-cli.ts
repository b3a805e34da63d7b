/**
 * The CLI in the test's own process (`main`), against a devnet state file and one account: exit code,
 * stdout, stderr. A child process would only add its start-up time. Tests only.
 */
import type { Hex } from 'viem'
import { main } from '../main.ts'

export async function enigmaInProcess(stateFile: string, key: Hex, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = []
  const { log, error } = console
  console.log = (...a: unknown[]) => { out.push(a.join(' ')) }
  console.error = (...a: unknown[]) => { err.push(a.join(' ')) }
  try {
    const code = await main([...args, '--state', stateFile, '--private-key', key])
    return { code, out: out.join('\n'), err: err.join('\n') }
  } finally {
    Object.assign(console, { log, error })
  }
}
