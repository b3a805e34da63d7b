/**
 * The life of a node process (`enigma node start`, devnet nodes): start, print one JSON line of node
 * info on stdout, run until SIGINT/SIGTERM (or, for a devnet node, until the parent's stdin pipe
 * closes), stop. A start that fails stops what was started and ends the process with exit code 1:
 * a process left running would make its parent wait for a ready line that never comes.
 */
import type { SecretNode } from '../node/secret-node.ts'

export interface RunOptions {
  /** Stop when stdin closes (the parent holds it open; even a SIGKILLed parent closes it). */
  readonly watchStdin: boolean
}

export async function runUntilStopped(o: RunOptions, start: () => Promise<SecretNode>): Promise<number> {
  let node: SecretNode | undefined
  let stopRequested: ((why: string) => void) | undefined
  const stopped = new Promise<string>((resolve) => { stopRequested = resolve })
  const onSig = (sig: string) => () => stopRequested!(sig)
  process.once('SIGINT', onSig('SIGINT'))
  process.once('SIGTERM', onSig('SIGTERM'))
  if (o.watchStdin) {
    process.stdin.on('end', () => stopRequested!('parent gone'))
    process.stdin.on('error', () => stopRequested!('parent gone'))
    process.stdin.resume()
  }
  try {
    node = await Promise.race([start(), stopped.then((why) => { throw new Error(`stopped during start (${why})`) })])
  } catch (e) {
    // Whatever start() left running (sockets, timers, stdin) must not keep the process alive.
    process.stdin.destroy()
    setTimeout(() => process.exit(1), 2_000).unref()
    throw e
  }
  console.log(JSON.stringify(node.info()))
  const why = await stopped
  node.log.info('stopping', { why })
  // A wedged stop must not keep the process alive: a parent waits for the exit.
  setTimeout(() => process.exit(1), 10_000).unref()
  await node.stop()
  process.stdin.destroy()
  return 0
}
