/**
 * An owner's check of her leaf in a batched task's committed input root (issue #14 §5, confirmInput):
 * proofs from the members, verified by her against the root read from the chain.
 */
import type { Hex } from 'viem'
import { inputLeafHash } from '../../node/input-batch.ts'
import { processProof } from '../../node/input-batch-tree.ts'
import { nodeRequest } from './node-api.ts'

/**
 * Asks the members one at a time (starting at her slot's member, so 200 owners spread over the
 * committee) for her leaf's proof in the committed root, and checks every answer herself: `included`
 * once a proof of exactly (slot, owner, commitment) hashes to `root` (what the contract's `isIncluded`
 * computes); `excluded` once t + 1 members answered for this root without such a proof (one of them is
 * honest, and an honest member that saw the root's leaves proves a leaf that is there: t lying members
 * cannot push her out); `unknown` otherwise (members that did not see the root's leaves yet, or down).
 */
export async function proofFromMembers(
  /** The members' API base URLs, in member order. */
  apis: readonly string[], t: number,
  q: { taskId: Hex; slot: number; owner: Hex; commitment: Hex; root: Hex; timeoutMs?: number; signal?: AbortSignal },
): Promise<'included' | 'excluded' | 'unknown'> {
  const want = inputLeafHash({ slot: q.slot, owner: q.owner, commitment: q.commitment })
  let without = 0
  for (let k = 0; k < apis.length; k++) {
    const i = (q.slot + k) % apis.length
    const a = await nodeRequest<{ root?: unknown; proof?: unknown }>({
      url: `${apis[i]}/v1/tasks/${q.taskId}/input-batch/proof/${q.slot}`, who: `node ${i}`, timeoutMs: q.timeoutMs ?? 2_000, retryEveryMs: 250, signal: q.signal,
    }).catch(() => undefined)
    if (typeof a?.root !== 'string' || a.root.toLowerCase() !== q.root) continue
    const proof = Array.isArray(a.proof) && a.proof.length <= 64 && a.proof.every((h) => typeof h === 'string' && BYTES32.test(h)) ? (a.proof as Hex[]).map((h) => h.toLowerCase() as Hex) : undefined
    if (proof && processProof(proof, want) === q.root) return 'included'
    if (++without > t) return 'excluded'
  }
  return 'unknown'
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/
