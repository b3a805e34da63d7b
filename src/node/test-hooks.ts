/**
 * Test-only pause points of the task runner (issue #15, restart matrix): a test makes a node stop at
 * a chosen state, then kills it with `kill -9` there. Reachable only through `SecretNodeOptions`
 * (code), never through `NodeConfig`, a config file or a flag: the test cluster starts such a node
 * with its own entry point (`src/node/testing/node-main.ts`).
 */
import type { Hex } from './task-source.ts'

/**
 * - `input-stored`: an input share is on disk, the client not yet answered;
 * - `barrier`: every input is here, the node is about to join the ready barrier;
 * - `computing`: past the barrier, the MPC session open, before the first protocol message;
 * - `signed`: result and signature on disk (synced), the attestation not yet published.
 */
export type PausePoint = 'input-stored' | 'barrier' | 'computing' | 'signed'
export const PAUSE_POINTS: readonly PausePoint[] = ['input-stored', 'barrier', 'computing', 'signed']

export interface TestHooks {
  /** Whether to stop at `point` for `taskId` (asked each time the runner passes a pause point). */
  readonly pauseAt?: (point: PausePoint, taskId: Hex) => boolean | Promise<boolean>
  /** Called when the runner stops (e.g. writes a marker file the test waits for). */
  readonly onPause?: (point: PausePoint, taskId: Hex) => void | Promise<void>
}
