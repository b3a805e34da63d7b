import type { Hex } from 'viem'
import { getBlock } from 'viem/actions'
import { fillInputSlot } from '../../chain/actions/fillInputSlot.ts'
import { getInputBatch, getInputRoot } from '../../chain/actions/getInputBatch.ts'
import { requireWallet, type EnigmaClient } from '../client.ts'
import { SdkError } from '../errors.ts'
import { proofFromMembers } from '../internal/input-proof.ts'
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
 * input root, fetches her Merkle proof from a member and checks it against the root on chain herself
 * (what the contract's `isIncluded` computes, without a call per owner); if no member can prove her
 * leaf, or no root landed by the cut-off, she fills her slot directly on the controller before the
 * deadline, and the nodes use that.
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
  const pollMs = params.pollMs ?? 250
  for (let missedSince: number | undefined; ; ) {
    params.signal?.throwIfAborted()
    const root = (await getInputRoot(client.public, { address: inputs, taskId: params.taskId })).toLowerCase() as Hex
    if (root !== ZERO) {
      const found = await proofFromMembers(info.committee.map((m) => client.nodeApi(m)), info.t, { taskId: params.taskId, slot, owner, commitment: params.commitment, root, signal: params.signal })
      if (found === 'included') return { path: 'batch', gasUsed: 0n, rootGasUsed }
      // t + 1 members saw the root's leaves and none could prove hers: at least one honest one, so she is not in it.
      if (found === 'excluded') return escape()
      // Too few members show the root's leaves (yet): a few polls' time, then she cannot check her leaf and escapes.
      missedSince ??= Date.now()
      if (Date.now() - missedSince > 20 * pollMs) return escape()
    } else {
      const batch = await getInputBatch(client.public, { address: inputs, taskId: params.taskId })
      const now = (await getBlock(client.public, { blockTag: 'latest' })).timestamp
      if (batch.root === ZERO && now >= batch.cutoff) return escape()
      if (batch.root === ZERO && (params.aggregate ?? true)) {
        const held = await membersHeld(client, params.taskId, { signal: params.signal })
        if (held.every((h) => h && h.leaves.length === info.slots.length)) {
          rootGasUsed += (await commitInputBatch(client, { taskId: params.taskId, signal: params.signal }).catch(() => ({ gasUsed: 0n }))).gasUsed
          continue
        }
      }
      if (batch.root !== ZERO) continue
    }
    await new Promise((r) => setTimeout(r, pollMs))
  }
}
