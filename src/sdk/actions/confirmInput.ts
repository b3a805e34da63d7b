import type { Hex } from 'viem'
import { getBlock } from 'viem/actions'
import { fillInputSlot } from '../../chain/actions/fillInputSlot.ts'
import { getInputBatch } from '../../chain/actions/getInputBatch.ts'
import { isInputIncluded } from '../../chain/actions/isInputIncluded.ts'
import { inputBatchTree } from '../../node/input-batch.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { taskInfo } from '../internal/task-info.ts'
import { commitInputBatch, membersHeld } from './commitInputBatch.ts'

export interface ConfirmInputParameters {
  readonly taskId: Hex
  readonly slot: string
  /** The commitment the owner signed and handed to the members (submitInput's). */
  readonly commitment: Hex
  /**
   * Aggregate the root ourselves once every member holds every slot (default true): whoever sees the
   * set complete first commits it; the others find it on chain.
   */
  readonly aggregate?: boolean
  readonly pollMs?: number
  readonly signal?: AbortSignal
}
export interface ConfirmInputReturnType {
  /** 'batch': her leaf is in the committed root (proof checked on chain); 'escape': she filled directly. */
  readonly path: 'batch' | 'escape'
  readonly transactionHash?: Hex
  readonly gasUsed: bigint
  /** Gas of the root this call committed as aggregator (0 if another party did). */
  readonly rootGasUsed: bigint
}

const ZERO: Hex = `0x${'00'.repeat(32)}`

/**
 * The owner's side of the censorship escape (docs/controller.md "Input batches"): waits for the task's
 * input root, fetches her Merkle proof from any member and checks it on chain (`isIncluded`); if her
 * leaf is missing, or no root landed by the cut-off, she fills her slot directly on the controller
 * before the deadline, and the nodes use that.
 */
export async function confirmInput(client: EnigmaClient, params: ConfirmInputParameters): Promise<ConfirmInputReturnType> {
  const wallet = requireWallet(client, 'confirmInput')
  const inputs = client.inputs
  if (!inputs) throw new SdkError('SDK_CONFIG_INVALID', 'confirmInput: no inputs contract configured')
  const info = await taskInfo(client, params.taskId)
  const slot = info.slots.findIndex((s) => s.name === params.slot)
  if (slot < 0) throw new SdkError('SDK_SLOT_UNKNOWN', `task ${params.taskId} has no input slot '${params.slot}'`)
  const owner = wallet.account.address
  let rootGasUsed = 0n
  const escape = async (): Promise<ConfirmInputReturnType> => {
    const r = await fillInputSlot(wallet, { address: client.controller, taskId: params.taskId, slot, owners: info.slots.map((s) => s.owner), commitment: params.commitment })
    return { path: 'escape', transactionHash: r.hash, gasUsed: r.gasUsed, rootGasUsed }
  }
  for (let misses = 0; ; ) {
    params.signal?.throwIfAborted()
    const batch = await getInputBatch(client.public, { address: inputs, taskId: params.taskId })
    if (batch.root !== ZERO) {
      const held = await membersHeld(client, params.taskId, { signal: params.signal })
      const leaves = held.find((h) => h?.committed?.root.toLowerCase() === batch.root.toLowerCase() && h.committed.leaves)?.committed?.leaves
      if (leaves) {
        const tree = inputBatchTree(leaves)
        const proof = tree.root === batch.root.toLowerCase() ? tree.proof(slot) : undefined
        const mine = proof && await isInputIncluded(client.public, { address: inputs, taskId: params.taskId, slot, owner, commitment: params.commitment, proof })
        return mine ? { path: 'batch', gasUsed: 0n, rootGasUsed } : escape()
      }
      // No member shows the root's leaves (yet): a few polls, then she cannot check her leaf and escapes.
      if (++misses > 20) return escape()
    } else {
      const now = (await getBlock(client.public, { blockTag: 'latest' })).timestamp
      if (now >= batch.cutoff) return escape()
      if (params.aggregate ?? true) {
        const held = await membersHeld(client, params.taskId, { signal: params.signal })
        if (held.every((h) => h && h.leaves.length === info.slots.length)) {
          rootGasUsed += (await commitInputBatch(client, { taskId: params.taskId, signal: params.signal }).catch(() => ({ gasUsed: 0n }))).gasUsed
          continue
        }
      }
    }
    await new Promise((r) => setTimeout(r, params.pollMs ?? 250))
  }
}
