/**
 * Tests only: one real node and the two attempts of a re-run task around it (rerun-supersede.test.ts,
 * rerun-restart-deal.test.ts). Attempt 0 runs on this node and two ghosts (identities without a process);
 * attempt 1 replaces ghost 2 (the culprit) by ghost 3, so this node is a survivor on the new committee too.
 */
import { join } from 'node:path'
import type { PrivateKeyAccount } from 'viem'
import { loadOrCreateIdentity, publicIdentity } from '../identity.ts'
import { makeTaskSpec } from './client.ts'
import type { CommitteeMember, TaskSpec } from '../task-source.ts'
import { PushSource } from './push-source.ts'

/** The task source the test drives (`openTasks` lists the latest spec of each task, as a chain source does after a restart). */
export { PushSource }

export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 4_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Attempts 0 and 1 of a semi-honest millionaires-shaped task (t = 1) whose slots belong to `owner`. */
export async function rerunAttempts(root: string, dataDir: string, compiled: { readonly codeHash: TaskSpec['codeHash'] }, owner: PrivateKeyAccount): Promise<{ attempt0: TaskSpec; attempt1: TaskSpec }> {
  const member = async (dir: string) => publicIdentity((await loadOrCreateIdentity(dir)).identity)
  const ids = [await member(dataDir), ...(await Promise.all([0, 1, 2].map((i) => member(join(root, `ghost${i}`)))))]
  const committee0: CommitteeMember[] = ids.slice(0, 3).map((m, index) => ({ index, ...m, multiaddrs: [] }))
  const committee1: CommitteeMember[] = [ids[0]!, ids[1]!, ids[3]!].map((m, index) => ({ index, ...m, multiaddrs: [] }))
  const attempt0 = makeTaskSpec({ codeHash: compiled.codeHash, committee: committee0, t: 1, security: 'semi-honest', slots: [{ name: 'alice', owner: owner.address }, { name: 'bob', owner: owner.address }] })
  return { attempt0, attempt1: { ...attempt0, committee: committee1, attempt: 1, rerun: { previousCommittee: committee0, culprit: ids[2]!.account } } }
}
