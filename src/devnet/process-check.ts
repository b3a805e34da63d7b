/**
 * Is a pid from a (possibly stale) state or marker file still the process that wrote it? A pid is
 * reused by the OS once its process is gone, so "a process with this pid exists" is not enough to
 * signal it or to refuse to touch a folder. On Linux the process start time (/proc/<pid>/stat,
 * field 22, in clock ticks since boot) identifies it; elsewhere we fall back to its command line
 * naming enigma, and to plain existence where neither can be read.
 */
import { readFileSync } from 'node:fs'

export interface ProcessRef {
  readonly pid: number
  /** /proc start time of that process when it was recorded (Linux). */
  readonly startTime?: string
}

/** The /proc start time of a running process, or undefined (no /proc, or no such process). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; fields resume after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return rest[19] // field 22 overall: state is field 3 = rest[0]
  } catch {
    return undefined
  }
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return undefined
  }
}

export function selfRef(): ProcessRef {
  return { pid: process.pid, startTime: processStartTime(process.pid) }
}

/**
 * True only if `ref.pid` runs, we may signal it, and it is the same process that was recorded
 * (start time when known, else an enigma command line). EPERM means another user's process: not ours.
 */
export function isOurProcess(ref: ProcessRef): boolean {
  if (!Number.isSafeInteger(ref.pid) || ref.pid <= 1) return false
  try {
    process.kill(ref.pid, 0)
  } catch {
    return false // ESRCH: gone; EPERM: someone else's
  }
  const now = processStartTime(ref.pid)
  if (ref.startTime !== undefined && now !== undefined) return now === ref.startTime
  const cmd = commandLine(ref.pid)
  if (cmd !== undefined) return /enigma|devnet/.test(cmd)
  return true
}

export type SignalOutcome = 'signalled' | 'not-ours' | 'gone'

/** Sends `signal` only to a process that is still ours; never throws (EPERM, ESRCH are outcomes). */
export function signalIfOurs(ref: ProcessRef, signal: NodeJS.Signals): SignalOutcome {
  if (!isOurProcess(ref)) {
    try { process.kill(ref.pid, 0); return 'not-ours' } catch { return 'gone' }
  }
  try {
    process.kill(ref.pid, signal)
    return 'signalled'
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'not-ours' : 'gone'
  }
}
